// Content and secrets never become tags (docs/data-model.md#tags): one filter over every tag path of every source
// (LiteLLM request_tags and metadata, Langfuse trace tags and metadata, Helicone properties, OTel attributes,
// gateway-csv tag.<key> columns, FOCUS Tags), with the ingest notes counting what went per key, never a value.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileReport, IngestReport } from '../../src/ingest/ingest.js';
import { fixture, ingestInto, q, scratchHomes } from '../helpers/home.js';

const home = scratchHomes(afterAll);

const SK = 'sk-live-ABCDEFGHIJKLMNOPQRSTUVWX';
const BEARER = 'Bearer abcdefghijklmnopqrstuvwxyz123456';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJl';
const AWS = 'AKIAIOSFODNN7EXAMPLE';
/** Every secret and every piece of prompt text planted below: none may be stored anywhere. */
const PLANTED = [
  SK,
  BEARER.slice(7),
  JWT,
  AWS,
  'Summarize the merger',
  'You are a lawyer',
  'what is the merger price',
  'secret draft',
  'ya29a0AfH6SMBx12345678901234',
  'be terse',
];

const csv = (rows: string[][]) =>
  `${rows.map((r) => r.map((v) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v)).join(',')).join('\n')}\n`;

function litellmCsv(dir: string): string {
  const header =
    'request_id,call_type,api_key,spend,prompt_tokens,completion_tokens,startTime,endTime,model,custom_llm_provider,user,metadata,request_tags,session_id,status';
  const meta = {
    user_api_key_team_alias: 'search',
    spend_logs_metadata: {
      feature: 'search',
      system_prompt: 'You are a lawyer',
      user_query: 'what is the merger price',
      prompt_text: 'secret draft',
      question: 'why',
      instructions: 'be terse',
      authorization: BEARER,
      openai_api_key: 'hunter2-not-shaped',
      max_tokens: 512,
      prompt_version: 3,
      access_token: 'ya29a0AfH6SMBx12345678901234',
      tokenizer: 'o200k_base',
      deploy_id: AWS,
      env: 'prod',
    },
  };
  const tags = ['prompt:Summarize the merger terms', `api_key:${SK}`, 'team:legal', JWT];
  const p = join(dir, 'spendlogs.csv');
  writeFileSync(
    p,
    `${header}\n${csv([
      [
        'r1',
        'acompletion',
        'hashed-by-litellm',
        '0.000150',
        '20',
        '80',
        '2025-08-01 09:15:02',
        '2025-08-01 09:15:03',
        'gpt-4o-mini',
        'openai',
        'alice',
        JSON.stringify(meta),
        JSON.stringify(tags),
        's1',
        'success',
      ],
      [
        'r2',
        'acompletion',
        'k2',
        '0.000050',
        '10',
        '5',
        '2025-08-01 09:16:02',
        '2025-08-01 09:16:03',
        'gpt-4o-mini',
        'openai',
        'bob',
        // a key with an escaped quote after the word is still seen by the pre-check
        JSON.stringify({
          spend_logs_metadata: { feature: 'chat', message_count: 4, 'prompt"x': 'secret draft' },
        }),
        JSON.stringify(['team:chat', 'beta']),
        's2',
        'success',
      ],
    ])}`,
  );
  return p;
}

function langfuseJson(dir: string): string {
  const doc = JSON.parse(readFileSync(fixture('langfuse', 'trace_export_langgraph-2025-08-22.json'), 'utf8'));
  doc.trace.tags = ['prompt:Summarize the merger terms', `api_key:${SK}`, 'team:research'];
  doc.trace.metadata = JSON.stringify({
    system_prompt: 'You are a lawyer',
    authorization: BEARER,
    feature: 'agents',
  });
  const p = join(dir, 'langfuse.json');
  writeFileSync(p, JSON.stringify(doc));
  return p;
}

function heliconeJsonl(dir: string): string {
  const lines = readFileSync(fixture('helicone', 'export.jsonl'), 'utf8').trim().split('\n');
  const first = JSON.parse(lines[0]!);
  first.request_properties = {
    ...first.request_properties,
    'User-Query': 'what is the merger price',
    'X-Api-Key': SK,
    Instructions: 'be terse',
  };
  const p = join(dir, 'helicone.jsonl');
  writeFileSync(p, `${[JSON.stringify(first), ...lines.slice(1)].join('\n')}\n`);
  return p;
}

function otelJsonl(dir: string): string {
  const lines = readFileSync(fixture('otel-genai', 'calls-new-names.jsonl'), 'utf8').trim().split('\n');
  const doc = JSON.parse(lines[1]!);
  const span = doc.resourceSpans[0].scopeSpans[0].spans[0];
  span.attributes.push(
    { key: 'http.request.header.authorization', value: { stringValue: BEARER } },
    { key: 'llm.input_messages.0.message.content', value: { stringValue: 'You are a lawyer' } },
    { key: 'app.session_token', value: { stringValue: JWT } },
    { key: 'app.tenant', value: { stringValue: 'acme' } },
  );
  const p = join(dir, 'otel.jsonl');
  writeFileSync(p, `${JSON.stringify(doc)}\n`);
  return p;
}

function gatewayCsv(dir: string): string {
  const p = join(dir, 'gateway.csv');
  writeFileSync(
    p,
    csv([
      [
        'timestamp',
        'request_id',
        'model',
        'input_tokens',
        'output_tokens',
        'tag.team',
        'tag.system_prompt',
        'tag.api_key',
        'tag.note',
      ],
      [
        '2025-10-07T12:00:00Z',
        'gw-1',
        'gpt-4o-mini',
        '100',
        '10',
        'growth',
        'You are a lawyer',
        SK,
        `key ${AWS}`,
      ],
    ]),
  );
  return p;
}

function focusCsv(dir: string): string {
  const text = readFileSync(fixture('focus', 'focus10_sample_40rows.csv'), 'utf8');
  const planted = JSON.stringify({ application: 'Lens', prompt: 'Summarize the merger', api_token: JWT })
    .replaceAll('"', '""')
    .replaceAll(',', ', ');
  const changed = text.replace(
    '"{""application"": ""BrightLensMatrix"", ""environment"": ""dev"", ""business_unit"": ""ViennaAI""}"',
    `"${planted}"`,
  );
  expect(changed).not.toBe(text);
  const p = join(dir, 'focus.csv');
  writeFileSync(p, changed);
  return p;
}

const note = (f: FileReport | undefined) => f?.notes.find((n) => n.startsWith('tags dropped')) ?? null;

describe('one tag filter for every source', () => {
  const h = home();
  const data = join(h, 'data');
  const inputs = {
    litellm: litellmCsv(h),
    langfuse: langfuseJson(h),
    helicone: heliconeJsonl(h),
    otel: otelJsonl(h),
    gateway: gatewayCsv(h),
    focus: focusCsv(h),
  };
  let report: IngestReport;
  beforeAll(async () => {
    report = await ingestInto(data, Object.values(inputs));
  });
  const byPath = (p: string) => report.files.find((f) => f.path === p);

  it('stores no prompt text and no secret anywhere', async () => {
    const all = JSON.stringify([await q(data, 'SELECT * FROM usage'), await q(data, 'SELECT * FROM focus')]);
    for (const s of PLANTED) expect(all.includes(s), s).toBe(false);
    for (const f of report.files)
      for (const n of [...f.notes, ...f.warnings]) for (const s of PLANTED) expect(n).not.toContain(s);
  });

  it('LiteLLM: request_tags and metadata lose content and credential keys, keep counts and plain keys', async () => {
    const rows = await q<{ request_id: string; tags: string }>(
      data,
      "SELECT request_id, tags::VARCHAR AS tags FROM usage WHERE source_id = 'litellm' ORDER BY 1",
    );
    expect(rows.map((r) => [r.request_id, JSON.parse(r.tags)])).toEqual([
      [
        'r1',
        {
          user: 'alice',
          team: 'legal', // request_tags `team:legal` over the derived team alias (docs/data-model.md#tags)
          feature: 'search',
          max_tokens: 512,
          prompt_version: 3,
          tokenizer: 'o200k_base',
          env: 'prod',
        },
      ],
      ['r2', { user: 'bob', team: 'chat', feature: 'chat', message_count: 4, beta: true }],
    ]);
    expect(note(byPath(inputs.litellm))).toBe(
      'tags dropped on 2 records (content or credentials; values never shown): ' +
        'access_token ×1 (credential value), api_key ×1 (credential value), authorization ×1 (credential value), ' +
        'deploy_id ×1 (credential value), (a key shaped like a credential) ×1 (credential value), ' +
        'instructions ×1 (content key), openai_api_key ×1 (credential key), prompt ×1 (content key), ' +
        'prompt"x ×1 (content key), prompt_text ×1 (content key), question ×1 (content key), ' +
        'system_prompt ×1 (content key), user_query ×1 (content key)',
    );
  });

  it('Langfuse trace tags and metadata, Helicone properties, OTel attributes, gateway-csv columns', async () => {
    const keys = await q<{ source_id: string; k: string }>(
      data,
      'SELECT DISTINCT source_id, unnest(json_keys(tags)) AS k FROM usage ORDER BY 1, 2',
    );
    const of = (s: string) => keys.filter((r) => r.source_id === s).map((r) => r.k);
    expect(of('langfuse')).toContain('feature');
    expect(of('langfuse')).toContain('team');
    expect(of('gateway-csv')).toEqual(['team']);
    expect(of('otel-genai')).toContain('app.tenant');
    // numbers under content keys stay (counts), and token keys without a secret-shaped value
    const allowed = ['max_tokens', 'message_count', 'prompt_version', 'tokenizer'];
    const denied = keys.filter(
      (r) =>
        /prompt|query|instruction|message|content|authorization|api_key|api-key|token/i.test(r.k) &&
        !allowed.includes(r.k),
    );
    expect(denied).toEqual([]);
    expect(note(byPath(inputs.langfuse))).toMatch(
      /^tags dropped on \d+ records? \(content or credentials; values never shown\): api_key ×\d+ \(credential value\), authorization ×\d+ \(credential value\), prompt ×\d+ \(content key\), system_prompt ×\d+ \(content key\)$/,
    );
    expect(note(byPath(inputs.helicone))).toBe(
      'tags dropped on 1 record (content or credentials; values never shown): Instructions ×1 (content key), User-Query ×1 (content key), X-Api-Key ×1 (credential value)',
    );
    expect(note(byPath(inputs.otel))).toBe(
      'tags dropped on 1 record (content or credentials; values never shown): app.session_token ×1 (credential value), http.request.header.authorization ×1 (credential value), llm.input_messages.0.message.content ×1 (content key)',
    );
    expect(note(byPath(inputs.gateway))).toBe(
      'tags dropped on 1 record (content or credentials; values never shown): api_key ×1 (credential value), note ×1 (credential value), system_prompt ×1 (content key)',
    );
  });

  it('FOCUS Tags: the same filter, the rest of the row and its money unchanged', async () => {
    const r = await q<{ Tags: string; BilledCost: string }>(
      data,
      `SELECT Tags::VARCHAR AS Tags, BilledCost::VARCHAR AS BilledCost FROM focus WHERE x_SourceRecord = '3'`,
    );
    expect(r.map((x) => [JSON.parse(x.Tags), x.BilledCost])).toEqual([
      [{ application: 'Lens' }, '0.000016059900000000'],
    ]);
    expect(note(byPath(inputs.focus))).toBe(
      'tags dropped on 1 record (content or credentials; values never shown): api_token ×1 (credential value), prompt ×1 (content key)',
    );
  });
});

describe('config deny_tags (patterns) and hash_tags on the same filter', () => {
  it('drops keys matching tok* and ENV (any case), hashes team, and counts the drops', async () => {
    const h = home();
    const r = await ingestInto(join(h, 'data'), [litellmCsv(h)], {
      denyTags: ['tok*', 'ENV'],
      hashTags: ['team'],
    });
    const rows = await q<{ tags: string }>(
      join(h, 'data'),
      'SELECT tags::VARCHAR AS tags FROM usage ORDER BY request_id',
    );
    const t = rows.map((x) => JSON.parse(x.tags));
    expect(Object.keys(t[0]).sort()).toEqual(['feature', 'max_tokens', 'prompt_version', 'team', 'user']);
    expect(t[0].team).toMatch(/^[0-9a-f]{64}$/);
    expect(t[1].team).toMatch(/^[0-9a-f]{64}$/);
    expect(t[1].team).not.toBe(t[0].team);
    expect(note(r.files[0])).toContain('env ×1 (deny_tags)');
    expect(note(r.files[0])).toContain('tokenizer ×1 (deny_tags)');
  });
});
