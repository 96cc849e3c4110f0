// validatePath over files: the broken FOCUS 1.3 CSV fixture (one defect per line), the official FOCUS 1.0 sample
// trimmed and validated as 1.3, and the inputs that cannot be read as a dataset (exit 2).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { type RuleResult, type ValidationReport, validatePath } from '../../src/focus/validate.js';
import { Db } from '../../src/store/duckdb.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'focus-broken');
const fixture = (name: string) => join(FIXTURES, name);

const findings = (rep: ValidationReport): RuleResult[] =>
  rep.results.filter((r) => r.status === 'fail' || r.status === 'warning');
const result = (rep: ValidationReport, id: string): RuleResult => {
  const r = rep.results.find((x) => x.id === id);
  if (!r) throw new Error(`rule ${id} not in report`);
  return r;
};
const records = (r: RuleResult) => r.samples.map((s) => s.record);

let db: Db;
let tmp: string;
beforeAll(async () => {
  db = await Db.open();
  tmp = mkdtempSync(join(tmpdir(), 'aicost-validate-path-'));
});
afterAll(() => {
  db.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('fixtures/focus-broken/broken_1_3.csv', () => {
  let rep: ValidationReport;
  beforeAll(async () => {
    rep = await validatePath(db, fixture('broken_1_3.csv'), { version: '1.3' });
  });

  it('reports exactly the broken lines, by rule id and CSV line', () => {
    const got = Object.fromEntries(findings(rep).map((r) => [r.id, records(r)]));
    expect(got).toEqual({
      'CAU-ChargeCategory-C-003-M': [5], // "Refund" is not an allowed value
      'CAU-ConsumedQuantity-C-004-C': [5], // ... so the row is not Usage, and ConsumedQuantity must be null
      'CAU-BilledCost-C-003-M': [6], // BilledCost null
      'CAU-ListUnitPrice-C-008-M': [7], // negative ListUnitPrice
      'CAU-ListCost-C-011-C': [8], // ListCost != ListUnitPrice x PricingQuantity
      'CAU-ListUnitPrice-C-014-C': [8], // the same product rule, listed under ListUnitPrice
      'CAU-BillingCurrency-C-003-M': [9], // "USX" is not ISO 4217 (CurrencyFormat)
      'CAU-BillingCurrency-C-006-M': [9], // ... nor a national currency
      'CAU-Tags-C-001-M': [10], // Tags is not valid JSON (KeyValueFormat)
    });
    expect(findings(rep).every((r) => r.status === 'fail' && r.derived === 1 && r.carried === 0)).toBe(true);
  });

  it('reads the CSV as text and keeps the offending values in the samples', () => {
    expect(rep).toMatchObject({ text: true, costSource: false, rows: 9, exitCode: 1 });
    expect(result(rep, 'CAU-ChargeCategory-C-003-M').samples[0]?.values).toEqual({
      ChargeCategory: 'Refund',
    });
    expect(result(rep, 'CAU-Tags-C-001-M').samples[0]?.values).toEqual({ Tags: '{"team": search}' });
    expect(result(rep, 'CAU-ListCost-C-011-C').samples[0]?.values).toEqual({
      ListUnitPrice: '2.5',
      PricingQuantity: '1.234567',
      ListCost: '4',
    });
  });

  it('judges text types by castability: the good lines pass the type and format rules', () => {
    for (const id of ['CAU-BilledCost-C-001-M', 'CAU-BilledCost-C-002-M', 'CAU-ChargePeriodStart-C-001-M']) {
      expect(result(rep, id).status).toBe('pass');
    }
    expect(result(rep, 'CAU-ChargePeriodStart-C-002-M').status).toBe('pass');
  });
});

describe('the official FOCUS 1.0 sample, trimmed, validated as 1.3', () => {
  let rep: ValidationReport;
  beforeAll(async () => {
    rep = await validatePath(db, fixture('focus10_sample_trimmed.csv'), { version: '1.3' });
  });

  it('reports the missing 1.3 columns', () => {
    for (const id of ['CAU-CostAndUsage-D-075-M', 'CAU-CostAndUsage-D-076-M']) {
      expect(result(rep, id)).toMatchObject({ status: 'fail', scope: 'dataset' });
    }
    expect(result(rep, 'CAU-CostAndUsage-D-075-M').reason).toMatch(/HostProviderName/);
    expect(result(rep, 'CAU-CostAndUsage-D-042-O')).toMatchObject({ status: 'warning' }); // ServiceSubcategory
  });

  it('reports the ListCost product rule on the Microsoft rows', () => {
    const r = result(rep, 'CAU-ListCost-C-011-C');
    expect(r).toMatchObject({ status: 'fail', violations: 4, derived: 4, carried: 0 });
    expect(records(r)).toEqual([16, 19, 20]);
  });

  it('reports the non-ISO timestamps and the unprefixed Id column; an unquoted NULL is the null marker', () => {
    expect(result(rep, 'CAU-ChargePeriodStart-C-002-M')).toMatchObject({ status: 'fail', violations: 20 });
    expect(result(rep, 'CAU-ChargePeriodStart-C-002-M').samples[0]?.values).toEqual({
      ChargePeriodStart: '2024-09-18 22:00:00',
    });
    expect(result(rep, 'CAU-ChargePeriodStart-C-001-M').status).toBe('pass'); // castable, so the type is right
    // The sample writes null as an unquoted NULL (quoted values are strings): the CSV's null, not a placeholder.
    // Only the Oracle rows' quoted empty strings "" are placeholders.
    const nulls = result(rep, 'NullHandling-A-002-M');
    expect(nulls).toMatchObject({ status: 'fail', violations: 3 });
    expect(records(nulls)).toEqual([15, 17, 18]);
    expect(nulls.samples[0]?.values?.columns).toContain('BillingAccountName');
    expect(nulls.samples[0]?.values?.columns).not.toContain('AvailabilityZone');
    expect(result(rep, 'ColumnHandling-A-010-M')).toMatchObject({
      status: 'fail',
      reason: expect.stringMatching(/\bId\b/),
    });
    expect(rep.exitCode).toBe(1);
  });

  it('reads literal NULL strings as NULL for every other rule', () => {
    // ChargeClass is the text NULL on every line: kept as text, it would break "ChargeClass must be Correction".
    expect(result(rep, 'CAU-BilledCost-C-003-M').status).toBe('pass');
    expect(result(rep, 'CAU-ChargeClass-C-005-C').status).toBe('pass');
  });
});

describe('inputs that are not a dataset (exit 2)', () => {
  const expectInputError = async (path: string, message: RegExp) => {
    const err = await validatePath(db, path, { version: '1.3' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).exitCode).toBe(2);
    expect((err as InputError).message).toMatch(message);
  };

  it('a missing file', () => expectInputError(join(tmp, 'nope.csv'), /not found/));

  it('an empty file', () => {
    writeFileSync(join(tmp, 'empty.csv'), '');
    return expectInputError(join(tmp, 'empty.csv'), /empty/);
  });

  it('a folder with no CSV or Parquet file', () => {
    const dir = join(tmp, 'notes');
    mkdirSync(dir);
    writeFileSync(join(dir, 'README.md'), '# not data\n');
    return expectInputError(dir, /no CSV or Parquet files in the folder/);
  });

  it('a Parquet file with unreadable bytes', () => {
    writeFileSync(join(tmp, 'bad.parquet'), Buffer.from('PAR1 this is not parquet at all'));
    return expectInputError(join(tmp, 'bad.parquet'), /cannot be read as Parquet/);
  });

  it('binary bytes that are not text', () => {
    writeFileSync(
      join(tmp, 'junk.csv'),
      Buffer.from([0xff, 0xfe, 0x00, 0x81, 0xc3, 0x28, 0x0a, 0xa0, 0xa1, 0x0a]),
    );
    return expectInputError(join(tmp, 'junk.csv'), /cannot be read as CSV|not a FOCUS dataset/);
  });

  it('a CSV with no FOCUS column', () => {
    writeFileSync(join(tmp, 'other.csv'), 'a,b\n1,2\n');
    return expectInputError(join(tmp, 'other.csv'), /not a FOCUS dataset/);
  });
});
