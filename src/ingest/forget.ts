// Forgetting data: drop manifest files (and their input records) by source, input file or period, atomically.
import { relative, resolve } from 'node:path';
import { Transaction } from '../store/transaction.js';
import { removeStoredFiles } from './remove-files.js';

export interface ForgetOptions {
  home: string;
  source?: string;
  file?: string;
  period?: string;
}

export async function forget(opts: ForgetOptions): Promise<{ files: number; rows: number; inputs: number }> {
  // a repair path too: forgetting works when a listed file is missing or truncated (it is never read)
  const tx = Transaction.begin(resolve(opts.home), { checkFiles: false });
  try {
    const inputs = tx.next.inputs.filter(
      (i) =>
        (!opts.file ||
          i.path === opts.file ||
          i.sha256 === opts.file ||
          resolve(i.path) === resolve(opts.file)) &&
        (!opts.source || i.sourceId === opts.source),
    );
    const shas = new Set(inputs.map((i) => i.sha256));
    // --file may also name one stored Parquet (as `aicost doctor` and a broken-file error print it)
    const stored = opts.file ? storedRelative(tx.home, opts.file) : null;
    const matches = tx.next.files.filter(
      (f) =>
        (!opts.source || f.sourceId === opts.source) &&
        (!opts.file || shas.has(f.inputSha256) || f.path === stored) &&
        (!opts.period || f.partition.startsWith(opts.period)),
    );
    // allocations of forgotten origin rows go in the same swap
    await removeStoredFiles(tx, new Set(matches.map((f) => f.path)));
    const remaining = new Set(tx.next.files.map((f) => f.inputSha256));
    const before = tx.next.inputs.length;
    // an input record goes when none of its rows remain (or when named explicitly)
    tx.next.inputs = tx.next.inputs.filter(
      (i) => remaining.has(i.sha256) && !(opts.file && shas.has(i.sha256) && !opts.period),
    );
    const result = {
      files: matches.length,
      rows: matches.reduce((s, f) => s + f.rows, 0),
      inputs: before - tx.next.inputs.length,
    };
    tx.commit();
    return result;
  } catch (e) {
    tx.abort();
    throw e;
  }
}

/** `file` as a manifest path (relative to the data home, `/`-separated) when it lies inside the home. */
function storedRelative(home: string, file: string): string | null {
  const rel = relative(home, resolve(file)).split('\\').join('/');
  const inside = !rel.startsWith('..') && !rel.startsWith('/');
  return inside ? rel : file.split('\\').join('/');
}
