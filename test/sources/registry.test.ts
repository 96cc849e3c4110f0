// The registry's invariants: every definition holds to the source contract, every fixture file is detected as its
// own source and by no other, and a misspelt or missing column is caught twice, by the compiler and when the
// definition is made.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FOCUS_MANDATORY_IDS } from '../../src/focus/columns.generated.js';
import type { FocusMapKey } from '../../src/focus/schema.js';
import { sniffFile } from '../../src/ingest/sniff.js';
import {
  contractViolations,
  type DetectRule,
  defineSource,
  detectScore,
  type FocusSource,
  type UsageSource,
} from '../../src/normalize/contract.js';
import { constant, value } from '../../src/normalize/ops.js';
import { SOURCES } from '../../src/sources/index.js';
import { NULL, type Sql } from '../../src/sql.js';
import { lit, withDb } from '../../src/store/duckdb.js';
import type { UsageMapKey } from '../../src/usage/schema.js';
import { expectedFolders } from '../helpers/expected.js';
import { FIX } from '../helpers/home.js';

describe('every registered definition', () => {
  it('has a unique id', () => {
    const ids = SOURCES.map((s) => s.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it('has at least one detection rule and passes the contract', () => {
    const bad: string[] = [];
    for (const s of SOURCES) {
      const rules = s.detect as DetectRule[] | ((...a: unknown[]) => number);
      if (typeof rules === 'function') bad.push(`${s.id}: a detect function instead of rules`);
      else if (rules.length === 0) bad.push(`${s.id}: no detection rule`);
      else if (rules.some((r) => !s.formats.includes(r.format))) bad.push(`${s.id}: formats not derived`);
      for (const v of contractViolations(s)) bad.push(`${s.id}: ${v}`);
    }
    expect(bad).toEqual([]);
  });

  it('is made by defineSource (frozen)', () => {
    expect(SOURCES.filter((s) => !Object.isFrozen(s)).map((s) => s.id)).toEqual([]);
  });
});

describe('detection on the fixtures', () => {
  const files = expectedFolders().flatMap(({ folder, expected }) =>
    Object.entries(expected.files).map(([rel, e]) => ({ file: `${folder}/${rel}`, source: e.source })),
  );

  it('lists the expected.json data files', () => {
    expect(files.length).toBeGreaterThanOrEqual(50);
  });

  it('detects every fixture file as its own source (score >= 0.5) and no other (< 0.5)', async () => {
    const bad: string[] = [];
    await withDb({}, async (db) => {
      for (const { file, source } of files) {
        const path = join(FIX, file);
        const sniff = await sniffFile(path);
        // as ingest does: Parquet column names come from DuckDB, not from the sniffed bytes
        if (sniff.format === 'parquet')
          sniff.parquetColumns = (await db.describe(`SELECT * FROM read_parquet(${lit(path)})`)).map(
            (c) => c.name,
          );
        if (!SOURCES.some((s) => s.id === source)) bad.push(`${file}: no registered source "${source}"`);
        for (const s of SOURCES) {
          const score = detectScore(s, sniff);
          if (s.id === source && score < 0.5) bad.push(`${file}: ${s.id} scores ${score} (its own source)`);
          if (s.id !== source && score >= 0.5) bad.push(`${file}: ${s.id} also claims it (${score})`);
        }
      }
    });
    expect(bad).toEqual([]);
  });
});

describe('a misspelt or missing column fails the type check and defineSource', () => {
  /** Every mandatory FOCUS column mapped (NULL will do: the contract is about coverage, not values). */
  const MANDATORY: Partial<Record<FocusMapKey, Sql>> = Object.fromEntries(
    FOCUS_MANDATORY_IDS.map((c) => [c, NULL]),
  );
  const focusDef = {
    id: 'test-focus',
    title: 'test',
    family: 'focus',
    dataset: 'focus',
    detects: 'test',
    detect: [{ format: 'csv', header: { all: ['BilledCost'] } }],
    reader: () => ({ kind: 'csv', columns: {} }),
    replace: { kind: 'dedup-identical' },
    map: MANDATORY,
  } satisfies FocusSource;
  const usageMap: Partial<Record<UsageMapKey, Sql>> = {
    grain: constant('request'),
    timestamp: NULL,
    provider: constant('test'),
    model_raw: constant('m'),
  };
  const usageDef = {
    ...focusDef,
    id: 'test-usage',
    family: 'gateway',
    dataset: 'usage',
    map: usageMap,
  } satisfies UsageSource;

  it('the bases are valid definitions', () => {
    expect(defineSource(focusDef).id).toBe('test-focus');
    expect(defineSource(usageDef).id).toBe('test-usage');
  });

  it('a misspelt FOCUS column (BiledCost) names the column and suggests BilledCost', () => {
    expect(() =>
      defineSource({
        ...focusDef,
        map: {
          ...MANDATORY,
          // @ts-expect-error a misspelt FOCUS column must not compile (npm run typecheck fails if it ever does)
          BiledCost: value(1),
        },
      }),
    ).toThrow(/unknown focus column "BiledCost" \(did you mean "BilledCost"\?\)/);
  });

  it('a misspelt usage column (cache_reed) names the column and suggests cache_read', () => {
    expect(() =>
      defineSource({
        ...usageDef,
        map: {
          ...usageMap,
          // @ts-expect-error a misspelt usage column must not compile (npm run typecheck fails if it ever does)
          cache_reed: value(1),
        },
      }),
    ).toThrow(/unknown usage column "cache_reed" \(did you mean "cache_read"\?\)/);
  });

  it('a mandatory FOCUS column neither mapped, defaulted nor absent with a reason is named', () => {
    const { ChargeClass: _, ...withoutChargeClass } = MANDATORY;
    const missing = { ...focusDef, map: withoutChargeClass };
    expect(() => defineSource(missing)).toThrow(
      /mandatory FOCUS column "ChargeClass" is neither mapped, defaulted, nor listed as absent/,
    );
    expect(() => defineSource({ ...missing, absent: { ChargeClass: ' ' } })).toThrow(
      /absent: "ChargeClass" needs a reason/,
    );
    // with a reason it is a valid definition; a column FOCUS defaults from another (ContractedCost) needs none
    expect(defineSource({ ...missing, absent: { ChargeClass: 'never corrected' } }).id).toBe('test-focus');
    const { ContractedCost: __, ...withoutContracted } = MANDATORY;
    expect(defineSource({ ...focusDef, map: withoutContracted }).id).toBe('test-focus');
  });
});
