// validateRelation over typed tables built here: a fully correct FOCUS 1.3 dataset (usage, purchase, commitment
// Used row) passes with zero failures; a broken row fails when derived and is a source-data finding when carried over.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { focusTableDdl } from '../../src/focus/schema.js';
import {
  type RuleResult,
  type ValidationReport,
  validatePath,
  validateRelation,
} from '../../src/focus/validate.js';
import { Db, ident, lit } from '../../src/store/duckdb.js';

type Row = Record<string, string | null>;
const BASE: Row = {
  BillingAccountId: 'org-123',
  BillingAccountName: 'Acme Research',
  BillingAccountType: 'Organization',
  SubAccountId: 'proj_abc',
  SubAccountName: 'Search',
  SubAccountType: 'Project',
  BillingCurrency: 'USD',
  PricingCurrency: 'USD',
  BillingPeriodStart: '2025-04-01T00:00:00Z',
  BillingPeriodEnd: '2025-05-01T00:00:00Z',
  ChargePeriodStart: '2025-04-10T00:00:00Z',
  ChargePeriodEnd: '2025-04-11T00:00:00Z',
  HostProviderName: 'OpenAI',
  ServiceProviderName: 'OpenAI',
  InvoiceIssuerName: 'OpenAI',
  ProviderName: 'OpenAI',
  PublisherName: 'OpenAI',
  InvoiceId: 'inv-2025-04',
  ServiceCategory: 'AI and Machine Learning',
  ServiceSubcategory: 'Generative AI',
  ServiceName: 'OpenAI API',
  RegionId: 'us',
  RegionName: 'United States',
  AvailabilityZone: null,
  Tags: '{"team":"search","env":"prod"}',
  x_SourceId: 'openai-costs',
  x_SourceFile: 'costs.json',
};
const usage: Row = {
  ...BASE,
  ChargeCategory: 'Usage',
  ChargeFrequency: 'Usage-Based',
  ChargeDescription: 'gpt-4o input tokens',
  ConsumedQuantity: '1234567',
  ConsumedUnit: 'Tokens',
  PricingQuantity: '1.234567',
  PricingUnit: '1000000 Tokens',
  ListUnitPrice: '2.5',
  ContractedUnitPrice: '2.5',
  ListCost: '3.0864175',
  ContractedCost: '3.0864175',
  BilledCost: '3.0864175',
  EffectiveCost: '3.0864175',
  PricingCurrencyListUnitPrice: '2.5',
  PricingCurrencyContractedUnitPrice: '2.5',
  PricingCurrencyEffectiveCost: '3.0864175',
  PricingCategory: 'Standard',
  SkuId: 'openai:gpt-4o-2024-08-06',
  SkuPriceId: 'openai:gpt-4o-2024-08-06:input',
  SkuMeter: 'Input Tokens',
  SkuPriceDetails: '{"TokenClass":"input"}',
  ResourceId: null,
  ResourceName: null,
  ResourceType: null,
  // Contract commitment applied (1.3 JsonObjectFormat, keys spelled `…Id` per the FOCUS 1.3 errata) and split cost allocation.
  ContractApplied: JSON.stringify({
    Elements: [
      {
        ContractId: 'ctr-2025',
        ContractCommitmentId: 'ctr-2025-spend',
        ContractCommitmentAppliedCost: 3.0864175,
        ContractCommitmentAppliedQuantity: 3.0864175,
        ContractCommitmentAppliedUnit: 'USD',
      },
    ],
  }),
  AllocatedMethodId: 'tokens-by-project',
  AllocatedMethodDetails: JSON.stringify({
    Elements: [
      { AllocatedRatio: 0.25, UsageQuantity: 308641.75, UsageUnit: 'Tokens', x_Basis: 'input tokens' },
    ],
  }),
  AllocatedResourceId: 'team-search',
  AllocatedResourceName: 'Search team',
  AllocatedTags: '{"team":"search"}',
  x_RowId: 'r-usage-1',
  x_SourceRecord: '1',
  x_CostSource: 'cost-report',
  x_Model: 'gpt-4o-2024-08-06',
  x_TokenClass: 'input',
};
const purchase: Row = {
  ...BASE,
  ChargeCategory: 'Purchase',
  ChargeFrequency: 'One-Time',
  ChargeDescription: 'GPU reservation, 1 month',
  PricingQuantity: '1',
  PricingUnit: 'Commitments',
  ListUnitPrice: '720',
  ContractedUnitPrice: '720',
  ListCost: '720',
  ContractedCost: '720',
  BilledCost: '720',
  EffectiveCost: '0',
  PricingCurrencyListUnitPrice: '720',
  PricingCurrencyContractedUnitPrice: '720',
  PricingCurrencyEffectiveCost: '0',
  PricingCategory: 'Committed',
  SkuId: 'gpu:h100-reserved',
  SkuPriceId: 'gpu:h100-reserved:1mo',
  SkuMeter: 'Reservation',
  SkuPriceDetails: '{"Term":"1 month"}',
  CommitmentDiscountId: 'cd-h100-1',
  CommitmentDiscountName: 'H100 reservation',
  CommitmentDiscountCategory: 'Usage',
  CommitmentDiscountType: 'Reserved Instance',
  CommitmentDiscountQuantity: '720',
  CommitmentDiscountUnit: 'Hours',
  ResourceId: 'cd-h100-1',
  ResourceName: 'H100 reservation',
  ResourceType: 'Commitment',
  x_RowId: 'r-purchase-1',
  x_SourceRecord: '2',
  x_CostSource: 'purchase',
};
const used: Row = {
  ...BASE,
  ChargeCategory: 'Usage',
  ChargeFrequency: 'Usage-Based',
  ChargeDescription: 'H100 hours covered by reservation',
  ConsumedQuantity: '24',
  ConsumedUnit: 'Hours',
  PricingQuantity: '24',
  PricingUnit: 'Hours',
  ListUnitPrice: '1.5',
  ContractedUnitPrice: '1',
  ListCost: '36',
  ContractedCost: '24',
  BilledCost: '0',
  EffectiveCost: '24',
  PricingCurrencyListUnitPrice: '1.5',
  PricingCurrencyContractedUnitPrice: '1',
  PricingCurrencyEffectiveCost: '24',
  PricingCategory: 'Committed',
  SkuId: 'gpu:h100',
  SkuPriceId: 'gpu:h100:ondemand',
  SkuMeter: 'GPU Hours',
  SkuPriceDetails: '{"GpuModel":"H100"}',
  CommitmentDiscountId: 'cd-h100-1',
  CommitmentDiscountName: 'H100 reservation',
  CommitmentDiscountCategory: 'Usage',
  CommitmentDiscountType: 'Reserved Instance',
  CommitmentDiscountStatus: 'Used',
  CommitmentDiscountQuantity: '24',
  CommitmentDiscountUnit: 'Hours',
  ResourceId: 'gpu-node-1',
  ResourceName: 'gpu-node-1',
  ResourceType: 'Virtual Machine',
  x_RowId: 'r-used-1',
  x_SourceRecord: '3',
  x_CostSource: 'cloud-export',
};

async function createFocusTable(db: Db, name: string, rows: Row[]): Promise<void> {
  await db.run(focusTableDdl(name));
  for (const r of rows) {
    const cols = Object.keys(r);
    const values = cols.map((c) => (r[c] === null ? 'NULL' : lit(r[c] as string)));
    await db.run(`INSERT INTO ${ident(name)} (${cols.map(ident).join(', ')}) VALUES (${values.join(', ')})`);
  }
}

const findings = (rep: ValidationReport): RuleResult[] =>
  rep.results.filter((r) => r.status === 'fail' || r.status === 'warning');
const result = (rep: ValidationReport, id: string): RuleResult => {
  const r = rep.results.find((x) => x.id === id);
  if (!r) throw new Error(`rule ${id} not in report`);
  return r;
};

let db: Db;
beforeAll(async () => {
  db = await Db.open();
});
afterAll(() => db.close());

describe('a fully correct FOCUS 1.3 dataset', () => {
  let rep: ValidationReport;
  beforeAll(async () => {
    await createFocusTable(db, 'good', [usage, purchase, used]);
    rep = await validateRelation(db, 'good', { version: '1.3' });
  });

  it('passes with zero failures and zero warnings, exit 0', () => {
    expect(findings(rep)).toEqual([]);
    expect(rep.exitCode).toBe(0);
    expect(rep.rows).toBe(3);
    expect(rep.costSource).toBe(true);
    expect(rep.totals.pass).toBeGreaterThan(300);
  });

  it('accepts CommitmentDiscountStatus "Used" through the documented override', () => {
    const r = result(rep, 'CAU-CommitmentDiscountStatus-C-005-M');
    expect(r.status).toBe('pass');
    expect(r.overridden).toMatch(/FOCUS errata .*Used/);
  });

  it('checks the product rules with the stated tolerance', () => {
    for (const id of ['CAU-ListCost-C-011-C', 'CAU-ContractedCost-C-011-C']) {
      const r = result(rep, id);
      expect(r.status).toBe('pass');
      expect(r.checkFunction).toBe('ColumnByColumnEqualsColumnValue');
      expect(r.overridden).toMatch(/tolerance/);
    }
  });

  it('skips dynamic rules with a reason instead of passing them', () => {
    const r = result(rep, 'CAU-BilledCost-C-007-M');
    expect(r.status).toBe('skipped');
    expect(r.reason).toMatch(/dynamic/);
    expect(rep.results.filter((x) => x.status === 'skipped').every((x) => x.reason)).toBe(true);
  });

  it('reads the same data back from Parquet with its own types', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aicost-validate-'));
    try {
      const file = join(dir, 'good.parquet');
      await db.run(`COPY good TO ${lit(file)} (FORMAT parquet)`);
      const fromFile = await validatePath(db, file, { version: '1.3' });
      expect(findings(fromFile)).toEqual([]);
      expect(fromFile.text).toBe(false);
      expect(fromFile.exitCode).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('carried-over vs derived findings', () => {
  // ListCost off the product (ListUnitPrice x PricingQuantity), on otherwise correct data.
  const bad: Row = { ...usage, ListCost: '4', x_RowId: 'r-bad-1', x_SourceRecord: '7' };
  let derived: ValidationReport;
  let carried: ValidationReport;
  beforeAll(async () => {
    await createFocusTable(db, 'derived_bad', [
      usage,
      purchase,
      used,
      { ...bad, x_CostSource: 'cost-report' },
    ]);
    await createFocusTable(db, 'carried_bad', [usage, purchase, used, { ...bad, x_CostSource: 'focus' }]);
    derived = await validateRelation(db, 'derived_bad', { version: '1.3' });
    carried = await validateRelation(db, 'carried_bad', { version: '1.3' });
  });

  it('derived rows breaking a MUST rule give exit 1, with the sample row lineage', () => {
    expect(findings(derived).map((r) => r.id)).toEqual(['CAU-ListCost-C-011-C', 'CAU-ListUnitPrice-C-014-C']);
    const r = result(derived, 'CAU-ListCost-C-011-C');
    expect(r).toMatchObject({ status: 'fail', violations: 1, derived: 1, carried: 0 });
    expect(r.samples[0]).toMatchObject({
      x_RowId: 'r-bad-1',
      x_SourceFile: 'costs.json',
      x_SourceRecord: '7',
    });
    expect(r.samples[0]?.values).toMatchObject({ ListCost: '4.000000000000000000' });
    expect(derived.exitCode).toBe(1);
  });

  it('carried-over rows (x_CostSource = focus) are source-data findings: exit 0', () => {
    const r = result(carried, 'CAU-ListCost-C-011-C');
    expect(r).toMatchObject({ status: 'fail', violations: 1, derived: 0, carried: 1 });
    expect(carried.totals).toMatchObject({ derivedViolations: 0, carriedViolations: 2 });
    expect(carried.exitCode).toBe(0);
    // --strict (every finding counts) is exercised through the command in validate-command.test.ts.
  });
});

describe('JSON object columns (ContractApplied, AllocatedMethodDetails)', () => {
  it('checks keys, types and the x_ prefix of elements; the ContractCommitmentID spelling is not accepted', async () => {
    const contract = {
      ContractId: 'ctr-2025',
      ContractCommitmentID: 'ctr-2025-spend',
      ContractCommitmentAppliedCost: 3.0864175,
      ContractCommitmentAppliedQuantity: 3.0864175,
      ContractCommitmentAppliedUnit: 'USD',
    };
    const allocation = { AllocatedRatio: '0.25', Basis: 'input tokens' };
    await createFocusTable(db, 'json_bad', [
      usage,
      {
        ...usage,
        x_RowId: 'r-json-bad',
        ContractApplied: JSON.stringify({ Elements: [contract] }),
        AllocatedMethodDetails: JSON.stringify({ Elements: [allocation] }),
      },
    ]);
    const rep = await validateRelation(db, 'json_bad', { version: '1.3' });
    const ids = findings(rep).map((r) => r.id);
    expect(ids).toContain('CAU-ContractAppliedObject-O-029-C'); // ContractCommitmentId must be present
    expect(ids).toContain('CAU-ContractAppliedObject-O-010-M'); // "ContractCommitmentID" is then a custom key
    expect(ids).toContain('CAU-AllocatedMethodDetailsObject-O-013-M'); // AllocatedRatio must be a number
    expect(ids).toContain('CAU-AllocatedMethodDetailsObject-O-009-C'); // custom key without x_
    expect(findings(rep).every((r) => r.samples.every((s) => s.x_RowId === 'r-json-bad'))).toBe(true);
  });
});

describe('tolerance of ListCost = ListUnitPrice x PricingQuantity', () => {
  it('admits rounding below 1e-10, rejects 1e-8, and large values do not overflow DECIMAL(38,18)', async () => {
    // Only the product columns: presence findings are irrelevant here, the product rules are what is read.
    await db.run(
      `CREATE TABLE tolerance (x_RowId VARCHAR, ListUnitPrice DECIMAL(38,18), PricingQuantity DECIMAL(38,18),
         ListCost DECIMAL(38,18), ContractedUnitPrice DECIMAL(38,18), ContractedCost DECIMAL(38,18))`,
    );
    await db.run(`INSERT INTO tolerance VALUES
      ('exact', 2.5, 1.234567, 3.0864175, 2.5, 3.0864175),
      ('tiny', 2.5, 1.234567, 3.08641750004, 2.5, 3.0864175),
      ('off', 2.5, 1.234567, 3.08641751, 2.5, 3.0864175),
      ('big', 250.25, 123456789.5, 30895061572.375, 250.25, 30895061572.375)`);
    const rep = await validateRelation(db, 'tolerance', { version: '1.3' });
    const r = result(rep, 'CAU-ListCost-C-011-C');
    expect(r).toMatchObject({ status: 'fail', violations: 1 });
    expect(r.samples.map((s) => s.x_RowId)).toEqual(['off']);
    expect(result(rep, 'CAU-ContractedCost-C-011-C')).toMatchObject({ status: 'pass', violations: 0 });
  });
});

describe('FOCUS 1.2 rules', () => {
  it('apply the same CommitmentDiscountStatus override; 1.3-only columns are unprefixed custom columns in 1.2', async () => {
    const rep = await validateRelation(db, 'good', { version: '1.2' });
    expect(result(rep, 'CommitmentDiscountStatus-C-005-M').status).toBe('pass');
    expect(findings(rep).map((r) => r.id)).toEqual(['ColumnHandling-A-010-M']);
    expect(result(rep, 'ColumnHandling-A-010-M').reason).toMatch(/HostProviderName/);
  });
});
