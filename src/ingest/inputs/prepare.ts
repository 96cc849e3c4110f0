// One found input made ready for detection: standard input spooled, a delivery's data files checked, the file
// sniffed (through its compression), and inputs that are not data told apart: skipped when found by walking a
// folder, an input error when the user named them.
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError } from '../../errors.js';
import type { Sniff } from '../../normalize/contract.js';
import { fileCompression } from '../../normalize/decompress.js';
import { sha256File } from '../../store/files.js';
import { type FoundInput, STDIN_PATH } from '../discover.js';
import { sniffFile } from '../sniff.js';
import { documentationKind } from './doc-json.js';
import { spoolStdin } from './stdin.js';

export interface PreparedInput {
  /** The file the readers read: the file itself, the spooled copy of stdin, or a delivery's first data file. */
  abs: string;
  /** A delivery's data files (absolute), read together as one input. */
  files?: string[];
  sniff: Sniff;
  bytes: number;
  /**
   * When the input was exported, as far as the file system knows: its modification time (a delivery: its newest data
   * file's; standard input: when it was read). Orders restatements of the same key (ingest/replace.ts).
   */
  modifiedAt: string;
  /** SHA-256 of the input's bytes (a delivery: of its data files' bytes, in manifest order). */
  sha256: () => Promise<string>;
}

export type Preparation = { input: PreparedInput } | { skip: string } | { error: InputError };

const ZIP_MAGIC = 0x04034b50;

function isZip(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(4);
    return readSync(fd, buf, 0, 4, 0) === 4 && buf.readUInt32LE(0) === ZIP_MAGIC;
  } finally {
    closeSync(fd);
  }
}

async function sha256Files(files: string[]): Promise<string> {
  const h = createHash('sha256');
  for (const f of files)
    for await (const chunk of createReadStream(f, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** A delivery's data files must share one compression: DuckDB is told it once for the whole list. */
function checkDeliveryFiles(found: FoundInput, files: string[]): void {
  const first = fileCompression(files[0]!);
  const odd = files.find((f) => fileCompression(f) !== first);
  if (odd) {
    throw new InputError(`the delivery mixes compressed and uncompressed data files (${odd})`, {
      file: found.path,
    });
  }
}

/** A delivery's CSV parts are read together by position (see csvInputSql): they must share one header. */
async function checkSameHeader(found: FoundInput, files: string[], header: string[]): Promise<void> {
  for (const f of files.slice(1)) {
    const other = (await sniffFile(f)).header;
    if (other.join('\0') !== header.join('\0')) {
      throw new InputError(
        `the delivery's data files have different columns (${f} differs from ${files[0]})`,
        {
          file: found.path,
        },
      );
    }
  }
}

async function prepare(found: FoundInput, scratchDir: string): Promise<Preparation> {
  const notData = (reason: string): Preparation =>
    found.explicit ? { error: new InputError(reason, { file: found.path }) } : { skip: reason };
  let abs: string;
  let bytes: number;
  let modified: Date = new Date();
  let sha: string | undefined;
  const files = found.files?.map((f) => resolve(f));
  if (found.stdin) {
    ({ path: abs, bytes, sha256: sha } = await spoolStdin(scratchDir));
  } else if (files) {
    checkDeliveryFiles(found, files);
    abs = files[0]!;
    bytes = files.reduce((n, f) => n + statSync(f).size, 0);
    modified = new Date(Math.max(...files.map((f) => statSync(f).mtimeMs)));
  } else {
    abs = resolve(found.path);
    const st = statSync(abs);
    bytes = st.size;
    modified = st.mtime;
  }
  if (bytes === 0) return notData('empty file');
  if (isZip(abs)) return notData('a zip archive: unzip it first (.gz and .zst files are read as they are)');
  const sniff = await sniffFile(abs, found.stdin ? STDIN_PATH : (found.files?.[0] ?? found.path));
  const doc = sniff.format === 'json' ? documentationKind(sniff.head) : null;
  if (doc) return notData(`${doc}, not data`);
  if (files && sniff.format === 'json') {
    return { error: new InputError('a delivery of JSON data files is not supported', { file: found.path }) };
  }
  if (files && sniff.format === 'csv') await checkSameHeader(found, files, sniff.header);
  const sha256 = async () => sha ?? (files ? sha256Files(files) : sha256File(abs));
  return { input: { abs, files, sniff, bytes, modifiedAt: modified.toISOString(), sha256 } };
}

/** Spools, checks and sniffs one input; input errors come back as values so ingest can report every bad input. */
export async function prepareInput(found: FoundInput, scratchDir: string): Promise<Preparation> {
  try {
    return await prepare(found, scratchDir);
  } catch (e) {
    if (e instanceof InputError) return { error: e };
    throw e;
  }
}
