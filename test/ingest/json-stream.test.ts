// Streaming JSON gives the same records as parsing the whole document: for every JSON fixture (forced through the
// streaming path with AICOST_JSON_STREAM_BYTES=0), compressed, and cut into chunks of every small size.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { sniffFile } from '../../src/ingest/sniff.js';
import type { JsonRecords } from '../../src/normalize/contract.js';
import type { Compression } from '../../src/normalize/decompress.js';
import type { FileContext } from '../../src/normalize/file-context.js';
import { RecordSplitter } from '../../src/normalize/json-split.js';
import { streamNeeds } from '../../src/normalize/json-stream.js';
import { jsonRecords } from '../../src/normalize/read-json.js';
import { detectSource } from '../../src/sources/index.js';
import { FIX, fixture, tmpHome } from '../helpers/home.js';

const { home: tmp, cleanup } = tmpHome();
afterAll(cleanup);
afterEach(() => {
  delete process.env.AICOST_JSON_STREAM_BYTES;
});

// bad inputs are checked below; delivery manifests and vendor documentation hold no records
const NOT_RECORDS = ['bad', 'deliveries', 'vendor-docs'];

function jsonFixtures(dir = FIX): string[] {
  return readdirSync(dir)
    .flatMap((e) => {
      const p = join(dir, e);
      if (statSync(p).isDirectory()) return jsonFixtures(p);
      return /\.(json|jsonl|ndjson)$/.test(e) && !NOT_RECORDS.some((d) => p.startsWith(join(FIX, d)))
        ? [p]
        : [];
    })
    .sort();
}

const ctxFor = (absPath: string, displayPath: string, compression: Compression): FileContext => ({
  displayPath,
  absPath,
  compression,
  sha256: '0',
  account: null,
  salt: '',
  tag: 't',
  scratch: (n) => join(tmp, n),
});

/** The records of a file as NDJSON lines (byte-exact comparison), whole (threshold huge) or streamed (0). */
async function records(ctx: FileContext, spec: JsonRecords, stream: boolean): Promise<string[]> {
  process.env.AICOST_JSON_STREAM_BYTES = stream ? '0' : String(2 ** 50);
  const out: string[] = [];
  for await (const r of await jsonRecords(ctx, spec)) out.push(JSON.stringify(r));
  return out;
}

async function specOf(file: string): Promise<JsonRecords | null> {
  const sniff = await sniffFile(file);
  const reader = detectSource(sniff).source?.reader(sniff);
  return reader?.kind === 'json' ? reader.records : null;
}

describe('streaming JSON = whole-document JSON', () => {
  const files = jsonFixtures();
  it('covers the JSON fixtures', () => {
    expect(files.length).toBeGreaterThanOrEqual(25);
  });
  for (const file of files) {
    it(file.slice(FIX.length + 1), async () => {
      const spec = await specOf(file);
      if (!spec) return; // documentation JSON beside fixtures (none today) has no record spec
      const whole = await records(ctxFor(file, file, 'none'), spec, false);
      expect(whole.length).toBeGreaterThan(0);
      expect(await records(ctxFor(file, file, 'none'), spec, true)).toEqual(whole);
      const gz = join(tmp, 'f.gz');
      writeFileSync(gz, gzipSync(readFileSync(file)));
      expect(await records(ctxFor(gz, `${file}.gz`, 'gzip'), spec, false)).toEqual(whole);
    });
  }
});

it('zstd JSON and NDJSON stream to the records of the plain files', async () => {
  for (const [zst, plain] of [
    ['compressed/spend_logs_response.json.zst', 'litellm/spend_logs_response.json'],
    ['compressed/calls-new-names.jsonl.zst', 'otel-genai/calls-new-names.jsonl'],
  ] as const) {
    const spec = (await specOf(fixture(plain)))!;
    const whole = await records(ctxFor(fixture(plain), plain, 'none'), spec, false);
    expect(whole.length).toBeGreaterThan(0);
    expect(await records(ctxFor(fixture(zst), zst, 'zstd'), spec, false)).toEqual(whole);
  }
});

describe('the record splitter', () => {
  const run = (text: string, spec: JsonRecords, chunk: number) => {
    const s = new RecordSplitter(spec, 'x.json', streamNeeds(spec)!);
    const out: string[] = [];
    for (let i = 0; i < text.length; i += chunk)
      for (const r of s.push(text.slice(i, i + chunk))) out.push(JSON.stringify(r));
    for (const r of s.end()) out.push(JSON.stringify(r));
    return out;
  };

  it('gives the same records whatever the chunk boundaries (1..17 characters)', async () => {
    for (const f of [
      'anthropic/cost_report.json',
      'langfuse/trace_export_langgraph-2025-08-22.json',
      'otel-genai/agent-trace.json',
    ]) {
      const spec = (await specOf(fixture(f)))!;
      const whole = await records(ctxFor(fixture(f), f, 'none'), spec, false);
      const text = readFileSync(fixture(f), 'utf8');
      for (let chunk = 1; chunk <= 17; chunk++) expect(run(text, spec, chunk)).toEqual(whole);
    }
  });

  it('holds a record until a key of its bucket written after the array arrives', async () => {
    const spec = (await specOf(fixture('anthropic/cost_report.json')))!;
    const doc = JSON.parse(readFileSync(fixture('anthropic/cost_report.json'), 'utf8'));
    // the same buckets with `results` first and the bucket's times after it
    doc.data = doc.data.map(({ results, ...rest }: Record<string, unknown>) => ({ results, ...rest }));
    const text = JSON.stringify(doc, null, 1);
    const file = join(tmp, 'late-keys.json');
    writeFileSync(file, text);
    const whole = await records(ctxFor(file, file, 'none'), spec, false);
    expect(whole[0]).toContain('"starting_at":"2025');
    expect(run(text, spec, 5)).toEqual(whole);
  });

  it('bad documents are input errors on both paths, naming the line or the record', async () => {
    const spec = (await specOf(fixture('anthropic/cost_report.json')))!;
    for (const [f, message] of [
      ['bad/truncated.json', /malformed JSON/],
      ['bad/wrong_shape.json', /expected an array at data/],
      ['bad/empty.json', /empty file/],
    ] as const) {
      for (const stream of [false, true]) {
        const err = await records(ctxFor(fixture(f), f, 'none'), spec, stream).catch((e) => e);
        expect(err, `${f} stream=${stream}`).toBeInstanceOf(InputError);
        expect((err as InputError).message).toMatch(message);
      }
    }
    const cut = await records(ctxFor(fixture('bad/truncated.json'), 't', 'none'), spec, true).catch((e) => e);
    expect((cut as InputError).location.record).toBe(24);
  });
});
