// Quantities on cost reports (PRODUCT §3): cost lines without token quantities are paired with the same provider's
// usage report. Placeholder pass: returns the working set unchanged until pairing lands.
import type { Db } from '../store/duckdb.js';
import type { Transaction } from '../store/transaction.js';
import type { WorkingFile } from './replace.js';

export async function pairCostReports(db: Db, tx: Transaction, working: WorkingFile[]): Promise<WorkingFile[]> {
  void db;
  void tx;
  return working;
}
