// JSON inputs become flat NDJSON records of text before DuckDB reads them. Why: DuckDB's JSON reader turns long
// numbers into DOUBLE (docs/duckdb-notes.md#long-numbers-in-json), so money and 64-bit nanosecond times are parsed losslessly here and handed over
// as their original text. Each record carries `_record`, its path in the document, for error messages and lineage.
import { createWriteStream } from 'node:fs';
import { isLosslessNumber, LosslessNumber, parse, stringify } from 'lossless-json';
import { InputError } from '../errors.js';
import type { JsonRecords } from './contract.js';

type Json = unknown;

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Parses JSON text without losing number precision; errors name the line. */
export function parseLossless(text: string, file: string): Json {
  if (text.trim() === '') throw new InputError('empty file', { file });
  try {
    return parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    const msg = (e as Error).message;
    const m = /position (\d+)/.exec(msg);
    const record = m ? lineOf(text, Number(m[1])) : undefined;
    throw new InputError(`malformed JSON (${msg})`, { file, record });
  }
}

/** One line of newline-delimited JSON (OTLP files, /spend/logs dumps) parsed losslessly; errors name the line. */
export function parseNdjsonLine(text: string, line: number, file: string): Json {
  try {
    return parse(text);
  } catch (e) {
    throw new InputError(`malformed JSON line (${(e as Error).message})`, { file, record: line });
  }
}

/** Newline-delimited JSON: one document per non-blank line, with its 1-based line number. */
export function parseNdjson(text: string, file: string): { line: number; doc: Json }[] {
  const out: { line: number; doc: Json }[] = [];
  text.split(/\r?\n/).forEach((l, i) => {
    if (l.trim() !== '') out.push({ line: i + 1, doc: parseNdjsonLine(l, i + 1, file) });
  });
  return out;
}

/** The flat records of one NDJSON document; `_record` starts with its line (`line 3 [0]`). */
export function* ndjsonRecords(
  doc: Json,
  line: number,
  spec: JsonRecords,
  file: string,
): Generator<Record<string, string | null>> {
  for (const r of flattenRecords(doc, spec, file)) {
    r._record = `line ${line} ${r._record}`;
    yield r;
  }
}

function scalarText(v: Json): string | null {
  if (v === null || v === undefined) return null;
  if (isLosslessNumber(v)) return v.value;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return stringify(v) ?? null;
}

function get(obj: Json, path: string): Json {
  let cur = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, Json>)[part];
  }
  return cur;
}

const INTEGER_TEXT = /^-?\d+$/;
const NUMBER_TEXT = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

/** A number given as text (OTLP/JSON writes int64 as a string) kept as the same digits; other text unchanged. */
function numberFromText(v: Json, pattern: RegExp): Json {
  if (typeof v === 'string' && pattern.test(v)) return new LosslessNumber(v);
  return v;
}

/** One OTLP `AnyValue` (`{stringValue}`, `{intValue}`, `{arrayValue: {values}}`, ...) as plain JSON. */
function otlpValue(v: Json): Json {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return null;
  const a = v as Record<string, Json>;
  if ('stringValue' in a) return a.stringValue ?? null;
  if ('boolValue' in a) return a.boolValue ?? null;
  if ('intValue' in a) return numberFromText(a.intValue, INTEGER_TEXT) ?? null;
  // doubleValue may be the text "NaN" or "Infinity" (proto3 JSON): kept as text
  if ('doubleValue' in a) return numberFromText(a.doubleValue, NUMBER_TEXT) ?? null;
  if ('arrayValue' in a) return otlpArray(a.arrayValue);
  if ('kvlistValue' in a) return otlpAttributes((a.kvlistValue as Record<string, Json> | null)?.values);
  if ('bytesValue' in a) return a.bytesValue ?? null;
  return null;
}

function otlpArray(v: Json): Json[] {
  const values = v !== null && typeof v === 'object' ? (v as Record<string, Json>).values : undefined;
  return Array.isArray(values) ? values.map(otlpValue) : [];
}

/**
 * An OTLP `KeyValue` list (`[{key, value: AnyValue}]`) as one flat JSON object, e.g. `{"gen_ai.usage.input_tokens":
 * 52}`. int64 values keep their digits (string or number in the input); a repeated key keeps its last value.
 */
export function otlpAttributes(list: Json): Record<string, Json> {
  // no prototype: a key such as `__proto__` is an ordinary attribute here
  const out = Object.create(null) as Record<string, Json>;
  if (!Array.isArray(list)) return out;
  for (const kv of list) {
    if (kv === null || typeof kv !== 'object' || Array.isArray(kv)) continue;
    const { key, value } = kv as Record<string, Json>;
    if (typeof key === 'string') out[key] = otlpValue(value);
  }
  return out;
}

function fieldValue(stack: Json[], spec: string): string | null {
  let level = stack.length - 1;
  let path = spec;
  while (path.startsWith('../')) {
    level--;
    path = path.slice(3);
  }
  const asOtlp = path.endsWith('{otlp}');
  if (asOtlp) path = path.slice(0, -'{otlp}'.length);
  const asJson = path.endsWith('{}');
  if (asJson) path = path.slice(0, -2);
  const v = get(stack[level], path);
  if (v === undefined || v === null) return null;
  if (asOtlp) return stringify(otlpAttributes(v)) ?? null;
  if (asJson) return stringify(v) ?? null;
  return scalarText(v);
}

/**
 * The records under `node`, which sits at `spec.path[step]` (`where` is its path in the document, `stack` the
 * enclosing array elements, innermost last, starting with the document). Shared by the whole-document reader
 * (`flattenRecords`) and the streaming one (json-stream.ts), so both produce the same records.
 */
export function* walkRecords(
  node: Json,
  spec: JsonRecords,
  step: number,
  where: string,
  stack: Json[],
  file: string,
): Generator<Record<string, string | null>> {
  if (step === spec.path.length) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) {
      throw new InputError(`expected an object at ${where || '$'}`, { file, record: where });
    }
    const rec: Record<string, string | null> = { _record: where };
    const s = stack[stack.length - 1] === node ? stack : [...stack, node];
    for (const [name, p] of Object.entries(spec.fields)) rec[name] = fieldValue(s, p);
    yield rec;
    return;
  }
  const part = spec.path[step]!;
  if (part === '*') {
    if (!Array.isArray(node)) {
      throw new InputError(`expected an array at ${where || '$'}`, { file, record: where || '$' });
    }
    for (let i = 0; i < node.length; i++)
      yield* walkRecords(node[i], spec, step + 1, `${where}[${i}]`, [...stack, node[i]], file);
    return;
  }
  if (part === '{*}') {
    // every value of an object keyed by name (OpenCost's `data` elements map allocation names to allocations)
    if (node === null || typeof node !== 'object' || Array.isArray(node)) {
      throw new InputError(`expected an object at ${where || '$'}`, { file, record: where || '$' });
    }
    for (const [k, v] of Object.entries(node as Record<string, Json>))
      yield* walkRecords(v, spec, step + 1, `${where}[${JSON.stringify(k)}]`, [...stack, v], file);
    return;
  }
  if (node === null || typeof node !== 'object' || Array.isArray(node) || !(part in (node as object))) {
    throw new InputError(`expected key "${part}" at ${where || '$'}`, { file, record: where || '$' });
  }
  const child = (node as Record<string, Json>)[part];
  yield* walkRecords(child, spec, step + 1, where ? `${where}.${part}` : part, stack, file);
}

/**
 * Walks `spec.path` over the document and yields one flat record per leaf element.
 * A document of the wrong shape is an input error naming where the shape broke.
 */
export function flattenRecords(
  doc: Json,
  spec: JsonRecords,
  file: string,
): Generator<Record<string, string | null>> {
  // stack holds the enclosing array elements, so `../x` reads the bucket around a result
  return walkRecords(doc, spec, 0, '', [doc], file);
}

/** Writes the flattened records as NDJSON for DuckDB; returns the record count. */
export async function writeNdjson(
  records: Iterable<Record<string, string | null>> | AsyncIterable<Record<string, string | null>>,
  path: string,
): Promise<number> {
  const out = createWriteStream(path);
  let n = 0;
  let buf = '';
  try {
    for await (const r of records) {
      buf += `${JSON.stringify(r)}\n`;
      n++;
      if (buf.length > 1 << 20) {
        if (!out.write(buf)) await new Promise<void>((res) => out.once('drain', () => res()));
        buf = '';
      }
    }
  } catch (e) {
    // a shape error mid-document: close the stream before the staging area is removed
    await new Promise<void>((res) => out.destroy() && out.once('close', () => res()));
    throw e;
  }
  await new Promise<void>((res, rej) => {
    out.on('error', rej);
    out.end(buf, () => res());
  });
  return n;
}
