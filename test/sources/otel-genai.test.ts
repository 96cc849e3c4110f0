// otel-genai: OTLP/JSON GenAI spans. Leaf calls only, token split, old and new attribute names, lossless times,
// tags without content.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestReport } from '../../src/ingest/ingest.js';
import { fixture, ingestInto, one, q, tmpHome } from '../helpers/home.js';

const AGENT = fixture('otel-genai', 'agent-trace.json');
const OLD = fixture('otel-genai', 'calls-old-names.json');
const NEW = fixture('otel-genai', 'calls-new-names.jsonl');

type Row = Record<string, string | null>;

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? allFiles(p) : [p];
  });
}

const TOTALS = `SELECT count(*)::VARCHAR n, SUM(input)::VARCHAR i, SUM(cache_read)::VARCHAR cr,
  SUM(cache_write_5m + cache_write_1h)::VARCHAR cw_ttl, SUM(cache_write)::VARCHAR cw, SUM(output)::VARCHAR o FROM usage`;
// every column except lineage (source_file, source_record)
const ROWS = 'SELECT * EXCLUDE (source_file, source_record) FROM usage ORDER BY trace_id, request_id';

describe('otel-genai: agent trace', () => {
  const { home, cleanup } = tmpHome();
  let report: IngestReport;
  beforeAll(async () => {
    report = await ingestInto(home, [AGENT]);
  });
  afterAll(cleanup);

  it('keeps the two chat calls and skips the agent, tool and HTTP spans', async () => {
    expect(report.files[0]).toMatchObject({
      sourceId: 'otel-genai',
      rowsIn: 5,
      rowsOut: 2,
      skipped: 3,
    });
    const rows = await q<Row>(home, 'SELECT request_id, parent_id, operation FROM usage ORDER BY 1');
    expect(rows).toEqual([
      { request_id: '0a1b2c3d4e5f6071', parent_id: 'eee19b7ec3c1b174', operation: 'chat' },
      { request_id: '2c3d4e5f60718293', parent_id: 'eee19b7ec3c1b174', operation: 'chat' },
    ]);
  });

  it('sums the trace over its model calls only: the root roll-up is not counted again', async () => {
    const t = await one<Row>(
      home,
      `SELECT trace_id, SUM(input + cache_read + cache_write)::VARCHAR all_input, SUM(input)::VARCHAR i,
         SUM(cache_read)::VARCHAR cr, SUM(output)::VARCHAR o, SUM(cost_estimate)::VARCHAR c FROM usage GROUP BY 1`,
    );
    // the invoke_agent span reports 2700 input (1200 cached) and 420 output for the whole task
    expect(t).toEqual({
      trace_id: '5b8efff798038103d269b633813fc60c',
      all_input: '2700',
      i: '1500',
      cr: '1200',
      o: '420',
      // gpt-4o-2024-08-06: 1500×2.50 + 1200×1.25 + 420×10 per 1M
      c: '0.009450000000000000',
    });
  });

  it('takes tags from span and resource attributes outside gen_ai.*, scalars only, never content', async () => {
    const r = await one<{ tags: string }>(
      home,
      "SELECT tags FROM usage WHERE request_id = '0a1b2c3d4e5f6071'",
    );
    expect(JSON.parse(r.tags)).toEqual({
      'service.name': 'travel-agent',
      'deployment.environment.name': 'prod',
      'telemetry.sdk.language': 'python',
      'app.feature': 'itinerary',
      'app.attempt': 1,
      'app.streamed': true,
      'gen_ai.agent.name': 'TravelPlanner',
      'gen_ai.conversation.id': 'conv_5j66UpCpwteGg4YSxUnt7lPY',
    });
  });

  it('maps model, provider, status and latency', async () => {
    const r = await one<Row>(
      home,
      `SELECT provider, model, model_raw, status, latency_ms::VARCHAR l, strftime(timestamp, '%Y-%m-%d %H:%M:%S.%f') ts
         FROM usage WHERE request_id = '2c3d4e5f60718293'`,
    );
    expect(r).toEqual({
      provider: 'openai',
      model: 'gpt-4o-2024-08-06',
      model_raw: 'gpt-4o-2024-08-06',
      status: 'success',
      l: '5100',
      ts: '2025-09-10 14:00:04.000000',
    });
  });
});

describe('otel-genai: old and new attribute names', () => {
  const oldHome = tmpHome();
  const newHome = tmpHome();
  let oldReport: IngestReport;
  let newReport: IngestReport;
  beforeAll(async () => {
    oldReport = await ingestInto(oldHome.home, [OLD]);
    newReport = await ingestInto(newHome.home, [NEW]);
  });
  afterAll(() => {
    oldHome.cleanup();
    newHome.cleanup();
  });

  it('gives exact per-class totals, skipping the workflow span', async () => {
    for (const [home, rep] of [
      [oldHome.home, oldReport],
      [newHome.home, newReport],
    ] as const) {
      expect(rep.files[0]).toMatchObject({ rowsIn: 7, rowsOut: 6, skipped: 1 });
      expect(await one<Row>(home, TOTALS)).toEqual({
        n: '6',
        i: '2914',
        cr: '5300',
        cw_ttl: '0',
        cw: '800',
        o: '890',
      });
      const measures = Object.fromEntries(rep.files[0]!.reconciliation.map((m) => [m.measure, m.stored]));
      expect(Object.values(measures)).toEqual(['9014', '5300', '800', '890']);
    }
  });

  it('splits cached tokens out of input once, and detects the raw Anthropic split', async () => {
    const rows = await q<Row>(
      newHome.home,
      `SELECT request_id, provider, input::VARCHAR i, cache_read::VARCHAR cr, cache_write::VARCHAR cw, output::VARCHAR o, status
         FROM usage ORDER BY timestamp`,
    );
    expect(rows).toEqual([
      // input_tokens 3200 = 1700 uncached + 1000 cache read + 500 cache creation
      {
        request_id: 'b7ad6b7169203331',
        provider: 'anthropic',
        i: '1700',
        cr: '1000',
        cw: '500',
        o: '400',
        status: 'success',
      },
      // input_tokens 50 < cache_read 4000: Anthropic's raw split, 50 is already uncached
      {
        request_id: 'c8be7c827a314442',
        provider: 'anthropic',
        i: '50',
        cr: '4000',
        cw: '300',
        o: '250',
        status: 'success',
      },
      {
        request_id: 'd9cf8d938b425553',
        provider: 'azure-openai',
        i: '500',
        cr: '300',
        cw: '0',
        o: '150',
        status: 'success',
      },
      {
        request_id: 'e0d09ea49c536664',
        provider: 'google',
        i: '600',
        cr: '0',
        cw: '0',
        o: '90',
        status: 'success',
      },
      {
        request_id: 'f1e1afb5ad647775',
        provider: 'openai',
        i: '64',
        cr: '0',
        cw: '0',
        o: '0',
        status: 'success',
      },
      {
        request_id: 'a2f2b0c6be758886',
        provider: 'aws-bedrock',
        i: '0',
        cr: '0',
        cw: '0',
        o: '0',
        status: 'failure',
      },
    ]);
  });

  it('reads a nanosecond time above 2^53 to the microsecond, never through a double', async () => {
    const text = readFileSync(OLD, 'utf8');
    const ns = '1757669400123456999';
    expect(text).toContain(`"startTimeUnixNano": "${ns}"`);
    expect(BigInt(ns) > 2n ** 53n).toBe(true);
    // what a JSON.parse would have produced: a different microsecond
    expect(BigInt(Number(ns)) / 1000n).not.toBe(BigInt(ns) / 1000n);
    for (const home of [oldHome.home, newHome.home]) {
      const r = await one<Row>(
        home,
        `SELECT strftime(timestamp, '%Y-%m-%d %H:%M:%S.%f') ts, epoch_us(timestamp)::VARCHAR us, latency_ms::VARCHAR l
           FROM usage WHERE request_id = 'b7ad6b7169203331'`,
      );
      // end 1757669402623456000: 2499999001 ns later, whole milliseconds
      expect(r).toEqual({ ts: '2025-09-12 09:30:00.123456', us: '1757669400123456', l: '2499' });
    }
  });

  it('gives identical usage rows from the old-name and the new-name file (all columns but lineage)', async () => {
    const a = await q<Row>(oldHome.home, ROWS);
    const b = await q<Row>(newHome.home, ROWS);
    expect(a).toHaveLength(6);
    expect(a).toEqual(b);
  });

  it('changes nothing when the same file is ingested again', async () => {
    const before = await q<Row>(newHome.home, 'SELECT * FROM usage ORDER BY request_id');
    const again = await ingestInto(newHome.home, [NEW]);
    expect(again.files[0]!.status).toBe('unchanged');
    expect(await q<Row>(newHome.home, 'SELECT * FROM usage ORDER BY request_id')).toEqual(before);
  });
});

/** Values of content attributes in the fixtures, and the texts inside message JSON. */
function contentStrings(): string[] {
  const out = new Set<string>();
  const isContent = (k: string) =>
    /^gen_ai\.(prompt|completion|input\.messages|output\.messages|system_instructions|tool\.call\.(arguments|result))(\.|$)/.test(
      k,
    ) || /(^|\.)(input|output|content)(\.|$)/.test(k);
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    const v = (o.value as { stringValue?: string } | undefined)?.stringValue;
    if (typeof o.key === 'string' && typeof v === 'string' && isContent(o.key) && v.length >= 12) {
      out.add(v);
      for (const m of v.matchAll(/"content":"([^"]+)"/g)) out.add(m[1]!);
    }
    Object.values(o).forEach(visit);
  };
  for (const f of [AGENT, OLD, NEW]) {
    const text = readFileSync(f, 'utf8');
    const docs = f.endsWith('.jsonl')
      ? text
          .split('\n')
          .filter((l) => l.trim())
          .map((l) => JSON.parse(l))
      : [JSON.parse(text)];
    docs.forEach(visit);
  }
  return [...out];
}

describe('otel-genai: the fixture folder', () => {
  const { home, cleanup } = tmpHome();
  beforeAll(async () => {
    await ingestInto(home, [fixture('otel-genai')]);
  });
  afterAll(cleanup);

  it('counts the same calls once: the later export replaces the earlier one', async () => {
    expect(await one<Row>(home, TOTALS)).toEqual({
      n: '8',
      i: '4414',
      cr: '6500',
      cw_ttl: '0',
      cw: '800',
      o: '1310',
    });
  });

  it('never stores prompt or completion text', async () => {
    const secrets = contentStrings();
    // markers from every content attribute kind in the fixtures
    for (const m of [
      'Maria Souza',
      'P1234567',
      'ACME-CONFIDENTIAL',
      'Zephyr',
      'Hotel Avenida Palace',
      'clause 7.3',
    ])
      expect(secrets.some((s) => s.includes(m))).toBe(true);
    expect(secrets.length).toBeGreaterThan(10);
    const decoded = JSON.stringify(await q(home, 'SELECT * FROM usage'));
    const files = allFiles(home).map((f) => readFileSync(f).toString('latin1'));
    for (const s of [...secrets, 'Maria Souza', 'P1234567', 'ACME-CONFIDENTIAL', 'Zephyr', 'Avenida']) {
      expect(decoded).not.toContain(s);
      for (const bytes of files) expect(bytes).not.toContain(s);
    }
  });
});

describe('otel-genai: bad input', () => {
  const { home, cleanup } = tmpHome();
  afterAll(cleanup);

  function span(attrs: object[], start: unknown = '1757669400000000000') {
    const dir = join(home, 'in');
    mkdirSync(dir, { recursive: true });
    const path = join(dir, `bad-${Math.random().toString(36).slice(2)}.json`);
    const doc = {
      resourceSpans: [
        {
          resource: { attributes: [] },
          scopeSpans: [
            {
              scope: { name: 't' },
              spans: [
                {
                  traceId: '5b8efff798038103d269b633813fc60c',
                  spanId: '0a1b2c3d4e5f6071',
                  name: 'chat',
                  startTimeUnixNano: start,
                  endTimeUnixNano: '1757669401000000000',
                  attributes: [{ key: 'gen_ai.operation.name', value: { stringValue: 'chat' } }, ...attrs],
                },
              ],
            },
          ],
        },
      ],
    };
    writeFileSync(path, JSON.stringify(doc));
    return path;
  }

  it('rejects a negative token count, naming the span and the attribute', async () => {
    const p = span([{ key: 'gen_ai.usage.input_tokens', value: { intValue: '-5' } }]);
    await expect(ingestInto(home, [p], { source: 'otel-genai' })).rejects.toMatchObject({
      name: 'InputError',
      message: 'not a non-negative whole number',
      location: { record: 'resourceSpans[0].scopeSpans[0].spans[0]', column: 'gen_ai.usage.input_tokens' },
    });
  });

  it('rejects a start time that is not whole nanoseconds', async () => {
    const p = span([], '2025-09-12T09:30:00Z');
    await expect(ingestInto(home, [p], { source: 'otel-genai' })).rejects.toMatchObject({
      name: 'InputError',
      location: { column: 'startTimeUnixNano' },
    });
  });
});
