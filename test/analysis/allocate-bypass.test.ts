// Allocation v2 (docs/allocation.md#matching): an invoice line for a model nobody used that day is not spread over
// the users of other models; it stays unallocated and is reported, unless --fallback provider opts in. Gateway-only
// data gets an estimated breakdown by the key; a key no usage row carries is an input error.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { allocate } from '../../src/analysis/allocate/run.js';
import { InputError } from '../../src/errors.js';
import { readManifest } from '../../src/store/manifest.js';
import { runCli } from '../helpers/cli.js';
import { fixture, ingestInto, q, scratchHomes } from '../helpers/home.js';

const home = scratchHomes(afterAll);
const DAY = 1754006400; // 2025-08-01T00:00:00Z

/** Gateway usage on 2025-08-01: feature chat on gpt-4o-mini, feature docs on Claude Sonnet 4. */
const USAGE = `timestamp,request_id,provider,model,input_tokens,output_tokens,tag.feature
2025-08-01T10:00:00Z,u1,openai,gpt-4o-mini-2024-07-18,1000,100,chat
2025-08-01T11:00:00Z,u2,openai,gpt-4o-mini-2024-07-18,3000,300,chat
2025-08-01T12:00:00Z,u3,anthropic,claude-sonnet-4-20250514,2000,200,docs
`;

const line = (item: string, value: string, quantity: number) =>
  `{"object":"organization.costs.result","amount":{"value":${value},"currency":"usd"},"line_item":"${item}","project_id":null,"api_key_id":null,"quantity":${quantity},"quantity_unit":"tokens"}`;
/** OpenAI's invoice for the day: gpt-4o-mini (used by chat) and gpt-4o (nobody's traffic went through the gateway). */
const OPENAI = `{"object":"page","data":[{"object":"bucket","start_time":${DAY},"end_time":${DAY + 86400},"results":[
  ${line('gpt-4o-mini-2024-07-18, input', '1.00', 4000)},
  ${line('gpt-4o-2024-08-06, input', '2.00', 800000)}
]}],"has_more":false,"next_page":null}`;

async function setup(): Promise<string> {
  const h = home();
  writeFileSync(join(h, 'usage.csv'), USAGE);
  writeFileSync(join(h, 'openai.json'), OPENAI);
  await ingestInto(h, [join(h, 'usage.csv'), join(h, 'openai.json')]);
  return h;
}

const byTarget = (h: string) =>
  q<{ t: string | null; level: string; cost: string }>(
    h,
    `SELECT AllocatedResourceId AS t, x_MatchLevel AS level, SUM(EffectiveCost)::VARCHAR AS cost FROM allocated GROUP BY ALL ORDER BY 1, 2`,
  );

describe('an invoice line naming a model with no usage that day', () => {
  it('stays unallocated and is reported; chat gets exactly the line of its own model', async () => {
    const h = await setup();
    const r = await allocate({
      home: h,
      keys: ['feature'],
      method: 'x-token-cost-v1',
      period: { from: null, to: null },
    });
    expect(await byTarget(h)).toEqual([
      { t: 'chat', level: 'model+class+day', cost: '1.000000000000000000' },
      { t: null, level: 'unmatched', cost: '2.000000000000000000' },
    ]);
    expect(r.unmatched).toEqual([
      {
        currency: 'USD',
        provider: 'openai',
        model: 'gpt-4o-2024-08-06',
        day: '2025-08-01',
        lines: 1,
        effectiveCost: '2.000000000000000000',
      },
    ]);
    // allocated + unallocated = the pool
    expect(r.allocated.EffectiveCost).toBe(r.pool.EffectiveCost);
    expect(r.pool.EffectiveCost).toBe('3.000000000000000000');
    // docs' Claude traffic has no invoice yet: an estimate, by feature, in its own table
    expect(r.showback.filter((l) => l.kind === 'estimated').map((l) => l.target)).toEqual(['docs']);
  });

  it('with --fallback provider, is spread over the usage of the provider that day, labelled so', async () => {
    const h = await setup();
    const r = await allocate({
      home: h,
      keys: ['feature'],
      method: 'x-token-cost-v1',
      period: { from: null, to: null },
      fallback: 'provider',
    });
    expect(await byTarget(h)).toEqual([
      { t: 'chat', level: 'model+class+day', cost: '1.000000000000000000' },
      { t: 'chat', level: 'provider+day (fallback)', cost: '2.000000000000000000' },
    ]);
    expect(r.unmatched).toEqual([]);
    expect(r.allocated.EffectiveCost).toBe('3.000000000000000000');
  });
});

describe('gateway logs without invoices', () => {
  it('shows the estimated cost per feature and writes nothing', async () => {
    const h = home();
    await ingestInto(h, [fixture('litellm/spendlogs.csv')]);
    const before = readFileSync(join(h, 'manifest.json'), 'utf8');
    const r = await allocate({
      home: h,
      keys: ['feature'],
      method: 'x-token-cost-v1',
      period: { from: null, to: null },
    });
    expect(r.noInvoices).toBe(true);
    const est = r.showback.filter((l) => l.kind === 'estimated');
    expect(est.map((l) => [l.target, l.effectiveCost, l.requests])).toEqual([
      ['summarize', '0.013275000000000000', '1'],
      ['search', '0.000346000000000000', '2'],
      ['chat', '0.000000000000000000', '1'],
      ['(untagged)', '0.000000000000000000', '1'],
    ]);
    // the estimates add up to the price-book estimate of the usage
    const total = est.reduce((s, l) => s + Number(l.effectiveCost), 0);
    const [u] = await q<{ s: string }>(h, 'SELECT SUM(cost_estimate)::VARCHAR AS s FROM usage');
    expect(total).toBeCloseTo(Number(u!.s), 12);
    expect(readFileSync(join(h, 'manifest.json'), 'utf8')).toBe(before);
  });
});

describe('options', () => {
  it('are input errors from the CLI (exit 2) before anything runs', async () => {
    const h = await setup();
    const cases: [string[], RegExp][] = [
      [['--by', 'featur'], /did you mean "feature"/],
      [
        ['--by', 'feature', '--method', 'x-fixed-v1', '--weights', join(h, 'nope.yaml')],
        /weights file not found/,
      ],
      [['--by', 'feature', '--period', '2025-13'], /--period must be a month/],
      [['--by', 'feature', '--from', '2025-02-30'], /calendar day/],
      [['--by', 'feature', '--from', '2025-08-10', '--to', '2025-08-01'], /not before/],
    ];
    for (const [args, err] of cases) {
      const r = await runCli(['allocate', '--data', h, ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(err);
    }
    expect(readManifest(h).allocations).toEqual([]);
  });

  it('refuses a key no usage row carries, naming the keys that exist, and keeps the stored allocation', async () => {
    const h = await setup();
    await allocate({
      home: h,
      keys: ['feature'],
      method: 'x-token-cost-v1',
      period: { from: null, to: null },
    });
    const runs = readManifest(h).allocations;
    const e = await allocate({
      home: h,
      keys: ['featur'],
      method: 'x-token-cost-v1',
      period: { from: null, to: null },
    }).catch((x) => x);
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).message).toMatch(
      /"featur" is on no usage row; keys present: model, provider, feature/,
    );
    expect((e as InputError).hint).toMatch(/did you mean "feature"/);
    expect(readManifest(h).allocations).toEqual(runs);
  });

  it('refuses impossible periods and an inverted range before anything runs', async () => {
    const h = await setup();
    const run = (period: { from: string | null; to: string | null }) =>
      allocate({ home: h, keys: ['feature'], method: 'x-token-cost-v1', period }).catch((x) => x);
    expect(await run({ from: '2025-13-01', to: null })).toBeInstanceOf(InputError);
    expect(await run({ from: '2025-02-30', to: null })).toBeInstanceOf(InputError);
    expect(String(await run({ from: '2025-08-10', to: '2025-08-01' }))).toMatch(/not before/);
  });
});
