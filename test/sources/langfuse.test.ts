// langfuse: trace exports joined to their trace; GENERATION/EMBEDDING observations only; every usage-key variant
// in exactly one token class; Langfuse's cost exact; no prompt or completion text stored; re-ingest is a no-op.
import { copyFileSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse } from 'lossless-json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import type { IngestReport } from '../../src/ingest/ingest.js';
import { FIX, fixture, ingestInto, one, q, tmpHome } from '../helpers/home.js';

// Until the registry lists the source (src/sources/index.ts), register it in this test file's process.

type Json = null | string | boolean | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };
const FILES = readdirSync(fixture('langfuse'))
  .filter((f) => f.endsWith('.json') && f !== 'expected.json')
  .sort();

/** The fixture with every number kept as its original text. */
function load(file: string): Obj[] {
  const doc = parse(readFileSync(fixture('langfuse', file), 'utf8'), null, (n: string) => n) as Json;
  return (Array.isArray(doc) ? doc : [doc]) as Obj[];
}
const isLeaf = (o: Obj) => ['GENERATION', 'EMBEDDING'].includes(String(o.type).toUpperCase());
const observations = (file: string) => load(file).flatMap((d) => d.observations as Obj[]);

/** Exact decimal text (also `2.5e-05`) as an integer count of 1e-18. */
function scaled(text: string): bigint {
  const m = /^(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!m) throw new Error(`not a decimal: ${text}`);
  const exp = Number(m[3] ?? 0) - (m[2]?.length ?? 0) + 18;
  const digits = BigInt(`${m[1] || '0'}${m[2] ?? ''}`);
  return exp >= 0 ? digits * 10n ** BigInt(exp) : digits / 10n ** BigInt(-exp);
}
const fmt18 = (n: bigint) => {
  const s = n.toString().padStart(19, '0');
  return `${s.slice(0, -18)}.${s.slice(-18)}`;
};

/**
 * The token classes of one observation, worked out here from the documented key table (README / source header),
 * independently of the SQL: synonyms count once, Langfuse's own `input_*`/`output_*` details are disjoint, and
 * OpenInference/OTel/Gemini breakdowns that fit inside `input` are moved out of it once.
 */
function expectedClasses(o: Obj) {
  const details = o.usageDetails as Obj | undefined;
  const u = (
    details && Object.keys(details).length > 0 ? details : ((o.usage as Obj | undefined) ?? {})
  ) as Obj;
  const v = (k: string) => (typeof u[k] === 'string' ? Number(u[k]) : 0);
  const firstOf = (ks: string[]) => v(ks.find((k) => typeof u[k] === 'string') ?? '');
  const byPrefix = (p: string) =>
    Object.keys(u)
      .filter((k) => k.startsWith(p))
      .reduce((s, k) => s + v(k), 0);
  const total = (ks: string[]) => ks.reduce((s, k) => s + v(k), 0);
  const base = firstOf(['input', 'input_tokens', 'prompt_tokens', 'prompt_token_count', 'promptTokenCount']);
  const readIn = total([
    'prompt_details.cache_read',
    'cache_read.input_tokens',
    'cached_content_token_count',
    'cachedContentTokenCount',
  ]);
  const writeIn = total([
    'prompt_details.cache_write',
    'prompt_details.cache_creation',
    'cache_creation.input_tokens',
  ]);
  const moved = base >= readIn + writeIn ? readIn + writeIn : 0;
  const w5 = total(['input_cache_creation_5m', 'input_ephemeral_5m_input_tokens']);
  const w1 = total(['input_cache_creation_1h', 'input_ephemeral_1h_input_tokens']);
  const creation = total([
    'input_cache_creation',
    'cache_creation_input_tokens',
    'input_cache_write',
    'cache_write_tokens',
  ]);
  return {
    input:
      base -
      moved +
      total(['input_audio', 'input_audio_tokens', 'input_text', 'input_text_tokens', 'input_image']) +
      byPrefix('input_modality_'),
    cache_read:
      readIn +
      total([
        'input_cache_read',
        'input_cached_tokens',
        'cache_read_input_tokens',
        'input_cached_text_tokens',
        'input_cached_audio_tokens',
      ]) +
      byPrefix('cached_modality_'),
    cache_write_5m: w5,
    cache_write_1h: w1,
    cache_write: Math.max(creation, w5 + w1) - w5 - w1 + writeIn,
    output:
      firstOf([
        'output',
        'output_tokens',
        'completion_tokens',
        'candidates_token_count',
        'candidatesTokenCount',
      ]) +
      total([
        'output_reasoning',
        'output_reasoning_tokens',
        'output_audio',
        'output_audio_tokens',
        'output_text',
        'output_text_tokens',
        'thoughts_token_count',
        'thoughtsTokenCount',
      ]) +
      byPrefix('output_modality_'),
  };
}

function expectedFile(file: string) {
  const leaves = observations(file).filter(isLeaf);
  const sum = { input: 0, cache_read: 0, cache_write_5m: 0, cache_write_1h: 0, cache_write: 0, output: 0 };
  let cost = 0n;
  for (const o of leaves) {
    const c = expectedClasses(o);
    for (const k of Object.keys(sum) as (keyof typeof sum)[]) sum[k] += c[k];
    const details = o.costDetails as Obj | undefined;
    const legacy = details === undefined || Object.keys(details).length > 0;
    const text = (details?.total ?? (legacy ? (o.totalCost ?? o.calculatedTotalCost) : null)) as
      | string
      | null;
    if (text !== null && text !== undefined) cost += scaled(text);
  }
  return {
    n: leaves.length,
    skipped: observations(file).length - leaves.length,
    ...Object.fromEntries(Object.entries(sum).map(([k, v]) => [k, String(v)])),
    source_cost: fmt18(cost),
  };
}

const CLASSES = ['input', 'cache_read', 'cache_write_5m', 'cache_write_1h', 'cache_write', 'output'];
const TOTALS = `SELECT count(*)::VARCHAR n, ${CLASSES.map((c) => `SUM("${c}")::VARCHAR "${c}"`).join(', ')},
  COALESCE(SUM(source_cost), 0)::VARCHAR source_cost FROM usage`;
const totalsOf = (home: string, file: string) =>
  one<Record<string, string>>(home, `${TOTALS} WHERE source_file LIKE '%${file}'`);

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? allFiles(p) : [p];
  });
}

/** Natural-language strings (≥ 25 characters, with a space) anywhere under a value, JSON-in-JSON included. */
function proseIn(v: Json | undefined, out: Set<string>): void {
  if (typeof v === 'string') {
    const t = v.trim();
    if ((t.startsWith('{') || t.startsWith('[') || t.startsWith('"')) && t.length > 1) {
      try {
        proseIn(JSON.parse(t) as Json, out);
        return;
      } catch {
        // plain text
      }
    }
    if (t.length >= 25 && t.includes(' ')) out.add(t.slice(0, 48));
  } else if (Array.isArray(v)) for (const x of v) proseIn(x, out);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) proseIn(x, out);
}

describe('langfuse', () => {
  const { home, cleanup } = tmpHome();
  let report: IngestReport;
  beforeAll(async () => {
    report = await ingestInto(home, [fixture('langfuse')]);
  });
  afterAll(cleanup);

  it('detects every export and skips agent, chain, span, tool and event observations', () => {
    const byFile = Object.fromEntries(report.files.map((f) => [basename(f.path), f]));
    for (const f of FILES) {
      const e = expectedFile(f);
      expect(byFile[f], f).toMatchObject({
        sourceId: 'langfuse',
        status: 'ingested',
        rowsOut: e.n,
        skipped: e.skipped,
      });
    }
    // literal, so the independent computation cannot be vacuous
    expect(FILES.map((f) => [f, byFile[f]?.rowsOut, byFile[f]?.skipped])).toEqual([
      ['constructed_usage-key-variants.json', 10, 3],
      ['trace_export_autogen-2025-06-06.json', 1, 1],
      ['trace_export_google-gemini-2025-08-01.json', 1, 0],
      ['trace_export_langgraph-2025-08-22.json', 2, 7],
      ['trace_export_llamaindex-2025-06-05.json', 1, 1],
      ['trace_export_openai-agents-2025-09-30.json', 2, 3],
    ]);
  });

  it('stores only leaf model calls: no span, chain or agent id is a usage row', async () => {
    const skippedIds = FILES.flatMap((f) =>
      observations(f)
        .filter((o) => !isLeaf(o))
        .map((o) => String(o.id)),
    );
    expect(skippedIds.length).toBe(15);
    const rows = await q<{ request_id: string }>(home, 'SELECT request_id FROM usage');
    expect(rows.length).toBe(17);
    expect(rows.filter((r) => skippedIds.includes(r.request_id))).toEqual([]);
  });

  it('token totals per class equal the hand-summed generation usage of each file', async () => {
    for (const f of FILES) {
      const { n, skipped, ...e } = expectedFile(f);
      void skipped;
      expect(await totalsOf(home, f), f).toEqual({ n: String(n), ...e });
    }
  });

  it('token totals per class (literal values)', async () => {
    expect(await totalsOf(home, 'langgraph-2025-08-22.json')).toEqual({
      n: '2',
      input: '168',
      cache_read: '0',
      cache_write_5m: '0',
      cache_write_1h: '0',
      cache_write: '0',
      output: '66',
      source_cost: '0.000234000000000000',
    });
    // reasoning (completion_details.reasoning 1104) is inside output 2055, not added again
    expect(await totalsOf(home, 'google-gemini-2025-08-01.json')).toMatchObject({
      input: '6',
      output: '2055',
      source_cost: '0.005139299999000000',
    });
    expect(await totalsOf(home, 'openai-agents-2025-09-30.json')).toMatchObject({
      n: '2',
      input: '140',
      output: '44',
      source_cost: '0.000632000000000000',
    });
    expect(await totalsOf(home, 'constructed_usage-key-variants.json')).toEqual({
      n: '10',
      input: '2452',
      cache_read: '6100',
      cache_write_5m: '300',
      cache_write_1h: '200',
      cache_write: '40',
      output: '732',
      source_cost: '0.134651069012345678',
    });
  });

  it('maps each usage-key convention to its classes exactly once', async () => {
    const rows = await q<Record<string, string>>(
      home,
      `SELECT request_id, input::VARCHAR i, cache_read::VARCHAR cr, cache_write_5m::VARCHAR w5,
         cache_write_1h::VARCHAR w1, cache_write::VARCHAR w, output::VARCHAR o
       FROM usage WHERE source_file LIKE '%constructed%' ORDER BY request_id`,
    );
    const t = (i: number, cr: number, w5: number, w1: number, w: number, o: number) => ({
      i: String(i),
      cr: String(cr),
      w5: String(w5),
      w1: String(w1),
      w: String(w),
      o: String(o),
    });
    expect(Object.fromEntries(rows.map(({ request_id, ...r }) => [request_id, r]))).toEqual({
      // LangChain-Anthropic: input_cache_creation 500 = its 5m 300 + 1h 200 breakdown
      a0000000000000a3: t(100, 1000, 300, 200, 0, 50),
      // LangChain-OpenAI: output_reasoning was subtracted from output by Langfuse, added back
      a0000000000000a4: t(800, 200, 0, 0, 0, 184),
      // Langfuse's OpenAI transform: input_cached_tokens / audio tokens apart from input and output
      a0000000000000a5: t(910, 300, 0, 0, 0, 46),
      // OpenInference: prompt_details.cache_read 1000 inside input 1200; reasoning inside output
      a0000000000000a6: t(200, 1000, 0, 0, 0, 300),
      // Anthropic-native keys: uncached input_tokens, cache read and creation apart
      a0000000000000a7: t(10, 3000, 0, 0, 40, 20),
      a0000000000000a8: t(64, 0, 0, 0, 0, 0),
      a0000000000000a9: t(7, 0, 0, 0, 0, 0),
      // Gemini raw: cached_content_token_count inside input, thoughts beside candidates
      b0000000000000b1: t(300, 100, 0, 0, 0, 105),
      // a cache read larger than input was sent apart: added, not subtracted
      b0000000000000b2: t(50, 500, 0, 0, 0, 5),
      // legacy export: the deprecated `usage` object
      b0000000000000b3: t(11, 0, 0, 0, 0, 22),
    });
  });

  it('keeps Langfuse cost exact from its text; empty costDetails is unknown, not zero', async () => {
    const r = await q<Record<string, string | null>>(
      home,
      `SELECT request_id, source_cost::VARCHAR sc FROM usage
       WHERE request_id IN ('a0000000000000a7', 'a0000000000000a9', 'b0000000000000b3', '7ca8b22f6628d0c7') ORDER BY 1`,
    );
    expect(r).toEqual([
      { request_id: '7ca8b22f6628d0c7', sc: '0.000842499999000000' },
      { request_id: 'a0000000000000a7', sc: '0.123456789012345678' },
      { request_id: 'a0000000000000a9', sc: null },
      { request_id: 'b0000000000000b3', sc: '0.000420000000000000' },
    ]);
  });

  it('joins each observation to its trace: ids, user, session, tags and metadata', async () => {
    const r = await one<Record<string, string>>(
      home,
      "SELECT grain, trace_id, parent_id, tags, status, operation FROM usage WHERE request_id = '83517f9062f5ada4'",
    );
    expect(r.tags).toBeTypeOf('string');
    expect(r).toMatchObject({
      grain: 'request',
      trace_id: '1b72c51fabed12ae7df83bfd4a09f545',
      parent_id: '95f4f51edeb603d9',
      status: 'success',
      operation: 'generation',
    });
    // metadata is a JSON string inside JSON; nested resourceAttributes/scope are not scalars
    expect(JSON.parse(r.tags as string)).toEqual({
      user: 'user_123',
      session: 'session_abc',
      autogen: true,
      dev: true,
      email: 'user@langfuse.com',
    });
    const a = await one<{ tags: string; trace_id: string }>(
      home,
      "SELECT tags, trace_id FROM usage WHERE request_id = 'a0000000000000a3'",
    );
    // metadata > key:value tags > derived; split at the first colon; content keys and long values dropped
    expect(JSON.parse(a.tags)).toEqual({
      user: 'user_alice',
      session: 'session_42',
      env: 'prod:eu',
      beta: true,
      feature: 'rerank',
      tier: 2,
      team: 'search-platform',
    });
    const b = await one<{ tags: string; trace_id: string }>(
      home,
      "SELECT tags, trace_id FROM usage WHERE request_id = 'b0000000000000b1'",
    );
    // the second trace of the list: its own tags, double-encoded metadata parsed
    expect(b.trace_id).toBe('c0ffee00c0ffee00c0ffee00c0ffee02');
    expect(JSON.parse(b.tags)).toEqual({ customer: 'globex', experiment: true, region: 'eu' });
    const none = await one<{ n: string }>(
      home,
      "SELECT count(*)::VARCHAR n FROM usage WHERE source_file LIKE '%langgraph%' AND tags IS NOT NULL",
    );
    expect(none.n).toBe('0');
  });

  it('resolves provider from the hint, the model prefix or the model family, and prices the rows', async () => {
    const r = await q<Record<string, string | null>>(
      home,
      `SELECT request_id, provider, model, service_tier, status FROM usage
       WHERE request_id IN ('4f6535aaebcda355', '7ca8b22f6628d0c7', 'b7a63ca7e1d083bc', 'a0000000000000a7', 'a0000000000000a4', 'a0000000000000a9')
       ORDER BY 1`,
    );
    expect(r).toEqual([
      // ls_provider hint (LangGraph)
      {
        request_id: '4f6535aaebcda355',
        provider: 'openai',
        model: 'gpt-4o-2024-08-06',
        service_tier: null,
        status: 'success',
      },
      // bare id: the model's maker
      {
        request_id: '7ca8b22f6628d0c7',
        provider: 'openai',
        model: 'gpt-4o-2024-08-06',
        service_tier: null,
        status: 'success',
      },
      {
        request_id: 'a0000000000000a4',
        provider: 'openai',
        model: 'o3-2025-04-16',
        service_tier: 'flex',
        status: 'success',
      },
      // `anthropic/` prefix on the model id
      {
        request_id: 'a0000000000000a7',
        provider: 'anthropic',
        model: 'claude-3-5-haiku-20241022',
        service_tier: null,
        status: 'success',
      },
      {
        request_id: 'a0000000000000a9',
        provider: null,
        model: 'unknown',
        service_tier: null,
        status: 'failure',
      },
      {
        request_id: 'b7a63ca7e1d083bc',
        provider: 'google',
        model: 'gemini-2.5-flash',
        service_tier: null,
        status: 'success',
      },
    ]);
    const priced = await one<{ n: string }>(
      home,
      "SELECT count(*)::VARCHAR n FROM usage WHERE cost_estimate IS NULL AND model <> 'unknown'",
    );
    expect(priced.n).toBe('0');
  });

  it('never stores prompt, completion or content-metadata text', async () => {
    const prose = new Set<string>();
    for (const f of FILES)
      for (const d of load(f)) {
        const t = d.trace as Obj;
        for (const x of [t.input, t.output, t.metadata]) proseIn(x, prose);
        for (const o of d.observations as Obj[])
          for (const x of [o.input, o.output, o.metadata]) proseIn(x, prose);
      }
    const samples = [...prose];
    for (const known of [
      'Langfuse is a tool designed to help developers',
      "Search the web for 'example' and summarize.",
      'The weather in Tokyo is currently sunny.',
      'CONSTRUCTED SECRET PROMPT',
      'CONSTRUCTED SECRET METADATA MESSAGE',
      'CONSTRUCTED SECRET CHAIN INPUT',
    ])
      expect(
        samples.some((s) => s.startsWith(known) || known.startsWith(s)),
        known,
      ).toBe(true);
    expect(samples.length).toBeGreaterThan(20);
    for (const file of allFiles(home)) {
      const bytes = readFileSync(file).toString('utf8');
      for (const s of samples) expect(bytes.includes(s), `${s} in ${file}`).toBe(false);
    }
    // Parquet pages are compressed: also look at every stored value
    const rows = JSON.stringify(await q(home, 'SELECT * FROM usage'));
    for (const s of samples) expect(rows.includes(s), s).toBe(false);
  });

  it('re-ingest changes nothing; a re-export replaces its rows instead of adding them', async () => {
    const before = await one(home, TOTALS);
    const again = await ingestInto(home, [fixture('langfuse')]);
    expect(again.files.map((f) => f.status)).toEqual(FILES.map(() => 'unchanged'));
    expect(await one(home, TOTALS)).toEqual(before);

    // the same trace exported again later, with Langfuse's cost of one generation recomputed
    const { home: dir, cleanup: cleanDir } = tmpHome();
    const text = readFileSync(join(FIX, 'langfuse', 'trace_export_langgraph-2025-08-22.json'), 'utf8');
    const changed = text.replace('"total": 0.000159', '"total": 0.000259');
    expect(changed).not.toBe(text);
    writeFileSync(join(dir, 'langgraph-again.json'), changed);
    copyFileSync(fixture('langfuse', 'trace_export_autogen-2025-06-06.json'), join(dir, 'autogen-copy.json'));
    const re = await ingestInto(home, [dir]);
    expect(re.files.map((f) => [basename(f.path), f.status, f.replaced])).toEqual([
      ['autogen-copy.json', 'unchanged', 0],
      ['langgraph-again.json', 'ingested', 2],
    ]);
    const after = await one<Record<string, string>>(home, TOTALS);
    expect(after).toEqual({
      ...before,
      source_cost: fmt18(scaled(String(before.source_cost)) + scaled('0.0001')),
    });
    cleanDir();
  });
});

describe('langfuse: NDJSON and bad input', () => {
  const { home, cleanup } = tmpHome();
  afterAll(cleanup);
  const compact = (f: string) => JSON.stringify(JSON.parse(readFileSync(fixture('langfuse', f), 'utf8')));

  it('reads one {trace, observations} document per line', async () => {
    const path = join(home, 'traces.jsonl');
    writeFileSync(
      path,
      `${compact('trace_export_autogen-2025-06-06.json')}\n${compact('trace_export_llamaindex-2025-06-05.json')}\n`,
    );
    const r = await ingestInto(home, [path]);
    expect(r.files[0]).toMatchObject({ sourceId: 'langfuse', rowsOut: 2, skipped: 2 });
    const rows = await q<Record<string, string>>(
      home,
      `SELECT trace_id, "input"::VARCHAR i, "output"::VARCHAR o, tags FROM usage ORDER BY trace_id`,
    );
    expect(rows.map((x) => [x.trace_id, x.i, x.o, JSON.parse(x.tags as string).user])).toEqual([
      ['12ea412956f99347b0503c1144acd0ec', '13', '81', 'user_123'],
      ['1b72c51fabed12ae7df83bfd4a09f545', '41', '3', 'user_123'],
    ]);
  });

  it('an observation of another trace keeps its own trace id and takes none of the enclosing attribution', async () => {
    const path = join(home, 'foreign.json');
    const doc = JSON.parse(readFileSync(fixture('langfuse', 'trace_export_autogen-2025-06-06.json'), 'utf8'));
    doc.observations[1].traceId = 'ffffffffffffffffffffffffffffffff';
    doc.observations[1].id = 'foreign-observation';
    writeFileSync(path, JSON.stringify(doc));
    await ingestInto(home, [path]);
    const r = await one<Record<string, string | null>>(
      home,
      "SELECT trace_id, tags FROM usage WHERE request_id = 'foreign-observation'",
    );
    expect(r).toEqual({ trace_id: 'ffffffffffffffffffffffffffffffff', tags: null });
  });

  it('a token count that is not a non-negative whole number is an input error naming the record', async () => {
    const path = join(home, 'negative.json');
    writeFileSync(
      path,
      readFileSync(fixture('langfuse', 'trace_export_autogen-2025-06-06.json'), 'utf8').replace(
        '"output": 3,',
        '"output": -3,',
      ),
    );
    const err = (await ingestInto(home, [path]).catch((e: unknown) => e)) as InputError;
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(/not a non-negative whole number/);
    expect(err.location).toMatchObject({ column: 'usageDetails', record: 'observations[1]' });
  });
});
