// FOCUS inputs never lose data silently (issue 8 item 5): an impossible time or an unparseable decimal is an input
// error naming file, line and column with nothing stored; a real time that breaks a FOCUS format rule is carried
// over; a FOCUS 0.5 file keeps its amortized cost (AmortizedCost read as EffectiveCost); AI rows naming the model
// and the token class in SkuPriceDetails (FOCUS_Spec PR #2442 ModelId; PR #2606/#2682 TokenDirection, CacheAction)
// fill x_Model / x_TokenClass, so allocation matches them by model and token class.
// Fixtures: fixtures/focus-input/ORIGIN.md (constructed, totals by hand there).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { allocate } from '../../src/analysis/allocate/run.js';
import { InputError } from '../../src/errors.js';
import { readManifest } from '../../src/store/manifest.js';
import { fixture, ingestInto, one, q, scratchHomes } from '../helpers/home.js';

const home = scratchHomes(afterAll);
const AI = fixture('focus-input', 'ai_skupricedetails_1_3.csv');
const lines = readFileSync(AI, 'utf8').split('\n');

/** The AI fixture with one cell of one line (1 = header) replaced, written into `dir`. */
function variant(dir: string, name: string, line: number, from: string, to: string): string {
  const copy = [...lines];
  const old = copy[line - 1] as string;
  expect(old).toContain(from);
  copy[line - 1] = old.replace(from, to);
  const path = join(dir, name);
  writeFileSync(path, copy.join('\n'));
  return path;
}

async function failure(h: string, path: string): Promise<InputError> {
  const err = await ingestInto(h, [path]).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(InputError);
  return err as InputError;
}

describe('values that cannot be stored are input errors, never NULL', () => {
  const cases: [string, number, string, string, string, RegExp][] = [
    // name, line, cell text, replacement, column, message
    [
      'feb30.csv',
      3,
      '2025-04-10T00:00:00Z',
      '2025-02-30T00:00:00Z',
      'ChargePeriodStart',
      /not a real date\/time/,
    ],
    [
      'hour30.csv',
      4,
      '2025-04-11T00:00:00Z',
      '2025-04-11T30:00:00Z',
      'ChargePeriodEnd',
      /not a real date\/time/,
    ],
    [
      'month13.csv',
      2,
      '2025-05-01T00:00:00Z',
      '2025-13-01T00:00:00Z',
      'BillingPeriodEnd',
      /not a real date\/time/,
    ],
    ['offset.csv', 3, '2025-04-11T00:00:00Z', '2025-04-11T00:00:00+25:00', 'ChargePeriodEnd', /UTC offset/],
    ['slashed.csv', 6, '2025-04-01T00:00:00Z', '2/30/25', 'BillingPeriodStart', /not a real date\/time/],
    ['quantity.csv', 5, ',1000000,', ',12x,', 'ConsumedQuantity', /not a number/],
    ['overflow.csv', 4, ',500000,', ',1e40,', 'ConsumedQuantity', /beyond DECIMAL\(38,18\)/],
  ];
  for (const [name, line, from, to, column, message] of cases) {
    it(`${name}: line ${line}, column ${column}`, async () => {
      const h = home();
      const err = await failure(h, variant(h, name, line, from, to));
      expect(err.describe()).toMatch(message);
      expect(err.location).toMatchObject({ record: line, column });
      expect(err.location.file).toContain(name);
      expect(err.exitCode).toBe(2);
      expect(readManifest(h).files).toEqual([]);
    });
  }

  it('a bad file among good ones stores nothing, and the stored data stays', async () => {
    const h = home();
    await ingestInto(h, [fixture('focus-input', 'focus05_constructed.csv')]);
    const bad = variant(h, 'feb30.csv', 3, '2025-04-10T00:00:00Z', '2025-02-30T00:00:00Z');
    const err = await failure(h, bad);
    expect(err.location).toMatchObject({ record: 3, column: 'ChargePeriodStart' });
    expect(await one(h, 'SELECT count(*)::INTEGER n, sum(BilledCost)::VARCHAR s FROM focus')).toEqual({
      n: 3,
      s: '123.250000000000000000',
    });
  });

  it('a real time written without T and Z is carried over as that time', async () => {
    const h = home();
    const path = variant(h, 'no-z.csv', 2, '2025-04-10T00:00:00Z', '2025-04-10 06:30:00');
    await ingestInto(h, [path]);
    const rows = await q<{ t: string }>(
      h,
      `SELECT strftime(ChargePeriodStart, '%Y-%m-%dT%H:%M:%S') t FROM focus WHERE x_SourceRecord = '2'`,
    );
    expect(rows).toEqual([{ t: '2025-04-10T06:30:00' }]);
  });
});

describe('a FOCUS 0.5 file', () => {
  it('keeps AmortizedCost as EffectiveCost, ChargeType as ChargeCategory, Region as RegionId', async () => {
    const h = home();
    const r = await ingestInto(h, [fixture('focus-input', 'focus05_constructed.csv')]);
    const f = r.files[0]!;
    expect(f.notes.join('\n')).toMatch(
      /FOCUS 0\.5 input upgraded to 1\.3 \(AmortizedCost read as EffectiveCost/,
    );
    expect(f.reconciliation.map((m) => [m.measure, m.source, m.stored])).toContainEqual([
      'EffectiveCost (input column)',
      '13.750000000000000000',
      '13.750000000000000000',
    ]);
    const rows = await q<Record<string, string>>(
      h,
      `SELECT ChargeCategory c, BilledCost::VARCHAR b, EffectiveCost::VARCHAR e, RegionId r FROM focus
       ORDER BY x_SourceRecord`,
    );
    expect(rows).toEqual([
      { c: 'Purchase', b: '120.000000000000000000', e: '0.000000000000000000', r: 'eu-west-1' },
      { c: 'Usage', b: '0.000000000000000000', e: '10.500000000000000000', r: 'eu-west-1' },
      { c: 'Usage', b: '3.250000000000000000', e: '3.250000000000000000', r: 'eu-west-1' },
    ]);
  });
});

describe('AI rows describing model and token class in SkuPriceDetails', () => {
  it('fill x_ModelRaw, x_Model (resolved through the price book) and x_TokenClass', async () => {
    const h = home();
    await ingestInto(h, [AI]);
    const rows = await q<Record<string, string | null>>(
      h,
      `SELECT x_SourceRecord rec, x_ModelRaw raw, x_Model model, x_TokenClass cls, BilledCost::VARCHAR AS cost
       FROM focus ORDER BY rec`,
    );
    expect(rows).toEqual([
      {
        rec: '2',
        raw: 'gpt-4o-2024-08-06',
        model: 'gpt-4o-2024-08-06',
        cls: 'input',
        cost: '5.000000000000000000',
      },
      {
        rec: '3',
        raw: 'gpt-4o-2024-08-06',
        model: 'gpt-4o-2024-08-06',
        cls: 'cache_read',
        cost: '1.250000000000000000',
      },
      {
        rec: '4',
        raw: 'gpt-4o-2024-08-06',
        model: 'gpt-4o-2024-08-06',
        cls: 'output',
        cost: '5.000000000000000000',
      },
      // the earlier single-property draft (TokenType) and a model alias
      {
        rec: '5',
        raw: 'gpt-4o-mini',
        model: 'gpt-4o-mini-2024-07-18',
        cls: 'output',
        cost: '0.600000000000000000',
      },
      // no model properties: not an AI row
      { rec: '6', raw: null, model: null, cls: null, cost: '0.100000000000000000' },
    ]);
  });

  it('let allocation match them by model and token class, below provider+day', async () => {
    const h = home();
    const gw = join(h, 'gateway.csv');
    writeFileSync(
      gw,
      [
        'timestamp,request_id,provider,model,input_tokens,cache_read_tokens,output_tokens,tag.team',
        '2025-04-10T08:00:00Z,r1,openai,gpt-4o-2024-08-06,1500000,1000000,100000,search',
        '2025-04-10T09:00:00Z,r2,openai,gpt-4o-2024-08-06,500000,0,400000,ads',
        '2025-04-10T10:00:00Z,r3,openai,gpt-4o-mini-2024-07-18,10,0,1000000,ads',
        '',
      ].join('\n'),
    );
    await ingestInto(h, [AI, gw]);
    await allocate({ home: h, keys: ['team'], method: 'x-token-cost-v1', period: { from: null, to: null } });
    const rows = await q<Record<string, string>>(
      h,
      `SELECT x_TokenClass cls, x_Model model, json_extract_string(AllocatedTags, '$.team') team,
         x_MatchLevel AS level, BilledCost::VARCHAR AS cost
       FROM allocated WHERE x_Model IS NOT NULL AND BilledCost <> 0 ORDER BY cls, model, team`,
    );
    // input 5.00 split 1.5M : 0.5M input tokens; output 5.00 split 100k : 400k; cache read all "search"
    expect(rows).toEqual([
      {
        cls: 'cache_read',
        model: 'gpt-4o-2024-08-06',
        team: 'search',
        level: 'model+class+day',
        cost: '1.250000000000000000',
      },
      {
        cls: 'input',
        model: 'gpt-4o-2024-08-06',
        team: 'ads',
        level: 'model+class+day',
        cost: '1.250000000000000000',
      },
      {
        cls: 'input',
        model: 'gpt-4o-2024-08-06',
        team: 'search',
        level: 'model+class+day',
        cost: '3.750000000000000000',
      },
      {
        cls: 'output',
        model: 'gpt-4o-2024-08-06',
        team: 'ads',
        level: 'model+class+day',
        cost: '4.000000000000000000',
      },
      {
        cls: 'output',
        model: 'gpt-4o-2024-08-06',
        team: 'search',
        level: 'model+class+day',
        cost: '1.000000000000000000',
      },
      {
        cls: 'output',
        model: 'gpt-4o-mini-2024-07-18',
        team: 'ads',
        level: 'model+class+day',
        cost: '0.600000000000000000',
      },
    ]);
  });
});
