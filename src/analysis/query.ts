// SQL over the data home's views. The connection is in-memory; views read the manifest's files.
import { InputError } from '../errors.js';
import { withDb } from '../store/duckdb.js';
import { lockSession, readOnlyStatement } from './query-guard.js';
import { attachViews } from './views.js';

/** A query's column names, in order, and its rows as JSON-safe objects (DECIMAL, BIGINT, times as strings). */
export interface QueryResult {
  columns: string[];
  rows: Record<string, unknown>[];
}

/**
 * Runs `sql`, one read-only statement, over the views focus, usage, allocated, attributed, usage_attributed and
 * commitments; a bad or writing query is an InputError.
 */
export async function runQuery(home: string, sql: string): Promise<QueryResult> {
  return withDb({}, async (db) => {
    await attachViews(db, home);
    await lockSession(db);
    const statement = await readOnlyStatement(db, sql);
    let rows: Record<string, unknown>[];
    let columns: string[];
    try {
      const reader = await db.conn.runAndReadAll(statement);
      columns = reader.columnNames();
      rows = reader.getRowObjectsJson() as Record<string, unknown>[];
    } catch (e) {
      throw new InputError(`query failed: ${(e as Error).message.split('\n')[0]}`);
    }
    return { columns, rows };
  });
}
