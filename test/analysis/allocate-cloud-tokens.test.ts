// Token lines billed by a cloud (Bedrock in a CUR, Azure OpenAI meters, Vertex AI SKUs) name the model the way the
// bill does (`USE1-Claude4.5Sonnet-input-tokens`, `gpt 4o 0513 Input global Tokens`) and the cloud as provider (`AWS`).
// Their x_Model is the canonical id a gateway's request resolves to, and allocation matches them to the usage of the
// cloud's model platform (aws-bedrock, azure-openai, google), so Bedrock spend splits onto the features that made it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { allocate } from '../../src/analysis/allocate/run.js';
import { fixture, ingestInto, q, scratchHomes } from '../helpers/home.js';

const home = scratchHomes(afterAll);

describe('x_Model of cloud token rows', () => {
  it('Bedrock usage types and product names, Azure meters, GCP SKUs resolve to canonical ids where the book knows one', async () => {
    const h = home();
    await ingestInto(h, [
      fixture('aws', 'cur2_constructed.csv'),
      fixture('azure', 'aoai_token_meters_constructed.csv'),
      fixture('gcp', 'billing_export_constructed.jsonl'),
    ]);
    const rows = await q<{ raw: string; model: string }>(
      h,
      `SELECT DISTINCT x_ModelRaw AS raw, x_Model AS model FROM focus WHERE x_TokenClass IS NOT NULL AND x_ModelRaw IS NOT NULL ORDER BY 1`,
    );
    const model = Object.fromEntries(rows.map((r) => [r.raw, r.model]));
    // Claude 4 and later: Anthropic's id order (the book has no Bedrock entry for 4.6: the maker's id)
    expect(model['Claude4.6Sonnet']).toBe('claude-sonnet-4-6');
    expect(model['Claude4.6Opus']).toBe('claude-opus-4-6');
    // Claude 3.5 Sonnet has two snapshots on Bedrock: the short id stays as spelled (Anthropic's own undated alias,
    // its latest snapshot, is not taken for Bedrock's)
    expect(model['Claude 3.5 Sonnet (Amazon Bedrock Edition)']).toBe('claude-3-5-sonnet');
    // Azure meters: the MMDD version is the snapshot's date (the azure-openai book first, then OpenAI's)
    const azure = rows.filter((r) => /gpt/i.test(r.raw)).map((r) => [r.raw.toLowerCase(), r.model]);
    expect(Object.fromEntries(azure)).toMatchObject({
      'gpt 4o 0513': 'gpt-4o-2024-05-13',
      'gpt 4o 1120': 'gpt-4o-2024-11-20',
      'gpt-4o-mini-0718': 'gpt-4o-mini-2024-07-18',
    });
    expect(model['gemini-2.5-flash']).toBe('gemini-2.5-flash');
  });
});

describe('allocation of a Bedrock bill onto gateway usage', () => {
  // the constructed CUR with Claude Sonnet 4.5 (in the book's Bedrock section) for 4.6: input 0.069, output 0.214
  async function setup(): Promise<string> {
    const h = home();
    const cur = readFileSync(fixture('aws', 'cur2_constructed.csv'), 'utf8').replaceAll(
      'Claude4.6Sonnet',
      'Claude4.5Sonnet',
    );
    writeFileSync(join(h, 'cur.csv'), cur);
    writeFileSync(
      join(h, 'gateway.csv'),
      `timestamp,request_id,provider,model,input_tokens,output_tokens,tag.feature
2025-03-03T10:00:00Z,b1,bedrock,us.anthropic.claude-sonnet-4-5-20250929-v1:0,1000,100,chat
2025-03-09T11:00:00Z,b2,bedrock,us.anthropic.claude-sonnet-4-5-20250929-v1:0,3000,300,search
`,
    );
    await ingestInto(h, [join(h, 'cur.csv'), join(h, 'gateway.csv')]);
    return h;
  }

  it('splits each token line over the requests of its model and class, exactly', async () => {
    const h = await setup();
    const r = await allocate({
      home: h,
      keys: ['feature'],
      method: 'x-token-cost-v1',
      period: { from: null, to: null },
    });
    // (each share is the origin × its exact ratio computed in double precision and rounded to 18 decimals, with the
    // residue on the largest share: 0.017250000000000002 here, so the check is to 15 decimals)
    const lines = await q<{ cls: string; t: string; cost: string }>(
      h,
      `SELECT o.x_TokenClass AS cls, a.AllocatedResourceId AS t, round(SUM(a.EffectiveCost), 15)::VARCHAR AS cost
       FROM allocated a JOIN focus o ON o.x_RowId = a.x_OriginRowId
       WHERE o.x_Model = 'claude-sonnet-4-5-20250929' AND o.x_TokenClass IN ('input', 'output')
       GROUP BY ALL ORDER BY 1, 2`,
    );
    // input 0.069 by input tokens 1000 : 3000; output 0.214 by output tokens 100 : 300
    expect(lines).toEqual([
      { cls: 'input', t: 'chat', cost: '0.017250000000000' },
      { cls: 'input', t: 'search', cost: '0.051750000000000' },
      { cls: 'output', t: 'chat', cost: '0.053500000000000' },
      { cls: 'output', t: 'search', cost: '0.160500000000000' },
    ]);
    // Opus 4.6 had no gateway traffic: its lines stay unallocated and are listed, never spread onto Sonnet's users
    expect(r.unmatched.map((u) => u.model)).toContain('claude-opus-4-6');
    // the pool is conserved: Σ allocated = Σ of the origin rows, and Σ attributed = Σ focus
    const [c] = await q<{ origins: string; allocated: string; same: boolean }>(
      h,
      `SELECT (SELECT SUM(EffectiveCost) FROM focus WHERE x_RowId IN (SELECT x_OriginRowId FROM allocated))::VARCHAR AS origins,
         (SELECT SUM(EffectiveCost) FROM allocated)::VARCHAR AS allocated,
         (SELECT SUM(EffectiveCost) FROM attributed) = (SELECT SUM(EffectiveCost) FROM focus) AS same`,
    );
    expect(c!.allocated).toBe(c!.origins);
    expect(c!.same).toBe(true);
  });

  it('per-request cost: usage_attributed carries each request its share of the Bedrock lines', async () => {
    const h = await setup();
    await allocate({
      home: h,
      keys: ['feature'],
      method: 'x-token-cost-v1',
      period: { from: null, to: null },
    });
    const rows = await q<{ id: string; cost: string; attribution: string }>(
      h,
      `SELECT request_id AS id, attributed_effective_cost::VARCHAR AS cost, attribution FROM usage_attributed ORDER BY 1`,
    );
    expect(rows.map((x) => x.attribution)).toEqual(['invoiced', 'invoiced']);
    // at least its input and output shares (cache lines spread over the same two requests add to them)
    expect(Number(rows[0]!.cost)).toBeGreaterThanOrEqual(0.01725 + 0.0535);
    expect(Number(rows[1]!.cost)).toBeGreaterThanOrEqual(0.05175 + 0.1605);
  });
});

describe('a Bedrock model the price book does not list for Bedrock', () => {
  it("the gateway's Bedrock id resolves to the maker's id, so the CUR's Claude4.6Sonnet lines still match", async () => {
    const h = home();
    writeFileSync(
      join(h, 'gateway.csv'),
      `timestamp,request_id,provider,model,input_tokens,output_tokens,tag.feature
2025-03-03T10:00:00Z,s1,bedrock,us.anthropic.claude-sonnet-4-6,1000,100,chat
2025-03-04T10:00:00Z,s2,bedrock,anthropic.claude-sonnet-4-6-v1:0,1000,100,search
`,
    );
    await ingestInto(h, [fixture('aws', 'cur2_constructed.csv'), join(h, 'gateway.csv')]);
    const usage = await q<{ id: string; model: string; raw: string; est: string | null }>(
      h,
      `SELECT request_id AS id, model, model_raw AS raw, cost_estimate::VARCHAR AS est FROM usage ORDER BY 1`,
    );
    // the book has no Bedrock price for Sonnet 4.6: the model is named, its cost unpriced (never free)
    expect(usage.map((u) => [u.id, u.model, u.est])).toEqual([
      ['s1', 'claude-sonnet-4-6', null],
      ['s2', 'claude-sonnet-4-6', null],
    ]);
    await allocate({
      home: h,
      keys: ['feature'],
      method: 'x-token-cost-v1',
      period: { from: null, to: null },
    });
    const lines = await q<{ cls: string; t: string; level: string; cost: string }>(
      h,
      `SELECT o.x_TokenClass AS cls, a.AllocatedResourceId AS t, a.x_MatchLevel AS level, round(SUM(a.EffectiveCost), 15)::VARCHAR AS cost
       FROM allocated a JOIN focus o ON o.x_RowId = a.x_OriginRowId
       WHERE o.x_Model = 'claude-sonnet-4-6' AND o.x_TokenClass = 'input' GROUP BY ALL ORDER BY 2`,
    );
    // the input line 0.069, half each (1000 input tokens each)
    expect(lines).toEqual([
      { cls: 'input', t: 'chat', level: 'model+class+day', cost: '0.034500000000000' },
      { cls: 'input', t: 'search', level: 'model+class+day', cost: '0.034500000000000' },
    ]);
  });
});
