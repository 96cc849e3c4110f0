// Read-only SQL over the data home's views. The connection is in-memory; views read the manifest's files.
import { InputError } from '../errors.js';
import { withDb } from '../store/duckdb.js';
import { attachViews } from './views.js';

export async function runQuery(
  home: string,
  sql: string,
): Promise<{ columns: string[]; rows: Record<string, unknown>[] }> {
  return withDb({}, async (db) => {
    await attachViews(db, home);
    let rows: Record<string, unknown>[];
    let columns: string[];
    try {
      const reader = await db.conn.runAndReadAll(sql);
      columns = reader.columnNames();
      rows = reader.getRowObjectsJson() as Record<string, unknown>[];
    } catch (e) {
      throw new InputError(`query failed: ${(e as Error).message.split('\n')[0]}`);
    }
    return { columns, rows };
  });
}
