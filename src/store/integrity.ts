// Are the files the manifest lists really there? A missing or truncated Parquet is an input error naming the file
// (exit 2) with a repair path, never a DuckDB failure deep inside a view (docs/architecture.md#repair).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import type { Manifest, StoredFile } from './manifest.js';

export interface BrokenFile {
  file: StoredFile;
  problem: string;
}

const MAGIC = 'PAR1';

/** The Parquet magic at both ends: a file cut short loses its footer, so the tail check finds any truncation. */
function fileProblem(abs: string): string | null {
  let fd: number;
  try {
    fd = openSync(abs, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'missing' : `unreadable (${code})`;
  }
  try {
    const size = fstatSync(fd).size;
    if (size < 12) return `truncated (${size} bytes)`;
    const head = Buffer.alloc(4);
    const tail = Buffer.alloc(4);
    readSync(fd, head, 0, 4, 0);
    readSync(fd, tail, 0, 4, size - 4);
    if (head.toString('latin1') !== MAGIC) return 'not a Parquet file';
    if (tail.toString('latin1') !== MAGIC) return `truncated (${size} bytes, no Parquet footer)`;
    return null;
  } finally {
    closeSync(fd);
  }
}

/** Every listed file that is missing, truncated or not Parquet. */
export function brokenFiles(home: string, files: StoredFile[]): BrokenFile[] {
  const out: BrokenFile[] = [];
  for (const file of files) {
    const problem = fileProblem(join(home, file.path));
    if (problem) out.push({ file, problem });
  }
  return out;
}

/** Throws an InputError naming the first broken file (and how many there are) with the repair path. */
export function assertFilesIntact(home: string, manifest: Manifest): void {
  const broken = brokenFiles(home, manifest.files);
  const first = broken[0];
  if (!first) return;
  const input = manifest.inputs.find((i) => i.sha256 === first.file.inputSha256);
  const more = broken.length > 1 ? ` (and ${broken.length - 1} more broken files)` : '';
  throw new InputError(
    `stored file listed in the manifest is ${first.problem}${input ? `; its rows came from ${input.path}` : ''}${more}`,
    { file: join(home, first.file.path) },
    `run \`aicost doctor\` to list every broken file, then \`aicost doctor --fix\` to drop them (and what was built on them) from the manifest${input ? ` and ingest ${input.path} again` : ''}`,
  );
}
