// Issue "trace and gateway sources", item 5: a folder mixing every gateway and trace format ingests in one command;
// per source, rows and token totals equal what each fixture gives on its own, and re-ingesting changes nothing.
import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, ingestInto, q, tmpHome } from '../helpers/home.js';

const FOLDERS = ['otel-genai', 'langfuse', 'helicone', 'gateway-csv', 'litellm'];
const SQL = `SELECT source_id, COUNT(*)::VARCHAR AS n, SUM(input)::VARCHAR AS input, SUM(output)::VARCHAR AS output
  FROM usage GROUP BY 1 ORDER BY 1`;

describe('a mixed folder of all gateway and trace formats', () => {
  const mixed = tmpHome();
  const singles = tmpHome();
  let expected: Record<string, unknown>[] = [];
  beforeAll(async () => {
    // expectations: each fixture folder ingested on its own, into its own data home
    for (const f of FOLDERS) {
      const home = join(singles.home, f);
      await ingestInto(home, [fixture(f)]);
      expected.push(...(await q(home, SQL)));
    }
    expected = expected.sort((a, b) => String(a.source_id).localeCompare(String(b.source_id)));
    const dir = join(mixed.home, 'inputs');
    mkdirSync(dir);
    for (const f of FOLDERS) cpSync(fixture(f), join(dir, f), { recursive: true });
    await ingestInto(join(mixed.home, 'home'), [dir]);
  });
  afterAll(() => {
    mixed.cleanup();
    singles.cleanup();
  });

  it('gives per source the same rows and token totals as each fixture alone', async () => {
    const got = await q(join(mixed.home, 'home'), SQL);
    expect(got).toEqual(expected);
    expect(got.map((r) => r.source_id)).toEqual([
      'gateway-csv',
      'helicone',
      'langfuse',
      'litellm',
      'otel-genai',
    ]);
    // literal anchors so the comparison cannot pass vacuously (from the fixtures' origin notes)
    const by = Object.fromEntries(got.map((r) => [r.source_id, r]));
    expect(by['litellm']).toMatchObject({ n: '8', input: '5490', output: '1560' });
    expect(by['otel-genai']).toMatchObject({ n: '8', input: '4414', output: '1310' });
  });

  it('re-ingesting the folder changes nothing', async () => {
    const home = join(mixed.home, 'home');
    const manifest = readFileSync(join(home, 'manifest.json'), 'utf8');
    const r = await ingestInto(home, [join(mixed.home, 'inputs')]);
    expect(r.files.every((f) => f.status === 'unchanged')).toBe(true);
    expect(readFileSync(join(home, 'manifest.json'), 'utf8')).toBe(manifest);
  });
});
