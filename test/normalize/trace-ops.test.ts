// The request/trace column operations (normalize/trace-ops.ts, columnTags in usage-ops.ts, the model-family and
// vendor-spelling provider names in prices/names.ts), each run through DuckDB over one literal row.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { col, str } from '../../src/normalize/ops.js';
import {
  asJson,
  countsCheck,
  elapsedMs,
  httpOutcome,
  jsonFields,
  jsonFieldsIgnoreCase,
  jsonWithoutKeys,
  keyPrefixCounts,
  namedList,
  nanosCheck,
  nanosElapsedMs,
  parsedJson,
  plus,
  requestProvider,
} from '../../src/normalize/trace-ops.js';
import { columnTags } from '../../src/normalize/usage-ops.js';
import { modelFamilyProvider, modelFamilyProviderSql, vendorProviderSql } from '../../src/prices/names.js';
import { lit, NULL, type Sql, sql } from '../../src/sql.js';
import { Db } from '../../src/store/duckdb.js';

let db: Db;
beforeAll(async () => {
  db = await Db.open();
});
afterAll(() => db?.close());

/** `expr` over one row whose VARCHAR columns are `row`, as text (lists and JSON as their text). */
async function ev(expr: Sql, row: Record<string, string | null> = {}): Promise<string | null> {
  const cols = Object.entries(row).map(
    ([c, v]) => sql`CAST(${v === null ? NULL : lit(v)} AS VARCHAR) AS ${col(c)}`,
  );
  const from = cols.length > 0 ? `(SELECT ${cols.join(', ')})` : '(SELECT 1)';
  const r = await db.one<{ v: string | null }>(`SELECT CAST(${expr} AS VARCHAR) AS v FROM ${from} t`);
  return r?.v ?? null;
}

describe('JSON reads', () => {
  it('parses JSON, and JSON held in a JSON string once more', async () => {
    expect(await ev(parsedJson(col('m')), { m: '{"a":1}' })).toBe('{"a":1}');
    expect(await ev(parsedJson(col('m')), { m: '"{\\"a\\":1}"' })).toBe('{"a":1}');
    expect(await ev(parsedJson(col('m')), { m: 'not json' })).toBeNull();
    expect(await ev(asJson(col('m')), { m: '[1' })).toBeNull();
  });

  it('reads many keys in one list, by name; dotted keys are one key', async () => {
    const keys = ['gen_ai.usage.input_tokens', 'b', 'missing'];
    const list = jsonFields(asJson(col('j')), keys);
    const j = '{"gen_ai.usage.input_tokens": 12, "b": "x", "gen_ai": {"usage": 1}}';
    expect(await ev(list, { j })).toBe('[12, x, NULL]');
    const named = namedList('_l', keys);
    expect(await ev(sql`(SELECT ${named.at('b')} FROM (SELECT ${list} AS _l))`, { j })).toBe('x');
    expect(() => named.at('c')).toThrow(/not one of its names/);
  });

  it('looks keys up case-insensitively and removes them', async () => {
    const j = asJson(col('p'));
    const p = '{"Helicone-Session-Id": "s1", "env": "prod", "HELICONE-SESSION-NAME": "n"}';
    const keys = ['helicone-session-id', 'helicone-session-name', 'helicone-session-path'];
    expect(await ev(jsonFieldsIgnoreCase(j, keys), { p })).toBe('[s1, n, NULL]');
    expect(await ev(jsonWithoutKeys(j, keys), { p })).toBe('{"env":"prod"}');
    expect(await ev(jsonWithoutKeys(j, keys), { p: '[1]' })).toBeNull();
  });

  it('sums counts under key prefixes', async () => {
    const j = '{"input_modality_text": 10, "input_modality_image": "5", "output": 7}';
    expect(await ev(keyPrefixCounts(asJson(col('j')), ['input_modality_', 'cached_modality_']), { j })).toBe(
      '[15, NULL]',
    );
  });
});

describe('counts and times', () => {
  it('flags a list holding a count that is not a non-negative whole number', async () => {
    const check = countsCheck('usage', sql`[${lit('1')}, ${lit('2.0')}, NULL]`, 'bad');
    expect(await ev(check.bad)).toBe('false');
    for (const v of ['-1', '1.5', 'x'])
      expect(await ev(countsCheck('usage', sql`[${lit('1')}, ${lit(v)}]`, 'bad').bad)).toBe('true');
  });

  it('adds integer expressions', async () => {
    expect(await ev(plus(sql`1`, sql`2`, sql`3`))).toBe('6');
  });

  it('measures elapsed milliseconds, NULL when the end is before the start', async () => {
    const t = (c: string) => sql`TRY_CAST(${str(c)} AS TIMESTAMPTZ)`;
    const row = { s: '2025-01-01T00:00:00Z', e: '2025-01-01T00:00:01.250Z' };
    expect(await ev(elapsedMs(t('s'), t('e')), row)).toBe('1250');
    expect(await ev(elapsedMs(t('e'), t('s')), row)).toBeNull();
  });

  it('reads OTLP nanoseconds exactly, beyond 2^53', async () => {
    const row = { s: '1759740900123456789', e: '1759740901373456789' };
    expect(await ev(nanosElapsedMs('s', 'e'), row)).toBe('1250');
    expect(await ev(nanosCheck('s', true).bad, row)).toBe('false');
    expect(await ev(nanosCheck('s', true).bad, { s: null })).toBe('true');
    expect(await ev(nanosCheck('s', false).bad, { s: null })).toBe('false');
    expect(await ev(nanosCheck('s', false).bad, { s: '1.7e18' })).toBe('true');
  });

  it('turns an HTTP status into an outcome', async () => {
    expect(await ev(httpOutcome(str('s')), { s: '200' })).toBe('success');
    expect(await ev(httpOutcome(str('s')), { s: '429' })).toBe('failure');
    expect(await ev(httpOutcome(str('s')), { s: null })).toBeNull();
  });
});

describe('providers', () => {
  it('knows the maker of a bare model id, the same in TypeScript and SQL', async () => {
    const cases: [string, string | null][] = [
      ['gpt-4o-mini', 'openai'],
      ['o3', 'openai'],
      ['o3-mini', 'openai'],
      ['Claude-Sonnet-4-5', 'anthropic'],
      ['models/gemini-2.5-pro', 'google'],
      ['codestral-latest', 'mistral'],
      ['llama3-8b', null],
      ['o30', null],
    ];
    for (const [model, provider] of cases) {
      expect(modelFamilyProvider(model)).toBe(provider);
      expect(await ev(modelFamilyProviderSql(col('m')), { m: model })).toBe(provider);
    }
  });

  it('takes the hint, else a route prefix, else the family; vendor spellings first', async () => {
    const hint = vendorProviderSql(str('p'), { aws: 'aws-bedrock', custom: null });
    const provider = requestProvider(hint, str('m'));
    expect(await ev(provider, { p: 'AWS', m: 'claude-3-haiku' })).toBe('aws-bedrock');
    expect(await ev(provider, { p: 'custom', m: 'claude-3-haiku' })).toBe('anthropic');
    expect(await ev(provider, { p: 'vertex_ai', m: 'claude-3-haiku' })).toBe('google');
    expect(await ev(provider, { p: null, m: 'Azure/gpt-4o' })).toBe('azure-openai');
    expect(await ev(provider, { p: null, m: 'llama3-8b' })).toBeNull();
  });
});

describe('columnTags', () => {
  // content keys (prompt, ...) are dropped later by the one tag filter every source's tags pass through
  // (normalize/tag-filter.ts, test/ingest/tag-filter.test.ts); columnTags itself drops values over 256 characters
  it('drops long values; content keys are left to the tag filter', async () => {
    const tags = columnTags({ team: 'tag.team', prompt: 'tag.prompt', note: 'tag.note' });
    expect(tags).toBeDefined();
    const row = { 'tag.team': 'search', 'tag.prompt': 'secret', 'tag.note': 'x'.repeat(257) };
    expect(JSON.parse((await ev(tags as Sql, row)) ?? 'null')).toEqual({ team: 'search', prompt: 'secret' });
    expect(columnTags({ 'input.value': 'tag.input.value' })).toBeDefined();
  });
});
