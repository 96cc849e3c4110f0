// COPY's output as a stream, read while DuckDB writes it, so that `aicost query --format csv|json` over millions of
// rows keeps memory flat. DuckDB writes into a named pipe (mkfifo) that Node reads; the pipe is the backpressure
// (DuckDB's write blocks while the reader is behind). Where there is no mkfifo (Windows), DuckDB writes a temporary
// file that is streamed when COPY ends.
// Why not COPY TO '/dev/stdout': DuckDB reopens it, which truncates a file opened for appending (`>> out.csv`) and
// fails on a socket; and its writes would bypass Node's stdout, where EPIPE from `| head` is handled.
import { execFileSync } from 'node:child_process';
import { closeSync, constants, createReadStream, mkdtempSync, openSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { type Db, lit } from './duckdb.js';

export interface CopyStream {
  /** What COPY writes, as it writes it; destroyed with COPY's error if COPY fails. */
  stream: Readable;
  /** Settles when COPY has ended. */
  done: Promise<void>;
}

function makeFifo(path: string): boolean {
  try {
    execFileSync('mkfifo', ['-m', '600', path], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Runs `COPY (select) TO <pipe> (options)` and returns its output as a readable stream. */
export async function copyToStream(db: Db, select: string, options: string): Promise<CopyStream> {
  const dir = mkdtempSync(join(tmpdir(), 'aicost-copy-'));
  const path = join(dir, 'out');
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  // DuckDB would otherwise write next to the target and rename, which a pipe cannot take.
  const copy = () => db.run(`COPY (${select}) TO ${lit(path)} (${options}, USE_TMP_FILE false)`);

  if (!makeFifo(path)) {
    try {
      await copy();
    } catch (e) {
      cleanup();
      throw e;
    }
    const stream = createReadStream(path);
    stream.once('close', cleanup);
    return { stream, done: Promise.resolve() };
  }

  // Both ends are open before COPY starts: ours for reading, and a spare writer so that the reader sees no end of
  // file before DuckDB has opened the pipe. The spare closes when COPY is over, so end of file means COPY ended.
  const readFd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const spare = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
  // When the process exits mid-stream (`| head` closed stdout), DuckDB may be blocked writing into a full pipe and
  // Node would wait for its thread forever: closing the read end makes that write fail, so the process can end.
  const onExit = () => {
    try {
      closeSync(readFd);
    } catch {}
    cleanup();
  };
  process.once('exit', onExit);
  const stream = new Socket({ fd: readFd, readable: true, writable: false });
  stream.once('close', () => {
    process.off('exit', onExit);
    cleanup();
  });
  const done = copy().then(
    () => closeSync(spare),
    (e: unknown) => {
      stream.destroy(e as Error);
      closeSync(spare);
      throw e;
    },
  );
  // The caller learns of a failure through the stream; `done` is only awaited after it.
  done.catch(() => {});
  return { stream, done };
}
