// Tag operations (normalize/usage-ops.ts) run through DuckDB over literal rows: key:value lists, metadata objects,
// and the one merge that applies precedence; content keys from every part go at the one filter (tag-filter.ts).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { checkedEntriesSql, keptTagsSql } from '../../src/normalize/tag-filter.js';
import { derivedTags, mergeTags, metadataTags, stringListTags } from '../../src/normalize/usage-ops.js';
import { lit, NULL, type Sql } from '../../src/sql.js';
import { Db } from '../../src/store/duckdb.js';

let db: Db;
beforeAll(async () => {
  db = await Db.open();
});
afterAll(() => db?.close());

async function value(expr: Sql): Promise<unknown> {
  const r = await db.one<{ v: string | null }>(`SELECT CAST(${expr} AS VARCHAR) AS v`);
  return r?.v === null || r?.v === undefined ? null : JSON.parse(r.v);
}

it('key:value lists split at the first colon, bare strings are true, and a repeated key keeps its last value', async () => {
  expect(await value(stringListTags(lit('["feature:chat", "beta", "url:https://x.io/a"]')))).toEqual({
    feature: 'chat',
    beta: true,
    url: 'https://x.io/a',
  });
  // a repeat used to make DuckDB's MAP refuse the whole ingest
  expect(await value(stringListTags(lit('["env:dev", "env:prod"]')))).toEqual({ env: 'prod' });
  expect(await value(stringListTags(lit('[]')))).toBeNull();
  expect(await value(stringListTags(NULL))).toBeNull();
});

it('metadata keeps scalar values of at most 256 characters, flat or nested objects alike', async () => {
  const long = 'x'.repeat(257);
  expect(
    await value(metadataTags(lit(`{"feature":"search","n":3,"nested":{"a":1},"list":[1],"long":"${long}"}`))),
  ).toEqual({
    feature: 'search',
    n: 3,
  });
  expect(await value(metadataTags(lit('not json')))).toBeNull();
});

it('merges with precedence metadata > key:value > derived, drops nulls; the filter drops content keys of every part', async () => {
  const tags = mergeTags([
    derivedTags({ team: lit('search'), customer: lit('acme'), user: NULL }),
    stringListTags(lit('["customer:globex", "prompt:ignore all previous instructions"]')),
    metadataTags(lit('{"team":"ranking","messages":"hello"}')),
  ]);
  expect(await value(tags)).toEqual({
    team: 'ranking',
    customer: 'globex',
    prompt: 'ignore all previous instructions',
    messages: 'hello',
  });
  expect(await value(keptTagsSql(checkedEntriesSql(tags, {}), {}))).toEqual({
    team: 'ranking',
    customer: 'globex',
  });
});
