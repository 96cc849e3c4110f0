// Streaming a big JSON document without holding it: a structural scanner follows `JsonRecords.path` down to the
// array of records (the last `*`), cuts each element's text out and parses only that with the same lossless parser
// as the whole-document reader, then walks it with the same `walkRecords`. So records are identical by construction;
// memory is one element plus the few keys of the enclosing objects (`../start_time` of a bucket, `../trace` of a
// Langfuse export), which are parsed and kept. A record waits only while a key it reads from an enclosing object has
// not been seen yet (a key written after the array): it is emitted when the key arrives or the object closes.
import { parse } from 'lossless-json';
import { InputError } from '../errors.js';
import type { JsonRecords } from './contract.js';
import { walkRecords } from './json-records.js';
import { ValueScanner } from './json-scan.js';

type Json = unknown;
type Rec = Record<string, string | null>;

type Frame =
  | {
      kind: 'object';
      step: number;
      where: string;
      obj: Record<string, Json>;
      state: string;
      key?: string;
      seen: boolean;
    }
  | { kind: 'array'; step: number; where: string; index: number; state: string; pushed: boolean };

/** A key of an enclosing object (`stack[level]`) that record fields read. */
export interface Need {
  level: number;
  key: string;
}

export class RecordSplitter {
  private readonly last: number;
  private readonly scan = new ValueScanner();
  private frames: Frame[] = [];
  /** The document and the enclosing `*` elements of the position (objects being filled, or [] placeholders). */
  private stack: Json[] = [];
  private readonly closed = new WeakSet<object>();
  private pending: { node: Json; where: string; stack: Json[] }[] = [];
  private out: Rec[] = [];
  private rootDone = false;
  private started = false;
  private purpose: 'key' | 'member' | 'record' | null = null;

  /** `needs`: from `streamNeeds(spec)` (json-stream.ts), which also says whether the spec can be streamed. */
  constructor(
    private readonly spec: JsonRecords,
    private readonly file: string,
    private readonly needs: Need[],
  ) {
    this.last = spec.path.lastIndexOf('*');
  }

  /** Feeds decoded text; returns the records completed so far. */
  push(text: string): Rec[] {
    this.scan.append(text);
    this.run(false);
    return this.take();
  }

  /** The end of the input: returns the last records, or throws if the document is incomplete. */
  end(): Rec[] {
    this.run(true);
    if (!this.started) throw new InputError('empty file', { file: this.file });
    if (!this.rootDone) throw this.malformed('unexpected end of the document');
    return this.take();
  }

  private take(): Rec[] {
    const out = this.out;
    this.out = [];
    return out;
  }

  private malformed(what: string): InputError {
    return new InputError(`malformed JSON (${what})`, {
      file: this.file,
      record: this.scan.lineAt(this.scan.pos),
    });
  }

  private shapeError(message: string, where: string): InputError {
    return new InputError(message, { file: this.file, record: where || '$' });
  }

  private run(final: boolean): void {
    const s = this.scan;
    for (;;) {
      if (this.purpose) {
        const text = s.finishValue(final);
        if (text === null) return;
        this.valueDone(text);
        continue;
      }
      if (!s.skipSpace()) return;
      const ch = s.peek();
      const top = this.frames[this.frames.length - 1];
      if (!top) {
        if (this.rootDone) throw this.malformed('more data after the document');
        this.started = true;
        this.open(ch, 0, '');
      } else if (top.kind === 'object') this.stepObject(top, ch);
      else this.stepArray(top, ch);
    }
  }

  /** A value at `spec.path[step]` that is part of the spine: checks its type and starts its frame. */
  private open(ch: string, step: number, where: string): void {
    const part = this.spec.path[step]!;
    if (part === '*' && ch !== '[') throw this.shapeError(`expected an array at ${where || '$'}`, where);
    if (part !== '*' && ch !== '{') throw this.shapeError(`expected key "${part}" at ${where || '$'}`, where);
    this.scan.pos++;
    const top = this.frames[this.frames.length - 1];
    // the document and every element of a `*` array are levels of the stack `../` reads
    const pushed = !top || top.kind === 'array';
    if (part === '*') {
      if (pushed) this.stack.push([]);
      this.frames.push({ kind: 'array', step, where, index: 0, state: 'first', pushed });
    } else {
      const obj: Record<string, Json> = {};
      if (pushed) this.stack.push(obj);
      this.frames.push({ kind: 'object', step, where, obj, state: 'first', seen: false });
    }
  }

  private close(frame: Frame): void {
    this.scan.pos++;
    this.frames.pop();
    if (frame.kind === 'object') {
      const part = this.spec.path[frame.step]!;
      if (!frame.seen) throw this.shapeError(`expected key "${part}" at ${frame.where || '$'}`, frame.where);
      this.closed.add(frame.obj);
    }
    const pushed = frame.kind === 'object' ? this.stack[this.stack.length - 1] === frame.obj : frame.pushed;
    if (pushed) this.stack.pop();
    const parent = this.frames[this.frames.length - 1];
    if (parent) parent.state = 'next';
    else this.rootDone = true;
    this.flush(true);
  }

  private stepObject(f: Extract<Frame, { kind: 'object' }>, ch: string): void {
    if ((f.state === 'first' || f.state === 'next') && ch === '}') this.close(f);
    else if (f.state === 'first' || f.state === 'key') {
      if (ch !== '"') throw this.malformed(`expected a key, found "${ch}"`);
      this.begin('key');
    } else if (f.state === 'colon') {
      if (ch !== ':') throw this.malformed(`expected ":", found "${ch}"`);
      this.scan.pos++;
      f.state = 'value';
    } else if (f.state === 'value') this.memberValue(f, ch);
    else if (ch === ',') {
      this.scan.pos++;
      f.state = 'key';
    } else throw this.malformed(`expected "," or "}", found "${ch}"`);
  }

  /** The value of a key: the spine key's value is the next level of the path; any other key's is parsed and kept. */
  private memberValue(f: Extract<Frame, { kind: 'object' }>, ch: string): void {
    const part = this.spec.path[f.step]!;
    if (f.key !== part) {
      this.begin('member');
      return;
    }
    if (f.seen) throw this.malformed(`duplicate key "${part}"`);
    f.seen = true;
    f.state = 'next';
    this.open(ch, f.step + 1, f.where ? `${f.where}.${part}` : part);
  }

  private stepArray(f: Extract<Frame, { kind: 'array' }>, ch: string): void {
    if ((f.state === 'first' || f.state === 'next') && ch === ']') this.close(f);
    else if ((f.state === 'first' || f.state === 'value') && f.step === this.last) this.begin('record');
    else if (f.state === 'first' || f.state === 'value') {
      f.state = 'next';
      this.open(ch, f.step + 1, `${f.where}[${f.index++}]`);
    } else if (ch === ',') {
      this.scan.pos++;
      f.state = 'value';
    } else throw this.malformed(`expected "," or "]", found "${ch}"`);
  }

  private begin(purpose: 'key' | 'member' | 'record'): void {
    this.purpose = purpose;
    this.scan.startValue();
  }

  private parseText(text: string): Json {
    try {
      return parse(text);
    } catch (e) {
      const at = /position (\d+)/.exec((e as Error).message);
      const line = this.scan.lineAt(this.scan.valueStart + (at ? Number(at[1]) : 0));
      throw new InputError(`malformed JSON (${(e as Error).message})`, { file: this.file, record: line });
    }
  }

  private parseKey(text: string): string {
    try {
      return JSON.parse(text) as string;
    } catch {
      throw this.malformed(`bad key ${text.slice(0, 40)}`);
    }
  }

  private valueDone(text: string): void {
    const purpose = this.purpose;
    this.purpose = null;
    const top = this.frames[this.frames.length - 1]!;
    const value = purpose === 'key' ? null : this.parseText(text);
    if (purpose === 'key' && top.kind === 'object') {
      top.key = this.parseKey(text);
      top.state = 'colon';
    } else if (purpose === 'member' && top.kind === 'object') {
      top.obj[top.key!] = value;
      top.state = 'next';
      this.flush(false);
    } else if (top.kind === 'array') {
      const where = `${top.where}[${top.index++}]`;
      top.state = 'next';
      this.pending.push({ node: value, where, stack: [...this.stack, value] });
      this.flush(false);
    }
    this.scan.release();
  }

  /** Emits waiting records, in order, whose enclosing keys are known (or whose enclosing objects closed). */
  private flush(all: boolean): void {
    let i = 0;
    for (; i < this.pending.length; i++) {
      const p = this.pending[i]!;
      if (!all || this.frames.length > 0) {
        const ready = this.needs.every(({ level, key }) => {
          const o = p.stack[level];
          return Array.isArray(o) || this.closed.has(o as object) || key in (o as object);
        });
        if (!ready) break;
      }
      for (const r of walkRecords(p.node, this.spec, this.last + 1, p.where, p.stack, this.file))
        this.out.push(r);
    }
    this.pending = i === this.pending.length ? [] : this.pending.slice(i);
  }
}
