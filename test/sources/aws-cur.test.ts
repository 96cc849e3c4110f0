// aws-cur on the real legacy CUR sample (fixtures/aws/ORIGIN.md): it reconciles exactly (Σ BilledCost = Σ
// lineItem/UnblendedCost, hand-summed from the file), as a plain file and as a legacy delivery folder; legacy
// variants (resource tag columns, a payer id with leading zeros) and a bad value are handled.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { fixture, ingestInto, one, q, scratchHomes } from '../helpers/home.js';

const home = scratchHomes(afterAll);
const SAMPLE = fixture('aws/legacy_cur_sample.csv');

// Σ lineItem/UnblendedCost of the 1,281 rows (Python decimal over the file's text): 1.68230869740;
// its 12 Tax rows 0.08, its 1,269 Usage rows 1.6023086974
const TOTAL = '1.682308697400000000';

describe('the real legacy CUR sample', () => {
  let h: string;
  beforeAll(async () => {
    h = home();
    const r = await ingestInto(h, [SAMPLE]);
    expect(r.files.map((f) => [f.sourceId, f.status, f.rowsIn, f.rowsOut, f.rejected])).toEqual([
      ['aws-cur', 'ingested', 1281, 1281, 0],
    ]);
    expect(r.files[0]!.reconciliation[0]).toMatchObject({ source: TOTAL, stored: TOTAL });
  });

  it('reconciles exactly: Σ BilledCost = Σ lineItem/UnblendedCost, per charge category too', async () => {
    expect(
      await q(
        h,
        `SELECT ChargeCategory cat, count(*)::INT n, sum(BilledCost)::VARCHAR billed, sum(EffectiveCost)::VARCHAR eff
         FROM focus GROUP BY 1 ORDER BY 1`,
      ),
    ).toEqual([
      { cat: 'Tax', n: 12, billed: '0.080000000000000000', eff: '0.080000000000000000' },
      { cat: 'Usage', n: 1269, billed: '1.602308697400000000', eff: '1.602308697400000000' },
    ]);
    expect(await one(h, 'SELECT sum(BilledCost)::VARCHAR b FROM focus')).toEqual({ b: TOTAL });
  });

  it('keeps the payer and usage account as strings, the services and the billing period', async () => {
    expect(
      await one(
        h,
        `SELECT min(BillingAccountId) a, count(DISTINCT BillingAccountId)::INT accounts, min(SubAccountId) s,
           min(BillingPeriodStart)::VARCHAR p, min(InvoiceIssuerName) issuer, count(DISTINCT ServiceName)::INT services
         FROM focus`,
      ),
    ).toEqual({
      a: '123412340534',
      accounts: 1,
      s: '123412340534',
      p: '2023-11-01 00:00:00+00',
      issuer: 'Amazon Web Services Canada, Inc.',
      services: 14,
    });
    // AmazonS3 1.44056535650 of it (hand-summed)
    expect(
      await one(
        h,
        `SELECT sum(BilledCost)::VARCHAR b, min(ServiceCategory) c FROM focus WHERE ServiceName = 'Amazon Simple Storage Service'`,
      ),
    ).toEqual({ b: '1.440565356500000000', c: 'Storage' });
  });

  it('as its Athena Parquet (snake_case names, doubles and timestamps) it stores the same rows and totals', async () => {
    const p = home();
    const r = await ingestInto(p, [fixture('aws/legacy_cur_sample.parquet')]);
    expect(r.files.map((f) => [f.sourceId, f.rowsIn])).toEqual([['aws-cur', 1281]]);
    const sums = `SELECT count(*)::INT n, sum(BilledCost)::VARCHAR b, sum(EffectiveCost)::VARCHAR e,
      sum(ListCost)::VARCHAR l, sum(ContractedCost)::VARCHAR c, min(ChargePeriodStart)::VARCHAR t FROM focus`;
    const fromParquet = await one(p, sums);
    expect(fromParquet).toMatchObject({ n: 1281, b: TOTAL, t: '2023-11-01 00:00:00+00' });
    expect(fromParquet).toEqual(await one(h, sums));
  });

  it('as a legacy delivery folder (manifest + two gzip parts) it is one input with the same totals', async () => {
    const d = home();
    const r = await ingestInto(d, [fixture('aws/legacy-delivery')]);
    expect(r.files.map((f) => [f.sourceId, f.rowsIn])).toEqual([['aws-cur', 1281]]);
    expect(r.files[0]!.path).toMatch(/cur-report-Manifest\.json$/);
    expect(await one(d, 'SELECT sum(BilledCost)::VARCHAR b FROM focus')).toEqual({ b: TOTAL });
  });
});

describe('legacy variants and bad input', () => {
  const [header, ...lines] = readFileSync(SAMPLE, 'utf8').trimEnd().split('\n');

  it('cost category and resource tag columns become Tags; a payer id with leading zeros stays as written', async () => {
    const h = home();
    const path = join(h, 'tagged.csv');
    // the first three rows (Tax 0.0 each) with two tag columns and a payer id that starts with zeros
    const rows = lines.slice(0, 3).map((l, i) => {
      const zeros = l.replace('Anniversary,123412340534,', 'Anniversary,000012340534,');
      return `${zeros},${i === 0 ? 'ml' : ''},${i < 2 ? 'chat' : ''},${i === 1 ? 'research' : ''},${i === 0 ? 'other' : ''}`;
    });
    // the last column shares its key with a resource tag, which wins
    const tagHeader =
      'resourceTags/user:team,resourceTags/user:app,costCategory/business_unit,costCategory/user:team';
    writeFileSync(path, `${header},${tagHeader}\n${rows.join('\n')}\n`);
    const r = await ingestInto(h, [path]);
    expect(r.files[0]!.sourceId).toBe('aws-cur');
    expect(
      await q(h, `SELECT BillingAccountId a, Tags::VARCHAR t FROM focus ORDER BY x_SourceRecord::INT`),
    ).toEqual([
      { a: '000012340534', t: '{"user:team":"ml","user:app":"chat"}' },
      { a: '000012340534', t: '{"business_unit":"research","user:app":"chat"}' },
      { a: '000012340534', t: null },
    ]);
  });

  it('a cost that is not a number is an input error naming the line and column; nothing is stored', async () => {
    const h = home();
    const path = join(h, 'bad.csv');
    // lineItem/CurrencyCode, lineItem/UnblendedRate, lineItem/UnblendedCost
    const bad = lines[4]!.replace(/,USD,([^,]*),([^,]*),/, ',USD,$1,twelve,');
    writeFileSync(path, `${header}\n${lines.slice(0, 4).join('\n')}\n${bad}\n`);
    const err = await ingestInto(h, [path]).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).describe()).toMatch(
      /bad\.csv, line 6, column lineItem\/UnblendedCost: not a number/,
    );
    expect(await one(h, 'SELECT count(*)::INT n FROM focus')).toEqual({ n: 0 });
  });
});
