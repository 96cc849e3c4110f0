// Duplicates and restatement are deterministic (docs/data-model.md#replacement-keys): a key repeated inside one file
// is stored once (the latest copy) and reported; of a stale and a final page of the same API bucket the final one's
// figures are stored whatever the order the pages were ingested in, by the data's own freshness (a page that holds a
// later bucket saw the earlier ones complete), then the file's export (modification) time.
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readManifest } from '../../src/store/manifest.js';
import { ingestInto, q, scratchHomes } from '../helpers/home.js';

const home = scratchHomes(afterAll);

const HEADER =
  'request_id,call_type,api_key,spend,prompt_tokens,completion_tokens,startTime,endTime,model,custom_llm_provider,user,session_id,status';
const req = (id: string, spend: string, start: string, tokens = ['20', '80']) =>
  [
    id,
    'acompletion',
    'k1',
    spend,
    ...tokens,
    start,
    start,
    'gpt-4o-mini',
    'openai',
    'alice',
    's1',
    'success',
  ].join(',');

describe('a key repeated inside one file', () => {
  it('stores one LiteLLM request per (trace id, request id): the latest copy, and says what it dropped', async () => {
    const h = home();
    const file = join(h, 'spendlogs.csv');
    writeFileSync(
      file,
      [
        HEADER,
        req('r1', '0.000150', '2025-08-01 09:15:02'),
        req('r2', '0.000050', '2025-08-01 09:16:02', ['10', '5']),
        req('r1', '0.000150', '2025-08-01 09:15:02'),
        req('r1', '0.000200', '2025-08-01 09:15:09'),
        '',
      ].join('\n'),
    );
    const data = join(h, 'data');
    const r = await ingestInto(data, [file]);
    const f = r.files[0]!;
    expect([f.rowsIn, f.rowsOut, f.repeated]).toEqual([4, 2, 2]);
    expect(f.notes).toContain(
      '2 rows dropped: the key (trace_id, request_id) repeats in this file and one row per key is kept, the latest ' +
        '(dropped: input 40, output 160, source_cost 0.0003, cost_estimate 0.000102)',
    );
    const rows = await q<{ request_id: string; c: string; t: string }>(
      data,
      "SELECT request_id, source_cost::VARCHAR AS c, strftime(timestamp, '%H:%M:%S') AS t FROM usage ORDER BY 1",
    );
    expect(rows).toEqual([
      { request_id: 'r1', c: '0.000200000000000000', t: '09:15:09' },
      { request_id: 'r2', c: '0.000050000000000000', t: '09:16:02' },
    ]);
    expect(readManifest(data).inputs[0]).toMatchObject({ rowsIn: 4, rowsOut: 2, duplicates: 2 });

    // the same request in another file is de-duplicated across files as before: still two requests
    const again = join(h, 'again.csv');
    writeFileSync(again, `${HEADER}\n${req('r2', '0.000050', '2025-08-01 09:16:02', ['10', '5'])}\n`);
    await ingestInto(data, [again]);
    expect(await q(data, 'SELECT count(*)::VARCHAR AS n, SUM(source_cost)::VARCHAR AS s FROM usage')).toEqual(
      [{ n: '2', s: '0.000250000000000000' }],
    );
  });
});

// ---- OpenAI Costs API pages (constructed in the documented shape, fixtures/openai/ORIGIN.md) ----------------------

const DAY = 86_400;
const AUG1 = 1_754_006_400; // 2025-08-01T00:00:00Z
type Line = [item: string, dollars: number];

function page(buckets: [day: number, lines: Line[]][]): string {
  return JSON.stringify({
    object: 'page',
    data: buckets.map(([d, lines]) => ({
      object: 'bucket',
      start_time: AUG1 + d * DAY,
      end_time: AUG1 + (d + 1) * DAY,
      results: lines.map(([item, value]) => ({
        object: 'organization.costs.result',
        amount: { value, currency: 'usd' },
        line_item: `gpt-4o-mini-2024-07-18, ${item}`,
        project_id: 'proj_abc',
        api_key_id: null,
        quantity: null,
      })),
    })),
    has_more: false,
    next_page: null,
  });
}

/** Writes a page with a given export (modification) time. */
function writePage(path: string, text: string, exportedAt: string): string {
  writeFileSync(path, text);
  const t = new Date(exportedAt);
  utimesSync(path, t, t);
  return path;
}

/** BilledCost per UTC day of the stored openai-costs rows. */
const byDay = (data: string) =>
  q<{ d: string; c: string }>(
    data,
    "SELECT strftime(ChargePeriodStart, '%m-%d') AS d, SUM(BilledCost)::VARCHAR AS c FROM focus GROUP BY 1 ORDER BY 1",
  );

const FINAL = [
  { d: '08-01', c: '1.500000000000000000' },
  { d: '08-02', c: '1.200000000000000000' },
  { d: '08-03', c: '0.200000000000000000' },
];

describe('a stale and a final page of the same bucket', () => {
  // fetched at noon on Aug 2: Aug 2 was still filling up (its input so far 0.40, no output yet)
  const stale = page([
    [
      0,
      [
        ['input', 1.0],
        ['output', 0.5],
      ],
    ],
    [1, [['input', 0.4]]],
  ]);
  // fetched on Aug 4: Aug 2 complete (the page holds Aug 3 after it)
  const final = page([
    [
      0,
      [
        ['input', 1.0],
        ['output', 0.5],
      ],
    ],
    [
      1,
      [
        ['input', 0.9],
        ['output', 0.3],
      ],
    ],
    [2, [['input', 0.2]]],
  ]);

  function folder(h: string): { dir: string; stale: string; final: string } {
    const dir = join(h, 'exports');
    mkdirSync(dir);
    return {
      dir,
      // named so that walking the folder reads the final page first and the stale one last
      stale: writePage(join(dir, 'z-costs.json'), stale, '2025-08-02T12:00:00Z'),
      final: writePage(join(dir, 'a-costs.json'), final, '2025-08-04T01:00:00Z'),
    };
  }

  const histories: [string, (f: ReturnType<typeof folder>) => string[][]][] = [
    ['stale, then final', (f) => [[f.stale], [f.final]]],
    ['final, then stale', (f) => [[f.final], [f.stale]]],
    ['both in one run (final walked first)', (f) => [[f.dir]]],
    ['final, then the folder again', (f) => [[f.final], [f.dir]]],
    ['stale, then the folder again', (f) => [[f.stale], [f.dir]]],
  ];
  for (const [name, runs] of histories) {
    it(`stores the final figures: ${name}`, async () => {
      const h = home();
      const f = folder(h);
      const data = join(h, 'data');
      for (const paths of runs(f)) await ingestInto(data, paths);
      expect(await byDay(data)).toEqual(FINAL);
      expect(await q(data, 'SELECT count(*)::VARCHAR AS n FROM focus')).toEqual([{ n: '5' }]);
    });
  }

  it('reports the stale rows kept out when the final page is already stored', async () => {
    const h = home();
    const f = folder(h);
    const data = join(h, 'data');
    await ingestInto(data, [f.final]);
    const r = await ingestInto(data, [f.stale]);
    expect([r.files[0]!.replaced, r.files[0]!.superseded, r.files[0]!.rowsOut]).toEqual([0, 3, 0]);
    expect(r.files[0]!.notes).toContain(
      '3 rows not stored: a fresher export of the same key is stored (complete bucket, or exported later)',
    );
    const m = readManifest(data).inputs.map((i) => [i.exportedAt, i.latestStart]);
    expect(m).toEqual([
      ['2025-08-04T01:00:00.000Z', '2025-08-03 00:00:00+00'],
      ['2025-08-02T12:00:00.000Z', '2025-08-02 00:00:00+00'],
    ]);
  });

  it('with the same buckets in both, the later export wins in either order', async () => {
    const h = home();
    const dir = join(h, 'in');
    mkdirSync(dir);
    const early = writePage(join(dir, 'early.json'), page([[0, [['input', 0.4]]]]), '2025-08-01T12:00:00Z');
    const late = writePage(join(dir, 'late.json'), page([[0, [['input', 0.9]]]]), '2025-08-02T06:00:00Z');
    for (const order of [
      [early, late],
      [late, early],
    ]) {
      const data = join(h, `data-${order[0] === early ? 'a' : 'b'}`);
      for (const p of order) await ingestInto(data, [p]);
      expect(await byDay(data)).toEqual([{ d: '08-01', c: '0.900000000000000000' }]);
    }
  });
});
