// Detection and FOCUS validity of the AWS sources: each AWS fixture is detected as its own source (the generic `focus`
// source also reads AWS FOCUS exports, but scores lower), no AWS source claims another source's fixture, and every
// row the AWS sources derive passes `aicost validate`.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachViews } from '../../src/analysis/views.js';
import { validateRelation } from '../../src/focus/validate.js';
import { sniffFile } from '../../src/ingest/sniff.js';
import { detectScore, type Sniff } from '../../src/normalize/contract.js';
import { detectSource, SOURCES } from '../../src/sources/index.js';
import { lit, withDb } from '../../src/store/duckdb.js';
import { expectedFolders } from '../helpers/expected.js';
import { FIX, fixture, ingestInto, one, scratchHomes } from '../helpers/home.js';

const home = scratchHomes(afterAll);
const AWS = ['aws-cur', 'aws-cur2', 'aws-focus'];

async function sniff(path: string): Promise<Sniff> {
  const s = await sniffFile(path);
  if (s.format === 'parquet')
    s.parquetColumns = await withDb({}, async (db) =>
      (await db.describe(`SELECT * FROM read_parquet(${lit(path)})`)).map((c) => c.name),
    );
  return s;
}

describe('detection', () => {
  const OWN: [string, string][] = [
    ['aws/legacy_cur_sample.csv', 'aws-cur'],
    ['aws/legacy_cur_sample.parquet', 'aws-cur'],
    ['aws/cur2_constructed.csv', 'aws-cur2'],
    ['aws/cur2_constructed.csv.gz', 'aws-cur2'],
    ['aws/cur2_constructed.parquet', 'aws-cur2'],
    ['aws/focus12_aws_constructed.csv', 'aws-focus'],
    ['aws/focus12_aws_constructed.parquet', 'aws-focus'],
    ['aws/focus10_aws_constructed.csv', 'aws-focus'],
  ];
  for (const [file, id] of OWN)
    it(`${file} is ${id}, and no other AWS source claims it`, async () => {
      const s = await sniff(fixture(file));
      expect(detectSource(s).source?.id).toBe(id);
      const others = SOURCES.filter((x) => AWS.includes(x.id) && x.id !== id && detectScore(x, s) >= 0.5);
      expect(others.map((x) => x.id)).toEqual([]);
    });

  it('no AWS source claims any other source fixture (every expected.json data file)', async () => {
    const files = expectedFolders().flatMap(({ folder, expected }) =>
      Object.keys(expected.files).map((rel) => join(FIX, folder, rel)),
    );
    expect(files.length).toBeGreaterThan(50);
    const stolen: string[] = [];
    for (const f of files) {
      const s = await sniff(f);
      for (const x of SOURCES.filter((x) => AWS.includes(x.id)))
        if (detectScore(x, s) >= 0.5) stolen.push(`${f}: ${x.id}`);
    }
    expect(stolen).toEqual([]);
  });
});

describe('aicost validate on the rows the AWS sources derive', () => {
  let h: string;
  beforeAll(async () => {
    h = home();
    await ingestInto(
      h,
      ['aws/legacy_cur_sample.csv', 'aws/cur2_constructed.csv', 'aws/focus12_aws_constructed.csv'].map((f) =>
        fixture(f),
      ),
    );
  });

  it('no derived row breaks a MUST rule', async () => {
    const report = await withDb({}, async (db) => {
      await attachViews(db, h);
      return validateRelation(db, 'focus', { version: '1.3' });
    });
    expect(report.rows).toBe(1281 + 24 + 24);
    const failures = report.results.filter((r) => r.status === 'fail');
    expect(failures.filter((r) => r.derived > 0).map((r) => r.id)).toEqual([]);
    expect(report.totals.derivedViolations).toBe(
      report.results.filter((r) => r.status === 'warning').reduce((s, r) => s + r.derived, 0),
    );
    expect(report.exitCode).toBe(0);
  });

  it('the validated rows include commitment, capacity and token rows', async () => {
    expect(
      await one(
        h,
        `SELECT count(*) FILTER (WHERE CommitmentDiscountStatus = 'Unused')::INT unused,
           count(*) FILTER (WHERE CapacityReservationStatus = 'Unused')::INT cr_unused,
           count(*) FILTER (WHERE x_TokenClass IS NOT NULL AND x_SourceId = 'aws-cur2')::INT tokens
         FROM focus`,
      ),
    ).toEqual({ unused: 4, cr_unused: 2, tokens: 9 });
  });
});
