// Shared-resource rules (docs/allocation.md#shared-resources): a document index that a platform job builds and
// maintains and two teams query through a retrieval service. One day, one embedding invoice line of $1.00 over
// 10,000 tokens, so every share is a round number: build 6,000 tokens (triggered by search), queries 300 tokens from
// support (3 requests) and 100 from search (1 request), maintenance 3,600 tokens split 3:1 by those queries.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { allocate } from '../../src/analysis/allocate/run.js';
import type { SharedResource } from '../../src/config.js';
import { InputError } from '../../src/errors.js';
import { runCli } from '../helpers/cli.js';
import { ingestInto, one, q, scratchHomes } from '../helpers/home.js';

const home = scratchHomes(afterAll);
const DAY = 1754006400; // 2025-08-01T00:00:00Z
const EMB = 'text-embedding-3-small';

const USAGE = `timestamp,request_id,provider,model,input_tokens,output_tokens,tag.team,tag.job,tag.triggered_by,tag.purpose,tag.caller
2025-08-01T01:00:00Z,b1,openai,${EMB},4000,0,platform,index-build,search,,
2025-08-01T01:10:00Z,b2,openai,${EMB},2000,0,platform,index-build,search,,
2025-08-01T09:00:00Z,q1,openai,${EMB},100,0,retrieval,,,retrieval,support
2025-08-01T09:05:00Z,q2,openai,${EMB},100,0,retrieval,,,retrieval,support
2025-08-01T09:10:00Z,q3,openai,${EMB},100,0,retrieval,,,retrieval,support
2025-08-01T09:15:00Z,q4,openai,${EMB},100,0,retrieval,,,retrieval,search
2025-08-01T03:00:00Z,m1,openai,${EMB},3000,0,platform,index-maintenance,,,
2025-08-01T03:30:00Z,m2,openai,${EMB},600,0,platform,index-maintenance,,,
2025-08-01T12:00:00Z,c1,openai,gpt-4o-mini-2024-07-18,1000,0,support,,,,
`;

const line = (item: string, value: string, quantity: number) =>
  `{"object":"organization.costs.result","amount":{"value":${value},"currency":"usd"},"line_item":"${item}","project_id":null,"api_key_id":null,"quantity":${quantity},"quantity_unit":"tokens"}`;
const OPENAI = `{"object":"page","data":[{"object":"bucket","start_time":${DAY},"end_time":${DAY + 86400},"results":[
  ${line(`${EMB}, input`, '1.00', 10000)},
  ${line('gpt-4o-mini-2024-07-18, input', '0.50', 1000)}
]}],"has_more":false,"next_page":null}`;

const RULE: SharedResource = {
  name: 'docs-index',
  key: 'team',
  build: { match: { tags: { job: ['index-build'] } }, charge_to: 'triggered_by' },
  query: { match: { tags: { purpose: ['retrieval'] } }, charge_to: 'caller' },
  maintenance: { match: { tags: { job: ['index-maintenance'] } } },
};

async function setup(): Promise<string> {
  const h = home();
  writeFileSync(join(h, 'usage.csv'), USAGE);
  writeFileSync(join(h, 'openai.json'), OPENAI);
  await ingestInto(h, [join(h, 'usage.csv'), join(h, 'openai.json')]);
  return h;
}

const byTeam = (h: string) =>
  q<{ t: string | null; cost: string }>(
    h,
    `SELECT AllocatedResourceId AS t, SUM(EffectiveCost)::DECIMAL(38,6)::VARCHAR AS cost FROM allocated GROUP BY 1 ORDER BY 1`,
  );

describe('shared-resource rules', () => {
  it('without rules the platform job and the retrieval service carry the index', async () => {
    const h = await setup();
    await allocate({ home: h, keys: ['team'], method: 'x-token-cost-v1', period: { from: null, to: null } });
    expect(await byTeam(h)).toEqual([
      { t: 'platform', cost: '0.960000' },
      { t: 'retrieval', cost: '0.040000' },
      { t: 'support', cost: '0.500000' },
    ]);
  });

  it('charge builds to the trigger, queries to the caller, maintenance by query share, conserving the pool', async () => {
    const h = await setup();
    const r = await allocate({
      home: h,
      keys: ['team'],
      method: 'x-token-cost-v1',
      period: { from: null, to: null },
      sharedResources: [RULE],
    });
    // search: build 0.60 + its query 0.01 + a quarter of maintenance 0.09; support: queries 0.03 + 0.27 + chat 0.50
    expect(await byTeam(h)).toEqual([
      { t: 'search', cost: '0.700000' },
      { t: 'support', cost: '0.800000' },
    ]);
    expect(r.pool.EffectiveCost).toBe(r.allocated.EffectiveCost);
    expect(r.sharedResources).toEqual([
      {
        name: 'docs-index',
        key: 'team',
        rows: { build: 2, query: 4, maintenance: 2 },
        queryShare: [
          { value: 'support', requests: '3', share: 0.75 },
          { value: 'search', requests: '1', share: 0.25 },
        ],
        unsplitEffectiveCost: '0',
      },
    ]);
    // each origin row's ratios still sum to exactly 1, and one row per origin carries the residue
    const ratios = await q<{ s: string; tops: string }>(
      h,
      `SELECT SUM(CAST(json_extract_string(AllocatedMethodDetails, '$.Elements[0].AllocatedRatio') AS DECIMAL(38,18)))::VARCHAR AS s,
         count(*)::VARCHAR AS tops FROM allocated GROUP BY x_OriginRowId`,
    );
    for (const x of ratios) expect(x.s).toBe('1.000000000000000000');
    // per request: the maintenance requests keep their own cost (0.36), every request's share adds up to the pool
    const per = await one<{ maint: number; all: number }>(
      h,
      `SELECT SUM(attributed_effective_cost) FILTER (WHERE request_id LIKE 'm%')::DOUBLE AS maint,
         SUM(attributed_effective_cost)::DOUBLE AS "all" FROM usage_attributed`,
    );
    expect(per.maint).toBeCloseTo(0.36, 12);
    expect(per.all).toBeCloseTo(1.5, 12);
  });

  it('a rule for another key leaves the run alone', async () => {
    const h = await setup();
    const r = await allocate({
      home: h,
      keys: ['job'],
      method: 'x-token-cost-v1',
      period: { from: null, to: null },
      sharedResources: [RULE],
    });
    expect(r.sharedResources).toEqual([]);
  });

  it('maintenance in a month with no queries stays visible on its marker', async () => {
    const h = await setup();
    const noQueries: SharedResource = {
      ...RULE,
      query: { match: { tags: { purpose: ['nothing-matches'] } } },
    };
    const r = await allocate({
      home: h,
      keys: ['team'],
      method: 'x-token-cost-v1',
      period: { from: null, to: null },
      sharedResources: [noQueries],
    });
    expect(await byTeam(h)).toContainEqual({ t: '(shared:docs-index)', cost: '0.360000' });
    expect(r.sharedResources[0]?.unsplitEffectiveCost).toBe('0.360000000000000000');
  });

  it('refuses a malformed rule before anything runs', async () => {
    const h = await setup();
    const bad = { name: 'x', key: 'team', maintenance: { match: { tags: { job: 'm' } } } } as never;
    await expect(
      allocate({
        home: h,
        keys: ['team'],
        method: 'x-token-cost-v1',
        period: { from: null, to: null },
        sharedResources: [bad],
      }),
    ).rejects.toThrow(InputError);
  });

  it('reads the rules from the config file (aicost allocate --config)', async () => {
    const h = await setup();
    const cfg = join(h, 'aicost.config.yaml');
    writeFileSync(
      cfg,
      `shared_resources:
  - name: docs-index
    key: team
    build: { match: { tags: { job: index-build } }, charge_to: triggered_by }
    query: { match: { tags: { purpose: retrieval } }, charge_to: caller }
    maintenance: { match: { tags: { job: index-maintenance } } }
`,
    );
    const r = await runCli(['allocate', '--by', 'team', '--data', h, '--config', cfg, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.sharedResources[0].queryShare.map((x: { value: string }) => x.value)).toEqual([
      'support',
      'search',
    ]);
    const table = await runCli(['allocate', '--by', 'team', '--data', h, '--config', cfg]);
    expect(table.stdout).toContain(
      'shared resource docs-index: 2 build rows charged to the triggering team, 4 query rows to the querying team, 2 maintenance rows split by query share (support 75.0%, search 25.0%)',
    );
  });
});
