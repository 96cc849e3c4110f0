// `aicost query` only reads. The statement is classified by DuckDB's own parser (extract_statements + the prepared
// statement's type), never by matching text: exactly one statement, and it must be a read (SELECT, which includes
// FROM-first queries, VALUES, SHOW, DESCRIBE, SUMMARIZE and PRAGMAs that return tables; or EXPLAIN). COPY, ATTACH,
// CREATE, INSTALL/LOAD, SET, EXPORT, CALL and the rest are refused before anything runs. After the views exist the
// session's configuration is locked, so nothing in a query can turn a setting back on.
import { InputError } from '../errors.js';
import type { Db } from '../store/duckdb.js';

// Numbers of DuckDB's StatementType enum (@duckdb/node-api), named here so the import stays lazy.
const STATEMENT_NAMES: Record<number, string> = {
  1: 'SELECT',
  2: 'INSERT',
  3: 'UPDATE',
  4: 'EXPLAIN',
  5: 'DELETE',
  6: 'PREPARE',
  7: 'CREATE',
  8: 'EXECUTE',
  9: 'ALTER',
  10: 'a transaction statement',
  11: 'COPY',
  12: 'ANALYZE',
  13: 'SET VARIABLE',
  14: 'CREATE FUNCTION',
  15: 'DROP',
  16: 'EXPORT',
  17: 'PRAGMA',
  18: 'VACUUM',
  19: 'CALL',
  20: 'SET (or a PRAGMA that changes a setting)',
  21: 'INSTALL or LOAD',
  23: 'an extension statement',
  25: 'ATTACH',
  26: 'DETACH',
  28: 'COPY DATABASE',
  29: 'UPDATE EXTENSIONS',
  30: 'MERGE INTO',
};
const READ_ONLY = new Set([1, 4]);

/**
 * The one read-only statement in `sql`, trimmed of a trailing `;`, or an InputError (exit 2) saying why not.
 * Parse and bind errors surface here too, as "query failed".
 */
export async function readOnlyStatement(db: Db, sql: string): Promise<string> {
  let extracted: Awaited<ReturnType<Db['conn']['extractStatements']>>;
  try {
    extracted = await db.conn.extractStatements(sql);
  } catch (e) {
    throw new InputError(`query failed: ${firstLine(e).replace(/^Failed to extract statements: /, '')}`);
  }
  if (extracted.count !== 1)
    throw new InputError(
      extracted.count === 0
        ? 'query is empty'
        : `aicost query runs one statement; found ${extracted.count} (separated by ;)`,
      {},
      'run them one at a time',
    );
  let type: number;
  try {
    type = (await extracted.prepare(0)).statementType;
  } catch (e) {
    throw new InputError(`query failed: ${firstLine(e)}`);
  }
  if (!READ_ONLY.has(type))
    throw new InputError(
      `aicost query only reads: ${STATEMENT_NAMES[type] ?? `statement type ${type}`} is not allowed`,
      {},
      'write a SELECT; to save a result use --format csv or --format json and redirect it (> file)',
    );
  return sql.trim().replace(/;\s*$/, '');
}

/** Locks the session's settings: a query cannot re-enable what the session turned off. */
export async function lockSession(db: Db): Promise<void> {
  await db.run('SET lock_configuration = true');
}

function firstLine(e: unknown): string {
  return ((e as Error).message ?? String(e)).split('\n')[0] ?? '';
}
