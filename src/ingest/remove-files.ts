// Removing stored files inside a transaction, with everything built on them: the one mechanism behind
// `aicost forget` and `aicost doctor --fix`.
import { join } from 'node:path';
import { Db } from '../store/duckdb.js';
import type { WorkingFile } from '../store/rewrite.js';
import type { Transaction } from '../store/transaction.js';
import { burnCommitments } from './burn.js';
import { deriveCommitmentRows } from './commitment-rows.js';
import { pruneAllocations } from './prune-allocations.js';

/**
 * Drops the stored files `gone` (manifest paths) from `tx` and re-derives what depends on them in the same swap: a
 * forgotten bundle or cost report changes the burn-down and commitment rows, and allocations of vanished origin
 * rows go (docs/allocation.md#runs). The files in `gone` are never read, so they may be missing or broken.
 */
export async function removeStoredFiles(tx: Transaction, gone: Set<string>): Promise<void> {
  const db = await Db.open({ tempDirectory: join(tx.stagingDir, 'duckdb-tmp') });
  let working: WorkingFile[];
  try {
    working = tx.next.files
      .filter((f) => !gone.has(f.path))
      .map((f) => ({ abs: join(tx.home, f.path), file: f, staged: false }));
    working = await burnCommitments(db, tx, working);
    working = await deriveCommitmentRows(db, tx, working);
    working = await pruneAllocations(db, tx, working, 'burn_changed');
  } finally {
    db.close();
  }
  const keep = new Set(working.map((w) => w.file.path));
  for (const f of [...tx.next.files]) if (!keep.has(f.path)) tx.removeFile(f.path);
  for (const w of working) if (w.staged) tx.addFile(w.abs, w.file);
}
