// Forgetting data: drop manifest files (and their input records) by source, input file or period, atomically.
import { relative, resolve } from 'node:path';
import { InputError } from '../errors.js';
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
    if (matches.length === 0) throw nothingMatches(opts, tx.next);
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

/** `file` as a manifest path: relative to the data home when it lies inside it, else as given (`/`-separated). */
function storedRelative(home: string, file: string): string {
  const rel = relative(home, resolve(file)).split('\\').join('/');
  const inside = !rel.startsWith('..') && !rel.startsWith('/');
  return inside ? rel : file.split('\\').join('/');
}

/** Selectors that match nothing are a mistake (a typo, a path never ingested): exit 2 and record no empty run. */
function nothingMatches(
  opts: ForgetOptions,
  m: { files: { sourceId: string; partition: string }[]; inputs: { path: string }[] },
): InputError {
  const said = [
    opts.source && `--source ${opts.source}`,
    opts.file && `--file ${opts.file}`,
    opts.period && `--period ${opts.period}`,
  ].filter(Boolean);
  const sources = [...new Set(m.files.map((f) => f.sourceId))].sort();
  const months = [...new Set(m.files.map((f) => f.partition.slice(0, 7)))].sort();
  let hint: string;
  if (m.files.length === 0) hint = 'the data home holds nothing yet';
  else if (opts.source && !sources.includes(opts.source)) hint = `stored sources: ${sources.join(', ')}`;
  else if (opts.file)
    hint = `stored inputs (as ingested, or their sha256): ${m.inputs
      .slice(0, 5)
      .map((i) => i.path)
      .join(', ')}${m.inputs.length > 5 ? ', ...' : ''}`;
  else hint = `stored months: ${months.join(', ')}`;
  return new InputError(`nothing to forget: no stored file matches ${said.join(' ')}`, {}, hint);
}
