// The ingest note on tags the filter dropped (docs/data-model.md#content-and-secrets-never-become-tags): entries per
// key and rule, never a value. The filter writes what it drops to DuckDB's in-memory log from inside the one COPY
// (map-sql.ts#tagLayer), for the first TAG_LOG_CAP records of an input, and a sequence counts them all; past the cap
// the input is read again, which is exact but costs a scan.
import { looksLikeCredential } from '../secrets.js';
import { type Db, lit } from '../store/duckdb.js';
import type { SourceDefinition } from './contract.js';
import type { FileContext } from './file-context.js';
import { rawTagsSelect, TAG_LOG, TAG_LOG_CAP, tagDropSequence } from './map-sql.js';
import type { SourceRelation } from './read-input.js';
import { checkedEntriesSql, droppedLinesSql, suspectTagsSql } from './tag-filter.js';

/** Before an input's COPY: a fresh log and drop counter. */
export async function startTagDropLog(db: Db, ctx: FileContext): Promise<void> {
  await db.run(`CREATE OR REPLACE TEMP SEQUENCE ${tagDropSequence(ctx)}`);
  await db.run(`CALL enable_logging(level := 'warning', storage := 'memory')`);
  await db.run('CALL truncate_duckdb_logs()');
}

/** Notes length bounds: the keys named, and how much of one key is shown. */
const NOTE_KEYS = 20;
const NOTE_KEY_CHARS = 40;

/** A dropped key as a note may name it: never a key shaped like a credential, long ones cut. */
function noteKey(key: string): string {
  if (looksLikeCredential(key)) return '(a key shaped like a credential)';
  return key.length > NOTE_KEY_CHARS ? `${key.slice(0, NOTE_KEY_CHARS)}…` : key;
}

/** `key<TAB>reason` lines (tag-filter.ts#droppedLinesSql) in column `l` of `from`, counted per key and reason. */
const countLines = (from: string) =>
  `SELECT split_part(l, chr(9), 1) AS key, split_part(l, chr(9), 2) AS reason, count(*)::VARCHAR AS n
     FROM (SELECT unnest(string_split(lines, chr(10))) AS l FROM ${from}) GROUP BY ALL ORDER BY count(*) DESC, key, reason`;

/**
 * The ingest note on tags the filter dropped: entries per key and reason, never a value. Read from the log the COPY
 * wrote; only past TAG_LOG_CAP records is the input read again.
 */
export async function tagDropNotes(
  db: Db,
  source: SourceDefinition,
  rel: SourceRelation,
  ctx: FileContext,
): Promise<string[]> {
  const seq = await db.one<{ n: string | null }>(
    `SELECT last_value::VARCHAR AS n FROM duckdb_sequences() WHERE sequence_name = ${lit(tagDropSequence(ctx))}`,
  );
  const records = Number(seq?.n ?? 0);
  let rows: { key: string; reason: string; n: string }[] = [];
  if (records > 0 && records <= TAG_LOG_CAP) {
    rows = await db.all(
      countLines(`(SELECT message AS lines FROM duckdb_logs WHERE type = ${lit(TAG_LOG)})`),
    );
  } else if (records > TAG_LOG_CAP) {
    const raw = rawTagsSelect(source, rel.name, new Set(rel.absent));
    const policy = { deny: ctx.denyTags ?? [], hash: ctx.hashTags ?? [] };
    const lines = droppedLinesSql(checkedEntriesSql('t', policy));
    if (raw)
      rows = await db.all(
        countLines(`(SELECT ${lines} AS lines FROM (${raw}) r WHERE ${suspectTagsSql('t', policy)})`),
      );
  }
  await db.run('CALL truncate_duckdb_logs()');
  await db.run('CALL disable_logging()');
  await db.run(`DROP SEQUENCE IF EXISTS ${tagDropSequence(ctx)}`);
  if (rows.length === 0) return [];
  const named = rows
    .slice(0, NOTE_KEYS)
    .map((r) => `${noteKey(r.key)} ×${r.n} (${r.reason})`)
    .join(', ');
  const rest = rows.length > NOTE_KEYS ? `, and ${rows.length - NOTE_KEYS} more keys` : '';
  return [
    `tags dropped on ${records} record${records === 1 ? '' : 's'} (content or credentials; values never shown): ${named}${rest}`,
  ];
}
