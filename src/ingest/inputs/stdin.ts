// `aicost ingest - --source ID`: standard input is spooled to a file inside the transaction's staging area (or the
// dry run's scratch folder), hashed on the way, and from then on read like any file. A file is needed because the
// readers scan their input more than once (sniffing, DuckDB's CSV sniffer, error-line lookups) and DuckDB reads
// paths, not pipes; the staging area is removed with the transaction, so nothing is left behind.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InputError } from '../../errors.js';

export interface Spooled {
  path: string;
  sha256: string;
  bytes: number;
}

/** Copies `input` (standard input by default) to `<dir>/stdin`, returning its SHA-256 and size. */
export async function spoolStdin(dir: string, input: Readable = process.stdin): Promise<Spooled> {
  if (input === process.stdin && process.stdin.isTTY) {
    throw new InputError(
      '"-" reads standard input, but nothing is piped in',
      {},
      'e.g. cat spendlogs.csv | aicost ingest - --source litellm',
    );
  }
  const path = join(dir, 'stdin');
  const hash = createHash('sha256');
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  await pipeline(input, tap, createWriteStream(path));
  return { path, sha256: hash.digest('hex'), bytes };
}
