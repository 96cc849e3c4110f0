// The JSON reader: a JSON document (or NDJSON) flattened losslessly to NDJSON text, then read by DuckDB with every
// field as VARCHAR (see json-records.ts for why numbers never pass through JSON.parse).
import { readFileSync } from 'node:fs';
import { InputError } from '../errors.js';
import { type Db, ident, lit } from '../store/duckdb.js';
import type { ReaderSpec } from './contract.js';
import { CONTEXT_COLS, type FileContext } from './file-context.js';
import { flattenRecords, parseLossless, parseNdjson, writeNdjson } from './json-records.js';

/** Creates the `src` relation of a JSON input: the reader's record fields as VARCHAR, `_record` and context. */
export async function readJson(db: Db, reader: Extract<ReaderSpec, { kind: 'json' }>, ctx: FileContext) {
  const text = readFileSync(ctx.absPath, 'utf8');
  if (text.includes('\uFFFD') && !Buffer.from(text, 'utf8').equals(readFileSync(ctx.absPath))) {
    throw new InputError('not valid UTF-8 text', { file: ctx.displayPath });
  }
  const trimmed = text.trimStart();
  const isNdjson =
    /\.(jsonl|ndjson)$/i.test(ctx.absPath) || (trimmed.startsWith('{') && /}\s*\r?\n\s*{/.test(text));
  const docs = isNdjson ? parseNdjson(text, ctx.displayPath) : [parseLossless(text, ctx.displayPath)];
  const scratch = ctx.scratch(`${ctx.tag}.ndjson`);
  const records = (function* () {
    for (const [i, d] of docs.entries()) {
      for (const r of flattenRecords(d, reader.records, ctx.displayPath)) {
        if (isNdjson) r._record = `line ${i + 1} ${r._record}`;
        yield r;
      }
    }
  })();
  const n = await writeNdjson(records, scratch);
  const name = `src_${ctx.tag}`;
  const fields = Object.keys(reader.records.fields);
  const colSpec = [...fields, '_record'].map((f) => `${lit(f)}: 'VARCHAR'`).join(', ');
  const rel =
    n === 0
      ? `SELECT ${[...fields, '_record'].map((f) => `NULL::VARCHAR AS ${ident(f)}`).join(', ')} WHERE false`
      : `SELECT * FROM read_json(${lit(scratch)}, format = 'newline_delimited', columns = {${colSpec}})`;
  const proj = Object.entries(reader.columns)
    .map(([c, t]) => (fields.includes(c) ? ident(c) : `CAST(NULL AS ${t.type}) AS ${ident(c)}`))
    .join(', ');
  await db.run(`CREATE TEMP TABLE ${name} AS SELECT ${proj}, _record, ${CONTEXT_COLS(ctx)} FROM (${rel})`);
  return { name, absent: [], unknown: [] };
}
