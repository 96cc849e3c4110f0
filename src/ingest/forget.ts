// Forgetting data: drop manifest files (and their input records) by source, input file or period, atomically.
import { join, resolve } from 'node:path';
import { Db } from '../store/duckdb.js';
import type { WorkingFile } from '../store/rewrite.js';
import { Transaction } from '../store/transaction.js';
import { joinAzureExports } from './azure-join.js';
import { burnCommitments } from './burn.js';
import { deriveCommitmentRows } from './commitment-rows.js';
import { pruneAllocations } from './prune-allocations.js';

export interface ForgetOptions {
  home: string;
  source?: string;
  file?: string;
  period?: string;
}

export async function forget(opts: ForgetOptions): Promise<{ files: number; rows: number; inputs: number }> {
  const tx = Transaction.begin(resolve(opts.home));
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
    const matches = tx.next.files.filter(
      (f) =>
        (!opts.source || f.sourceId === opts.source) &&
        (!opts.file || shas.has(f.inputSha256)) &&
        (!opts.period || f.partition.startsWith(opts.period)),
    );
    // allocations of forgotten origin rows go in the same swap
    const gone = new Set(matches.map((f) => f.path));
    const db = await Db.open({ tempDirectory: join(tx.stagingDir, 'duckdb-tmp') });
    let working: WorkingFile[];
    try {
      working = tx.next.files
        .filter((f) => !gone.has(f.path))
        .map((f) => ({ abs: join(tx.home, f.path), file: f, staged: false }));
      // a forgotten Azure export changes its period's joined rows (azure-join.ts); a forgotten bundle (or cost
      // report) changes what the bundles cover: re-derived as on ingest
      working = await joinAzureExports(db, tx, working);
      working = await burnCommitments(db, tx, working);
      working = await deriveCommitmentRows(db, tx, working);
      working = await pruneAllocations(db, tx, working, 'burn_changed');
    } finally {
      db.close();
    }
    const keep = new Set(working.map((w) => w.file.path));
    for (const f of [...tx.next.files]) if (!keep.has(f.path)) tx.removeFile(f.path);
    for (const w of working) if (w.staged) tx.addFile(w.abs, w.file);
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
