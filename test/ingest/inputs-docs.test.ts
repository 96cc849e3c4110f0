// Documentation JSON next to exports (fixtures/vendor-docs): skipped with its reason when a folder is walked, an input
// error saying what it is when named.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { documentationKind } from '../../src/ingest/inputs/doc-json.js';
import { fixture, ingestInto, tmpHome } from '../helpers/home.js';

const { home, cleanup } = tmpHome();
afterAll(cleanup);
const dir = join(home, 'helicone');
mkdirSync(dir);
copyFileSync(fixture('helicone/export.jsonl'), join(dir, 'export.jsonl'));
copyFileSync(
  fixture('vendor-docs/helicone/heliconerequest_schema.json'),
  join(dir, 'heliconerequest_schema.json'),
);
const schema = join(home, 'usage.schema.json');
writeFileSync(
  schema,
  JSON.stringify({
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    properties: { request_id: { type: 'string' }, request_created_at: { type: 'string' } },
  }),
);
const openapi = join(home, 'openapi.json');
writeFileSync(openapi, JSON.stringify({ openapi: '3.1.0', info: { title: 'x' }, paths: {} }));

describe('documentation JSON', () => {
  it('walking a vendor folder ingests the export and skips the Helicone schema with its reason', async () => {
    const r = await ingestInto(home, [dir], { dryRun: true });
    expect(r.files.map((f) => [f.path, f.sourceId, f.status, f.rowsOut])).toEqual([
      [join(dir, 'export.jsonl'), 'helicone', 'ingested', 3],
    ]);
    expect(r.skipped).toEqual([
      {
        path: join(dir, 'heliconerequest_schema.json'),
        reason: 'a schema description (field names and types), not data',
      },
    ]);
  });

  it('named explicitly it is an input error, even with --source', async () => {
    for (const source of [undefined, 'helicone']) {
      const err = await ingestInto(home, [join(dir, 'heliconerequest_schema.json')], { source }).catch(
        (e) => e,
      );
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).describe()).toMatch(
        /heliconerequest_schema\.json: a schema description .*, not data/,
      );
    }
    const js = await ingestInto(home, [schema]).catch((e) => e);
    expect((js as InputError).describe()).toMatch(/usage\.schema\.json: a JSON Schema document, not data/);
    const oa = await ingestInto(home, [openapi]).catch((e) => e);
    expect((oa as InputError).describe()).toMatch(/openapi\.json: an OpenAPI document, not data/);
  });

  it('no JSON data fixture is taken for documentation', () => {
    for (const f of [
      'helicone/query_clickhouse_response.json',
      'litellm/spend_logs_response.json',
      'openai/costs_by_line_item.json',
      'langfuse/trace_export_langgraph-2025-08-22.json',
      'otel-genai/agent-trace.json',
      'anthropic/usage_report_messages.json',
    ])
      expect(documentationKind(readFileSync(fixture(f), 'utf8').slice(0, 65536)), f).toBeNull();
  });
});
