// Parser for the Requirements Model's rendered check-function syntax (`AND(@Id, X != null)`, `FormatJSON{...}`,
// `A * B == C`, `distinct_count(A per B) == N`) into the trees of rule-syntax.ts.
import type { CmpOp, Expr, Operand } from './rule-syntax.js';

type Token =
  | { t: 'id'; v: string }
  | { t: 'ref'; v: string }
  | { t: 'str'; v: string }
  | { t: 'num'; v: string }
  | { t: 'op'; v: string }
  | { t: 'punct'; v: '(' | ')' | ',' | '*' }
  | { t: 'json'; v: string };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i] as string;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '@') {
      const m = /^@([A-Za-z0-9_-]+)/.exec(src.slice(i));
      if (!m) throw new Error(`bad reference at ${i}`);
      out.push({ t: 'ref', v: m[1] as string });
      i += m[0].length;
    } else if (ch === '"') {
      const end = findStringEnd(src, i);
      out.push({ t: 'str', v: JSON.parse(src.slice(i, end + 1)) as string });
      i = end + 1;
    } else if (ch === '{') {
      const end = findBraceEnd(src, i);
      out.push({ t: 'json', v: src.slice(i, end + 1) });
      i = end + 1;
    } else if (/[0-9-]/.test(ch)) {
      const m = /^-?[0-9]+(\.[0-9]+)?/.exec(src.slice(i));
      if (!m) throw new Error(`bad number at ${i}`);
      out.push({ t: 'num', v: m[0] });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i)) as RegExpExecArray;
      out.push({ t: 'id', v: m[0] });
      i += m[0].length;
    } else if (/[=!<>]/.test(ch)) {
      const m = /^(==|!=|>=|<=|>|<)/.exec(src.slice(i));
      if (!m) throw new Error(`bad operator at ${i}`);
      out.push({ t: 'op', v: m[0] });
      i += m[0].length;
    } else if (ch === '(' || ch === ')' || ch === ',' || ch === '*') {
      out.push({ t: 'punct', v: ch });
      i++;
    } else {
      throw new Error(`unexpected '${ch}' at ${i}`);
    }
  }
  return out;
}

function findStringEnd(src: string, start: number): number {
  for (let i = start + 1; i < src.length; i++) {
    if (src[i] === '\\') i++;
    else if (src[i] === '"') return i;
  }
  throw new Error('unterminated string');
}

function findBraceEnd(src: string, start: number): number {
  let depth = 0;
  for (let i = start; i < src.length; i++) {
    const ch = src[i];
    if (ch === '"') i = findStringEnd(src, i);
    else if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) return i;
  }
  throw new Error('unterminated JSON arguments');
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  parseAll(): Expr {
    const e = this.expr();
    if (this.pos < this.tokens.length) throw new Error(`trailing input after token ${this.pos}`);
    return e;
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private next(): Token {
    const t = this.tokens[this.pos++];
    if (!t) throw new Error('unexpected end of expression');
    return t;
  }

  private expect(t: Token['t'], v?: string): Token {
    const tok = this.next();
    if (tok.t !== t || (v !== undefined && tok.v !== v))
      throw new Error(`expected ${v ?? t}, got '${tok.v}'`);
    return tok;
  }

  private isPunct(v: string): boolean {
    const t = this.peek();
    return t?.t === 'punct' && t.v === v;
  }

  expr(): Expr {
    const tok = this.next();
    if (tok.t === 'ref') return { kind: 'ref', id: tok.v };
    if (tok.t !== 'id') return this.comparison(this.literal(tok));
    const nextTok = this.peek();
    if (nextTok?.t === 'json') {
      this.pos++;
      const args = JSON.parse(nextTok.v) as Record<string, unknown>;
      return tok.v === 'INVALID' ? { kind: 'invalid', raw: nextTok.v } : { kind: 'json', fn: tok.v, args };
    }
    if (this.isPunct('(')) {
      this.pos++;
      if (tok.v === 'AND' || tok.v === 'OR') return this.logical(tok.v === 'AND' ? 'and' : 'or');
      if (tok.v === 'distinct_count') return this.distinct();
      const args: string[] = [];
      while (!this.isPunct(')')) {
        args.push(this.expect('id').v);
        if (this.isPunct(',')) this.pos++;
      }
      this.pos++;
      return { kind: 'call', fn: tok.v, args };
    }
    if (this.isPunct('*')) {
      this.pos++;
      const right = this.expect('id').v;
      return this.comparison({ kind: 'product', left: tok.v, right });
    }
    return this.comparison(tok.v === 'null' ? { kind: 'null' } : { kind: 'column', name: tok.v });
  }

  private logical(kind: 'and' | 'or'): Expr {
    const items: Expr[] = [];
    while (!this.isPunct(')')) {
      items.push(this.expr());
      if (this.isPunct(',')) this.pos++;
      else if (!this.isPunct(')')) throw new Error(`expected ',' or ')' in ${kind.toUpperCase()}`);
    }
    this.pos++;
    return { kind, items };
  }

  private distinct(): Expr {
    const column = this.expect('id').v;
    this.expect('id', 'per');
    const per = this.expect('id').v;
    this.expect('punct', ')');
    this.expect('op', '==');
    const count = Number(this.expect('num').v);
    return { kind: 'distinct', column, per, count };
  }

  private comparison(left: Operand): Expr {
    const op = this.expect('op').v as CmpOp;
    const right = this.operand();
    return { kind: 'cmp', op, left, right };
  }

  private operand(): Operand {
    const tok = this.next();
    if (tok.t === 'id') return tok.v === 'null' ? { kind: 'null' } : { kind: 'column', name: tok.v };
    return this.literal(tok);
  }

  private literal(tok: Token): Operand {
    if (tok.t === 'str') return { kind: 'string', value: tok.v };
    if (tok.t === 'num') return { kind: 'number', value: tok.v };
    throw new Error(`unexpected '${tok.v}'`);
  }
}

/** Parses one rendered check or condition (`AND(@Id, X != null)`, `FormatJSON{...}`, `A * B == C`). Throws on bad input. */
export function parseExpr(text: string): Expr {
  return new Parser(tokenize(text)).parseAll();
}
