// The error taxonomy and the exit codes every command shares (docs/architecture.md#errors-and-exit-codes).
// cli.ts is the one place these become messages and exit codes. Messages never carry input values beyond a short
// quote of the offending one: every error is redacted when it is made (secrets.ts#redactMessage).
import { redactMessage } from './secrets.js';

export const ExitCode = {
  ok: 0,
  /** A check the user asked for failed (validate findings, --fail-on rules). Output is still written. */
  checkFailed: 1,
  /** Usage or input error: bad flag, unreadable or malformed input, writer lock held. */
  input: 2,
  /** Internal error: a bug, including a reconciliation that does not hold on our own transformation. */
  internal: 3,
} as const;

/** Where in an input a problem sits; every field optional, printed as `file:record column`. */
export interface InputLocation {
  file?: string;
  /** 1-based line (CSV) or a record path such as `data[0].results[2]` (JSON). */
  record?: string | number;
  column?: string;
}

/** A record named by its key (a request id): cut to 60 characters and redacted like any quoted value. */
function shortRecord(record: string): string {
  const cut = record.length > 60 ? `${record.slice(0, 60)}…` : record;
  return redactMessage(cut);
}

export function formatLocation(loc: InputLocation): string {
  const parts: string[] = [];
  if (loc.file) parts.push(loc.file);
  if (loc.record !== undefined)
    parts.push(typeof loc.record === 'number' ? `line ${loc.record}` : `record ${shortRecord(loc.record)}`);
  if (loc.column) parts.push(`column ${loc.column}`);
  return parts.join(', ');
}

/** Bad input or usage: exit 2 and nothing stored changes. */
export class InputError extends Error {
  readonly exitCode = ExitCode.input;
  constructor(
    message: string,
    readonly location: InputLocation = {},
    readonly hint?: string,
  ) {
    super(redactMessage(message, location.column));
    this.name = 'InputError';
  }
  describe(): string {
    const where = formatLocation(this.location);
    return where ? `${where}: ${this.message}` : this.message;
  }
}

/** A user-requested check failed (exit 1); the command's output was still produced. */
export class CheckFailedError extends Error {
  readonly exitCode = ExitCode.checkFailed;
  constructor(message: string) {
    super(message);
    this.name = 'CheckFailedError';
  }
}

/** Our own invariant broke (exit 3): this is a bug. */
export class InternalError extends Error {
  readonly exitCode = ExitCode.internal;
  constructor(message: string) {
    super(redactMessage(message));
    this.name = 'InternalError';
  }
}

/** Several inputs failed; each keeps its own location. */
export class MultiInputError extends InputError {
  constructor(readonly errors: InputError[]) {
    super(errors.map((e) => e.describe()).join('\n'));
    this.name = 'MultiInputError';
  }
  override describe(): string {
    return this.message;
  }
}

/** The text of any error, redacted (secrets.ts#redactMessage): for errors that did not come through the classes above. */
export function safeErrorText(err: unknown, withStack = false): string {
  const text = err instanceof Error ? ((withStack ? err.stack : undefined) ?? err.message) : String(err);
  return redactMessage(text);
}

export function exitCodeOf(err: unknown): number {
  if (err instanceof InputError || err instanceof CheckFailedError || err instanceof InternalError)
    return err.exitCode;
  return ExitCode.internal;
}

/** Errno codes and DuckDB messages of a full disk or quota: the user's environment, not a bug. */
const DISK_FULL_CODES = new Set(['ENOSPC', 'EDQUOT']);
const DISK_FULL_TEXT = /No space left on device|Disk quota exceeded/i;

/**
 * A full disk (ENOSPC, a quota, or DuckDB's "No space left on device"), or a folder that cannot be written (EROFS,
 * EACCES), as an InputError (exit 2) saying so; any other error unchanged. Writes are transactional, so a write that fails this way has changed nothing stored.
 */
export function asUserError(err: unknown): unknown {
  if (!(err instanceof Error) || err instanceof InputError) return err;
  const e = err as NodeJS.ErrnoException;
  // a data home on read-only media, or not ours to write: the environment again
  if (e.code === 'EROFS' || e.code === 'EACCES')
    return new InputError(
      `cannot write here (${e.code === 'EROFS' ? 'read-only file system' : 'permission denied'})`,
      e.path ? { file: e.path } : {},
      'point --data at a folder you can write to',
    );
  if (!(e.code && DISK_FULL_CODES.has(e.code)) && !DISK_FULL_TEXT.test(e.message)) return err;
  const what =
    e.code === 'EDQUOT' || /quota/i.test(e.message) ? 'disk quota exceeded' : 'no space left on device';
  return new InputError(
    `the disk is full (${what}); nothing was stored and the data home is unchanged`,
    e.path ? { file: e.path } : {},
    'free some space, or point --data (or TMPDIR) at a disk with room, and run the command again',
  );
}
