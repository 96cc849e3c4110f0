// `aicost validate PATH` beyond one file (issue 8 item 4): the data home's own focus/ folder (hive-partitioned
// Parquet) passes on what aicost derived and agrees rule by rule with `--view focus`; a provider's export folder mixing
// gzip CSV, plain CSV and Parquet is one dataset whose findings name file and record; --view accepts only FOCUS views;
// --applicability (flag and config key) declares criteria; the ContractApplied decimal rules apply where the key is.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validate } from '../../src/analysis/validate.js';
import { InputError } from '../../src/errors.js';
import { type ValidationReport, validateRelation } from '../../src/focus/validate.js';
import { Db, lit, withDb } from '../../src/store/duckdb.js';
import { readManifest } from '../../src/store/manifest.js';
import { runCli } from '../helpers/cli.js';
import { fixture, ingestInto, tmpHome } from '../helpers/home.js';

const { home, cleanup } = tmpHome();
afterAll(cleanup);

const findings = (rep: ValidationReport) =>
  Object.fromEntries(
    rep.results
      .filter((r) => r.status === 'fail' || r.status === 'warning')
      .map((r) => [r.id, r.samples.map((s) => [s.file?.replace(/^.*\//, ''), s.record])]),
  );
const status = (rep: ValidationReport, id: string) => rep.results.find((r) => r.id === id)?.status;

describe("the data home's own focus/ folder", () => {
  let folder: ValidationReport;
  beforeAll(async () => {
    await ingestInto(
      home,
      [
        ...['openai', 'anthropic', 'focus', 'commitments'].map((d) => fixture(d)),
        fixture('focus-input', 'ai_skupricedetails_1_3.csv'),
      ],
      { account: 'org-1' },
    );
    folder = await validate({ path: join(home, 'focus') });
  });

  it('reads every committed file, hive partitions included, and passes on what aicost derived', () => {
    const stored = readManifest(home).files.filter((f) => f.dataset === 'focus');
    expect(folder.files).toHaveLength(stored.length);
    expect(folder.files?.every((f) => /x_BillingPeriod=\d{4}-\d{2}\/x_SourceId=/.test(f))).toBe(true);
    expect(folder.costSource).toBe(true);
    expect(folder.results.filter((r) => r.status === 'fail' && r.derived > 0).map((r) => r.id)).toEqual([]);
    expect(folder.totals.derivedViolations).toBe(0);
    expect(folder.totals.carriedViolations).toBeGreaterThan(0); // the FOCUS 1.0 sample, carried over
    expect(folder.exitCode).toBe(0);
    // no partition folder became a column
    expect(folder.results.find((r) => r.id === 'ColumnHandling-A-010-M')?.status).toBe('pass');
  });

  it('agrees rule by rule with --view focus', async () => {
    const view = await validate({ view: 'focus', home });
    expect(folder.rows).toBe(view.rows);
    const verdicts = (rep: ValidationReport) =>
      Object.fromEntries(rep.results.map((r) => [r.id, [r.status, r.violations, r.carried]]));
    expect(verdicts(folder)).toEqual(verdicts(view));
  });
});

describe("a provider's export folder", () => {
  const broken = readFileSync(fixture('focus-broken', 'broken_1_3.csv'), 'utf8').trimEnd().split('\n');
  const [header, ...rows] = broken as [string, ...string[]];
  const exp = join(home, 'export');
  const april = join(exp, 'BILLING_PERIOD=2025-04');
  const may = join(exp, 'BILLING_PERIOD=2025-05');
  // lines 2-4 of broken_1_3.csv are the good rows, 5-10 one defect each (fixtures/focus-broken/ORIGIN.md)
  const defects = {
    'CAU-ChargeCategory-C-003-M': [['broken.csv', 2]],
    'CAU-ConsumedQuantity-C-004-C': [['broken.csv', 2]],
    'CAU-BilledCost-C-003-M': [['broken.csv', 3]],
    'CAU-ListUnitPrice-C-008-M': [['broken.csv', 4]],
    'CAU-ListCost-C-011-C': [['broken.csv', 5]],
    'CAU-ListUnitPrice-C-014-C': [['broken.csv', 5]],
    'CAU-BillingCurrency-C-003-M': [['broken.csv', 6]],
    'CAU-BillingCurrency-C-006-M': [['broken.csv', 6]],
    'CAU-Tags-C-001-M': [['broken.csv', 7]],
  };
  beforeAll(() => {
    mkdirSync(april, { recursive: true });
    mkdirSync(may, { recursive: true });
    writeFileSync(join(april, 'good.csv.gz'), gzipSync(`${[header, ...rows.slice(0, 3)].join('\n')}\n`));
    writeFileSync(join(may, 'broken.csv'), `${[header, ...rows.slice(3)].join('\n')}\n`);
    writeFileSync(join(exp, 'manifest.json'), '{"files": 2}');
    writeFileSync(join(exp, '_SUCCESS'), '');
    writeFileSync(join(exp, 'README.md'), '# export\n');
  });

  it('is one dataset: compressed and plain CSV together, findings by file and line', async () => {
    const rep = await validate({ path: exp });
    expect(rep.rows).toBe(9);
    expect(rep.files?.map((f) => f.replace(/^.*\//, ''))).toEqual(['good.csv.gz', 'broken.csv']);
    expect(rep.skippedFiles?.map((f) => [f.path.replace(/^.*\//, ''), f.reason])).toEqual([
      ['manifest.json', 'not a .csv, .csv.gz, .csv.zst or Parquet file'],
      ['README.md', 'not a data file'],
    ]);
    expect(findings(rep)).toEqual(defects);
    expect(rep.exitCode).toBe(1);
  });

  it('the CLI names the file and line of each sample and exits 1', async () => {
    const r = await runCli(['validate', exp]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\(2 files; 2 skipped: .*manifest\.json \(not a \.csv/);
    expect(r.stdout).toMatch(/CAU-Tags-C-001-M .* \S*BILLING_PERIOD=2025-05\/broken\.csv:7/);
  });

  it('mixes Parquet and CSV: the Parquet rows are checked in their FOCUS text form and add no finding', async () => {
    const parquet = join(april, 'good.parquet');
    await withDb({}, (db) =>
      db.run(
        `COPY (SELECT * FROM read_csv(${lit(join(april, 'good.csv.gz'))}, header = true, hive_partitioning = false))
         TO ${lit(parquet)} (FORMAT parquet)`,
      ),
    );
    const rep = await validate({ path: exp });
    expect(rep.rows).toBe(12);
    expect(rep.text).toBe(true);
    expect(findings(rep)).toEqual(defects);
    expect(status(rep, 'CAU-ChargePeriodStart-C-002-M')).toBe('pass'); // Parquet times written ...T...Z
  });

  it('a .csv.zst file validates like the plain file', async () => {
    const zst = join(home, 'broken.csv.zst');
    await withDb({}, (db) =>
      db.run(
        `COPY (SELECT * FROM read_csv(${lit(fixture('focus-broken', 'broken_1_3.csv'))}, header = true, all_varchar = true))
         TO ${lit(zst)} (FORMAT csv, HEADER, COMPRESSION zstd)`,
      ),
    );
    const plain = await validate({ path: fixture('focus-broken', 'broken_1_3.csv') });
    const rep = await validate({ path: zst });
    expect(Object.keys(findings(rep))).toEqual(Object.keys(findings(plain)));
    expect(rep.rows).toBe(9);
  });
});

describe('--view and --applicability', () => {
  it('--view accepts only FOCUS views, before anything is opened', async () => {
    for (const view of ['usage_attributed', 'usage', 'nope']) {
      const err = await validate({ view, home }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).message).toBe(
        `--view ${view}: not a FOCUS view; the FOCUS views are focus, allocated, attributed, commitments`,
      );
    }
  });

  it('declares criteria, so an absent conditional column is reported missing', async () => {
    // a minimal export: no price columns, no SKU columns, no AvailabilityZone (nothing declares their criteria)
    const path = join(home, 'minimal.csv');
    await withDb({}, (db) =>
      db.run(
        `COPY (SELECT BilledCost, BillingCurrency, ChargeCategory, ChargePeriodStart, ChargePeriodEnd, ServiceName
           FROM read_csv(${lit(fixture('focus-broken', 'broken_1_3.csv'))}, all_varchar = true))
         TO ${lit(path)} (FORMAT csv, HEADER)`,
      ),
    );
    const none = await validate({ path });
    expect(status(none, 'CAU-CostAndUsage-D-004-C')).toBe('skipped');
    const one = await validate({ path, applicability: ['PUBLIC_PRICE_LIST_SUPPORTED'] });
    expect(one.results.find((r) => r.id === 'CAU-CostAndUsage-D-004-C')).toMatchObject({
      status: 'fail',
      reason: 'ListUnitPrice is missing',
    });
    expect(status(one, 'CAU-CostAndUsage-D-003-C')).toBe('skipped'); // AvailabilityZone: not declared
    const all = await validate({ path, applicability: 'ALL' });
    expect(status(all, 'CAU-CostAndUsage-D-003-C')).toBe('warning'); // RECOMMENDED
    expect(status(all, 'CAU-CostAndUsage-D-004-C')).toBe('fail');
    expect(one.applicability).toContain('PUBLIC_PRICE_LIST_SUPPORTED');

    const cfg = join(home, 'aicost.config.yaml');
    writeFileSync(cfg, 'validate:\n  applicability: [PUBLIC_PRICE_LIST_SUPPORTED]\n');
    const viaConfig = await runCli(['--config', cfg, 'validate', path, '--format', 'json']);
    const report = JSON.parse(viaConfig.stdout) as ValidationReport;
    expect(report.results.find((r) => r.id === 'CAU-CostAndUsage-D-004-C')?.status).toBe('fail');
    const unknown = await runCli(['validate', path, '--applicability', 'PUBLIC_PRICES', '--json']);
    expect(unknown.code).toBe(2);
    expect(JSON.parse(unknown.stderr)).toMatchObject({
      error: '--applicability: "PUBLIC_PRICES" is not an applicability criterion of FOCUS 1.3',
      hint: expect.stringContaining('PUBLIC_PRICE_LIST_SUPPORTED'),
    });
  });

  it('--help lists the criteria from the rule data', async () => {
    const r = await runCli(['validate', '--help']);
    for (const c of [
      'PUBLIC_PRICE_LIST_SUPPORTED',
      'CONTRACT_COMMITMENTS_SUPPORTED',
      'VIRTUAL_CURRENCY_SUPPORTED',
    ])
      expect(r.stdout).toContain(c);
  });
});

describe('ContractApplied decimal values apply where the key has a value', () => {
  it('a spend commitment without an applied quantity passes; a text quantity fails', async () => {
    const el = (extra: Record<string, unknown>) =>
      JSON.stringify({
        Elements: [
          {
            ContractId: 'c-1',
            ContractCommitmentId: 'c-1-spend',
            ContractCommitmentAppliedCost: 5,
            ...extra,
          },
        ],
      });
    const db = await Db.open();
    try {
      await db.run('CREATE TABLE applied (x_RowId VARCHAR, ContractApplied VARCHAR)');
      await db.run(`INSERT INTO applied VALUES
        ('spend', ${lit(el({}))}),
        ('null-qty', ${lit(el({ ContractCommitmentAppliedQuantity: null }))}),
        ('usage', ${lit(el({ ContractCommitmentAppliedQuantity: 12.5, ContractCommitmentAppliedUnit: 'Hours' }))}),
        ('text-qty', ${lit(el({ ContractCommitmentAppliedQuantity: 'lots' }))})`);
      const rep = await validateRelation(db, 'applied', { version: '1.3' });
      const r = rep.results.find((x) => x.id === 'CAU-ContractAppliedObject-O-057-M');
      expect(r).toMatchObject({ status: 'fail', violations: 1 });
      expect(r?.samples.map((s) => s.x_RowId)).toEqual(['text-qty']);
      expect(r?.overridden).toMatch(/legitimately omits/);
      expect(status(rep, 'CAU-ContractAppliedObject-O-048-M')).toBe('pass');
    } finally {
      db.close();
    }
  });
});
