// Where output goes: data on stdout, notes/progress on stderr; colour decided once (NO_COLOR, non-TTY).
import { Chalk } from 'chalk';

const colour = process.stderr.isTTY && !process.env.NO_COLOR;
const c = new Chalk({ level: colour ? 1 : 0 });

export const output = {
  /** Command results: tables, CSV, JSON. */
  data(text: string): void {
    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  },
  note(text: string): void {
    process.stderr.write(`${c.dim(text)}\n`);
  },
  warn(text: string): void {
    process.stderr.write(`${c.yellow('warning:')} ${text}\n`);
  },
  error(text: string): void {
    process.stderr.write(`${c.red('error:')} ${text}\n`);
  },
  /** A one-line progress indicator, only on a TTY. */
  progress(text: string): void {
    if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K${c.dim(text)}`);
  },
  progressDone(): void {
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[2K');
  },
  colour: c,
};
