// The text side of streaming JSON (json-split.ts): a buffer of decoded text that grows by chunks and shrinks behind
// the reader, and a resumable scan that finds where one JSON value ends (strings, escapes, nesting) without parsing
// it. Line numbers are counted for error messages only.

const SPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);
// characters that end a bare scalar (number, true, false, null)
const SCALAR_END = new Set([0x2c, 0x7d, 0x5d, 0x20, 0x09, 0x0a, 0x0d]);

export class ValueScanner {
  private buf = '';
  /** Newlines in the text already dropped from the buffer. */
  private linesBefore = 0;
  /** Read position in the buffer. */
  pos = 0;
  /** Where the value being scanned starts (buffer index). */
  valueStart = -1;
  private i = 0;
  private depth = 0;
  private inString = false;
  private scalar = false;

  append(text: string): void {
    this.buf += text;
  }

  /** Moves past whitespace; false when the buffer is exhausted. */
  skipSpace(): boolean {
    while (this.pos < this.buf.length && SPACE.has(this.buf.charCodeAt(this.pos))) this.pos++;
    return this.pos < this.buf.length;
  }

  peek(): string {
    return this.buf[this.pos]!;
  }

  startValue(): void {
    this.valueStart = this.pos;
    this.i = this.pos;
    this.depth = 0;
    this.inString = false;
    const c = this.buf.charCodeAt(this.pos);
    this.scalar = c !== 0x22 && c !== 0x7b && c !== 0x5b;
  }

  /**
   * Scans on from where it stopped. Returns the value's text and moves past it once the value is complete; null when
   * more text is needed. At the end of input (`final`) the remaining text is returned, for the parser to reject.
   */
  finishValue(final: boolean): string | null {
    const end = this.scalar ? this.scanScalar() : this.scanNested();
    if (end < 0 && !final) return null;
    const stop = end < 0 ? this.buf.length : end;
    const text = this.buf.slice(this.valueStart, stop);
    this.pos = stop;
    return text;
  }

  private scanScalar(): number {
    const b = this.buf;
    let i = this.i;
    while (i < b.length && !SCALAR_END.has(b.charCodeAt(i))) i++;
    this.i = i;
    return i < b.length ? i : -1;
  }

  private scanNested(): number {
    const b = this.buf;
    const n = b.length;
    let { i, depth, inString } = this;
    while (i < n) {
      const c = b.charCodeAt(i);
      if (inString) {
        if (c === 0x5c) i += 2;
        else {
          if (c === 0x22) inString = false;
          i++;
          if (!inString && depth === 0) break;
        }
        continue;
      }
      if (c === 0x22) inString = true;
      else if (c === 0x7b || c === 0x5b) depth++;
      else if (c === 0x7d || c === 0x5d) {
        depth--;
        if (depth === 0) {
          i++;
          break;
        }
      }
      i++;
    }
    this.i = i;
    this.depth = depth;
    this.inString = inString;
    const done = i <= n && !inString && depth === 0 && i > this.valueStart;
    return done ? i : -1;
  }

  /** The value was consumed: drops text behind the reader once enough has piled up. */
  release(): void {
    this.valueStart = -1;
    if (this.pos < 1 << 20) return;
    const gone = this.buf.slice(0, this.pos);
    for (let k = gone.indexOf('\n'); k >= 0; k = gone.indexOf('\n', k + 1)) this.linesBefore++;
    this.buf = this.buf.slice(this.pos);
    this.pos = 0;
  }

  /** The 1-based line of a buffer index (for messages). */
  lineAt(index: number): number {
    let line = this.linesBefore + 1;
    const upto = Math.min(index, this.buf.length);
    for (let k = this.buf.indexOf('\n'); k >= 0 && k < upto; k = this.buf.indexOf('\n', k + 1)) line++;
    return line;
  }
}
