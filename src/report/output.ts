// Where output goes: data on stdout, notes, warnings and progress on stderr. Colour is decided once, here, for both
// streams: NO_COLOR (any value, https://no-color.org) turns it off, FORCE_COLOR=1|2|3 turns it on even when the
// stream is not a terminal (CI logs that render ANSI), otherwise colour only on a TTY.
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Chalk, type ChalkInstance } from 'chalk';

export type ColourLevel = 0 | 1 | 2 | 3;

/** The colour level for a stream, from the environment and whether the stream is a terminal. */
export function colourLevel(isTTY: boolean | undefined, env: NodeJS.ProcessEnv = process.env): ColourLevel {
  if (env.NO_COLOR !== undefined) return 0;
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === '0' || force === 'false') return 0;
    return force === '2' || force === '3' ? (Number(force) as ColourLevel) : 1;
  }
  return isTTY ? 1 : 0;
}

const dataColour = new Chalk({ level: colourLevel(process.stdout.isTTY) });
const noteColour = new Chalk({ level: colourLevel(process.stderr.isTTY) });

export const output = {
  /** Command results: tables, CSV, JSON. */
  data(text: string): void {
    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  },
  /** Writes a large result as it comes, waiting whenever stdout is behind (memory stays flat). */
  async write(text: string): Promise<void> {
    if (!process.stdout.write(text)) await once(process.stdout, 'drain');
  },
  /** Copies a byte stream to stdout with backpressure; stdout stays open for whatever follows. */
  async stream(source: Readable): Promise<void> {
    await pipeline(source, process.stdout, { end: false });
  },
  note(text: string): void {
    process.stderr.write(`${noteColour.dim(text)}\n`);
  },
  warn(text: string): void {
    process.stderr.write(`${noteColour.yellow('warning:')} ${text}\n`);
  },
  error(text: string): void {
    process.stderr.write(`${noteColour.red('error:')} ${text}\n`);
  },
  /** A one-line progress indicator, only on a TTY. */
  progress(text: string): void {
    if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K${noteColour.dim(text)}`);
  },
  progressDone(): void {
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[2K');
  },
  /** Colours for what goes to stdout (table headers, states in a table). */
  colour: dataColour as ChalkInstance,
  /** Colours for notes on stderr. */
  noteColour: noteColour as ChalkInstance,
  /** Whether stdout is a terminal: tables get borders and fit its width. */
  get tty(): boolean {
    return process.stdout.isTTY === true;
  },
  /** The terminal's width when stdout is one. */
  get columns(): number | undefined {
    return process.stdout.isTTY ? process.stdout.columns : undefined;
  },
};
