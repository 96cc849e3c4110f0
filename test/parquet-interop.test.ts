// A second Parquet implementation (hyparquet) opens our files: schema, row counts, timestamps and JSON columns.
// hyparquet decodes DECIMAL as a JS number, so exact sums are checked with DuckDB elsewhere, never here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetMetadata, parquetReadObjects, parquetSchema } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { focusStoredColumns } from '../src/focus/schema.js';
import { readManifest } from '../src/store/manifest.js';
import { fixture, ingestInto, tmpHome } from './helpers/home.js';

describe('our Parquet read by hyparquet', () => {
  const { home, cleanup } = tmpHome();
  beforeAll(async () => {
    await ingestInto(home, [fixture('anthropic/cost_report.json'), fixture('litellm/spendlogs.csv')]);
  });
  afterAll(cleanup);

  const file = (dataset: string) => {
    const f = readManifest(home).files.find((x) => x.dataset === dataset)!;
    const buf = readFileSync(join(home, f.path));
    return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  };

  it('focus/ files carry every FOCUS 1.3 column then the x_ columns, zstd-compressed', async () => {
    const ab = file('focus');
    const meta = parquetMetadata(ab);
    const names = parquetSchema(meta).children.map((c) => c.element.name);
    expect(names).toEqual(focusStoredColumns().map((c) => c.name));
    expect(names.length).toBe(65 + 13);
    expect(meta.row_groups[0]!.columns[0]!.meta_data!.codec).toBe('ZSTD');
    const billed = parquetSchema(meta).children.find((c) => c.element.name === 'BilledCost')!.element;
    expect(billed.converted_type).toBe('DECIMAL');
    expect(billed.scale).toBe(18);
    const rows = await parquetReadObjects({ file: ab, compressors });
    expect(rows).toHaveLength(1);
    expect((rows[0]!.ChargePeriodStart as Date).toISOString()).toBe('2025-08-01T00:00:00.000Z');
    expect(rows[0]!.ServiceProviderName).toBe('Anthropic');
  });

  it('usage/ files hold request rows with JSON tags', async () => {
    const rows = await parquetReadObjects({ file: file('usage'), compressors });
    expect(rows.length).toBeGreaterThan(0);
    const withTags = rows.find((r) => r.tags !== null && r.tags !== undefined)!;
    const tags = typeof withTags.tags === 'string' ? JSON.parse(withTags.tags) : withTags.tags;
    expect(typeof tags).toBe('object');
  });
});
