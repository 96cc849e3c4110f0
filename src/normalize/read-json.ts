// The JSON reader: a JSON document (or NDJSON) flattened losslessly to NDJSON text, then read by DuckDB with every
// field as VARCHAR (see json-records.ts for why numbers never pass through JSON.parse). Small plain files are parsed
// whole; big or compressed ones are streamed (json-stream.ts) to the same records.
import { readFileSync, statSync } from 'node:fs';
import { InputError } from '../errors.js';
import { type Db, ident, lit } from '../store/duckdb.js';
import type { JsonRecords, ReaderSpec } from './contract.js';
import { readDecompressedHead, stripCompressionExt } from './decompress.js';
import { CONTEXT_COLS, type FileContext } from './file-context.js';
import { flattenRecords, ndjsonRecords, parseLossless, parseNdjson, writeNdjson } from './json-records.js';
import { canStream, decodedText, streamJsonRecords, streamThreshold } from './json-stream.js';

type Rec = Record<string, string | null>;

/** NDJSON by name (`.jsonl`, `.ndjson`, before any `.gz`/`.zst`) or by a `}` line followed by a `{` line. */
function looksNdjson(name: string, text: string): boolean {
  if (/\.(jsonl|ndjson)$/i.test(stripCompressionExt(name))) return true;
  return text.trimStart().startsWith('{') && /}\s*\r?\n\s*{/.test(text);
}

/** The whole text of a plain file (checked as UTF-8), or of a compressed one decoded in memory. */
async function wholeText(ctx: FileContext): Promise<string> {
  if (ctx.compression !== 'none') {
    let text = '';
    for await (const t of decodedText(ctx.absPath, ctx.compression, ctx.displayPath)) text += t;
    return text;
  }
  const text = readFileSync(ctx.absPath, 'utf8');
  if (text.includes('\uFFFD') && !Buffer.from(text, 'utf8').equals(readFileSync(ctx.absPath))) {
    throw new InputError('not valid UTF-8 text', { file: ctx.displayPath });
  }
  return text;
}

/** The whole-document path: the file parsed in memory. */
function* wholeRecords(text: string, ctx: FileContext, spec: JsonRecords): Generator<Rec> {
  if (looksNdjson(ctx.displayPath, text)) {
    for (const { line, doc } of parseNdjson(text, ctx.displayPath))
      yield* ndjsonRecords(doc, line, spec, ctx.displayPath);
  } else yield* flattenRecords(parseLossless(text, ctx.displayPath), spec, ctx.displayPath);
}

/**
 * The records of a JSON input: streamed when compressed or over the size threshold (NDJSON line by line, a document
 * through the record splitter when its record spec allows), else parsed whole.
 */
export async function jsonRecords(
  ctx: FileContext,
  spec: JsonRecords,
): Promise<Iterable<Rec> | AsyncIterable<Rec>> {
  const big = ctx.compression !== 'none' || statSync(ctx.absPath).size > streamThreshold();
  if (!big) return wholeRecords(await wholeText(ctx), ctx, spec);
  // the NDJSON decision reads the first MiB: a first line longer than that is taken for one document
  const head = await readDecompressedHead(ctx.absPath, ctx.compression, 1 << 20, ctx.displayPath);
  const ndjson = looksNdjson(ctx.displayPath, head.toString('utf8').replace(/^\uFEFF/, ''));
  if (!ndjson && !canStream(spec)) return wholeRecords(await wholeText(ctx), ctx, spec);
  return streamJsonRecords(ctx.absPath, ctx.compression, spec, ctx.displayPath, ndjson);
}

/** Creates the `src` relation of a JSON input: the reader's record fields as VARCHAR, `_record` and context. */
export async function readJson(db: Db, reader: Extract<ReaderSpec, { kind: 'json' }>, ctx: FileContext) {
  const scratch = ctx.scratch(`${ctx.tag}.ndjson`);
  const n = await writeNdjson(await jsonRecords(ctx, reader.records), scratch);
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
