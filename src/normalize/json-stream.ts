// JSON inputs too big to parse whole (a multi-GB LiteLLM `/spend/logs` dump, an OTLP file) and compressed JSON are
// read as a stream: decompressed (decompress.ts), decoded as UTF-8, then NDJSON line by line or a document through
// the record splitter (json-split.ts). The records are the same as the whole-document reader's
// (test/ingest/json-stream.test.ts checks every JSON fixture both ways).
import { InputError } from '../errors.js';
import type { JsonRecords } from './contract.js';
import { type Compression, openDecompressed } from './decompress.js';
import { ndjsonRecords, parseNdjsonLine } from './json-records.js';
import { type Need, RecordSplitter } from './json-split.js';

type Rec = Record<string, string | null>;

const DEFAULT_STREAM_BYTES = 64 * 1024 * 1024;

/** Inputs larger than this many bytes are streamed; `AICOST_JSON_STREAM_BYTES` overrides (tests force 0). */
export function streamThreshold(): number {
  const env = process.env.AICOST_JSON_STREAM_BYTES;
  const n = env === undefined || env === '' ? Number.NaN : Number(env);
  return Number.isFinite(n) && n >= 0 ? n : DEFAULT_STREAM_BYTES;
}

/** The enclosing-object keys the record fields read (`../x`, `../../y`), by stack level; null if not streamable. */
export function streamNeeds(spec: JsonRecords): Need[] | null {
  const last = spec.path.lastIndexOf('*');
  if (last < 0) return null;
  const stars = spec.path.flatMap((p, i) => (p === '*' ? [i] : []));
  const depth = stars.length + (last < spec.path.length - 1 ? 1 : 0);
  const needs: Need[] = [];
  for (const p of Object.values(spec.fields)) {
    const ups = (/^(\.\.\/)+/.exec(p)?.[0].length ?? 0) / 3;
    const level = depth - ups;
    if (ups === 0 || level < 0 || level >= stars.length) continue;
    const key = p
      .slice(ups * 3)
      .replace(/\{(otlp)?\}$/, '')
      .split('.')[0]!;
    // the spine key of that level is the streamed array itself: reading it needs the whole document
    const spineStep = level === 0 ? 0 : stars[level - 1]! + 1;
    if (spec.path[spineStep] === key) return null;
    needs.push({ level, key });
  }
  return needs;
}

/** Whether records of this shape can be streamed (a `../` field reading the streamed array itself cannot). */
export function canStream(spec: JsonRecords): boolean {
  return streamNeeds(spec) !== null;
}

/** The decompressed file as UTF-8 text chunks; invalid UTF-8 is an input error. */
export async function* decodedText(
  path: string,
  compression: Compression,
  file: string,
): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of openDecompressed(path, compression, file))
      yield decoder.decode(chunk as Buffer, { stream: true });
    yield decoder.decode();
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_ENCODING_INVALID_ENCODED_DATA')
      throw new InputError('not valid UTF-8 text', { file });
    throw e;
  }
}

/** NDJSON line by line: the same lines (`\r?\n` separated, blank ones skipped) as `parseNdjson`. */
async function* ndjsonStream(
  text: AsyncIterable<string>,
  spec: JsonRecords,
  file: string,
): AsyncGenerator<Rec> {
  let rest = '';
  let line = 0;
  const one = function* (raw: string) {
    line++;
    const l = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (l.trim() !== '') yield* ndjsonRecords(parseNdjsonLine(l, line, file), line, spec, file);
  };
  for await (const chunk of text) {
    rest += chunk;
    let from = 0;
    for (let nl = rest.indexOf('\n'); nl >= 0; nl = rest.indexOf('\n', from)) {
      yield* one(rest.slice(from, nl));
      from = nl + 1;
    }
    rest = rest.slice(from);
  }
  yield* one(rest);
}

/** A JSON document or NDJSON file's records, streamed; `ndjson` as the whole-document reader would decide it. */
export async function* streamJsonRecords(
  path: string,
  compression: Compression,
  spec: JsonRecords,
  file: string,
  ndjson: boolean,
): AsyncGenerator<Rec> {
  const text = decodedText(path, compression, file);
  if (ndjson) {
    yield* ndjsonStream(text, spec, file);
    return;
  }
  const needs = streamNeeds(spec);
  if (!needs) throw new Error('streamJsonRecords: canStream() was false for this record spec');
  const splitter = new RecordSplitter(spec, file, needs);
  for await (const t of text) yield* splitter.push(t);
  yield* splitter.end();
}
