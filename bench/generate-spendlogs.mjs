#!/usr/bin/env node
// Streaming generator of LiteLLM SpendLogs CSV: the `LiteLLM_SpendLogs` table as Postgres
// `COPY ... TO STDOUT CSV HEADER` writes it (same column order and quoting as fixtures/litellm/spendlogs.csv):
// JSON columns as quoted JSON text with doubled quotes, NULL as an empty field, an empty string as `""`,
// timestamp(3) values as `2025-08-01 10:00:00.123` (trailing fractional zeros trimmed, as Postgres prints them),
// float8 in Postgres' shortest form (`2e-06`, `0.000495`, `0`).
//
// Deterministic (seeded PRNG per 10k-row batch): the same --rows and --seed give byte-identical output, whatever
// the number of worker threads. Batches are rendered into Buffers by worker threads and written in order with
// backpressure, so memory stays flat at 10M rows.
//
//   node bench/generate-spendlogs.mjs --rows 1000 --out /tmp/x.csv [--seed 42] [--workers N]   (no --out: stdout)

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

/** Bump whenever the output for a given (rows, seed) changes: the bench reuses a cached CSV only on a match. */
export const GENERATOR_VERSION = 1;

/** `LiteLLM_SpendLogs` columns in schema order, with the types the DuckDB baseline declares for them. */
export const SPENDLOGS_COLUMNS = [
  ['request_id', 'VARCHAR'],
  ['call_type', 'VARCHAR'],
  ['api_key', 'VARCHAR'],
  ['spend', 'DECIMAL(38,18)'],
  ['total_tokens', 'BIGINT'],
  ['prompt_tokens', 'BIGINT'],
  ['completion_tokens', 'BIGINT'],
  ['startTime', 'TIMESTAMP'],
  ['endTime', 'TIMESTAMP'],
  ['request_duration_ms', 'BIGINT'],
  ['completionStartTime', 'TIMESTAMP'],
  ['model', 'VARCHAR'],
  ['model_id', 'VARCHAR'],
  ['model_group', 'VARCHAR'],
  ['custom_llm_provider', 'VARCHAR'],
  ['api_base', 'VARCHAR'],
  ['user', 'VARCHAR'],
  ['metadata', 'VARCHAR'],
  ['cache_hit', 'VARCHAR'],
  ['cache_key', 'VARCHAR'],
  ['request_tags', 'VARCHAR'],
  ['team_id', 'VARCHAR'],
  ['organization_id', 'VARCHAR'],
  ['end_user', 'VARCHAR'],
  ['requester_ip_address', 'VARCHAR'],
  ['messages', 'VARCHAR'],
  ['response', 'VARCHAR'],
  ['session_id', 'VARCHAR'],
  ['status', 'VARCHAR'],
  ['mcp_namespaced_tool_name', 'VARCHAR'],
  ['agent_id', 'VARCHAR'],
  ['proxy_server_request', 'VARCHAR'],
];

const HEADER = `${SPENDLOGS_COLUMNS.map((c) => c[0]).join(',')}\n`;
const BATCH = 10_000;
const CHUNK = 16 << 20;
const DAY_MS = 86_400_000;
const START_MS = Date.UTC(2025, 7, 1); // 2025-08-01 00:00:00 UTC, 30 days of traffic
const SPAN_MS = 30 * DAY_MS;

// ---------- PRNG and distributions ----------

/** sfc32: small, fast, good enough for synthetic data; seeded from a string. */
function makeRng(seed) {
  let h = 1779033703 ^ seed.length;
  for (let i = 0; i < seed.length; i++) {
    h = Math.imul(h ^ seed.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  const next = () => {
    h = Math.imul(h ^ (h >>> 16), 2246822507);
    h = Math.imul(h ^ (h >>> 13), 3266489909);
    h ^= h >>> 16;
    return h >>> 0;
  };
  let a = next();
  let b = next();
  let c = next();
  let d = next();
  const u32 = () => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 16; i++) u32();
  const rand = () => u32() / 4294967296;
  let spare = null;
  const normal = () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = rand();
    const v = rand();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
  const int = (n) => Math.floor(rand() * n);
  return { u32, rand, normal, int };
}

/** A 4096-slot lookup table for weighted picks: O(1) per draw. */
function weightedTable(items, weightOf) {
  const total = items.reduce((s, x) => s + weightOf(x), 0);
  const table = new Array(4096);
  let acc = 0;
  let j = 0;
  for (const it of items) {
    acc += weightOf(it);
    const end = Math.round((acc / total) * 4096);
    for (; j < end; j++) table[j] = it;
  }
  for (; j < 4096; j++) table[j] = items[items.length - 1];
  return (rng) => table[rng.u32() >>> 20];
}

/** Zipf-like pick over 0..n-1 (rank 0 most frequent). */
function zipfTable(n, s) {
  const idx = Array.from({ length: n }, (_, i) => i);
  const pick = weightedTable(idx, (i) => 1 / (i + 1) ** s);
  return pick;
}

const HEX = '0123456789abcdef';
const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const hexStr = (rng, n) => {
  let s = '';
  for (let i = 0; i < n; i += 8) s += rng.u32().toString(16).padStart(8, '0');
  return s.slice(0, n);
};
const b62Str = (rng, n) => {
  let s = '';
  for (let i = 0; i < n; i++) s += B62[rng.u32() % 62];
  return s;
};
const uuid = (rng) => {
  const h = hexStr(rng, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${HEX[8 + (rng.u32() & 3)]}${h.slice(17, 20)}-${h.slice(20)}`;
};
/** A uuid whose last group carries the row number: unique per row by construction. */
const uuidFor = (rng, i) => {
  const h = hexStr(rng, 20);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${HEX[8 + (rng.u32() & 3)]}${h.slice(17, 20)}-${i.toString(16).padStart(12, '0')}`;
};
const b62Num = (n, width) => {
  let s = '';
  while (n > 0) {
    s = B62[n % 62] + s;
    n = Math.floor(n / 62);
  }
  return s.padStart(width, '0');
};

// ---------- Postgres CSV text forms ----------

/** A CSV field as Postgres COPY writes a non-NULL text value. */
export function csvText(s) {
  if (s === '') return '""';
  return /[",\r\n]/.test(s) || s === '\\.' ? `"${s.replaceAll('"', '""')}"` : s;
}
/** A JSON(B) value as Postgres COPY writes it (jsonb spacing: `{"a": 1, "b": [1, 2]}`). */
const csvJson = (jsonText) => csvText(jsonText);

/** float8 as Postgres 12+ prints it: shortest round-trip digits, exponent form below 1e-4 or from 1e15. */
export function pgFloat(x) {
  if (x === 0) return '0';
  const ax = Math.abs(x);
  if (ax >= 1e-4 && ax < 1e15) return String(x);
  const [m, e] = x.toExponential().split('e');
  const n = Number(e);
  return `${m}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
}

const P2 = Array.from({ length: 60 }, (_, k) => String(k).padStart(2, '0'));
// '.123', '.12' for 120, '.1' for 100, '' for 0: Postgres drops trailing fractional zeros
const FRAC = Array.from({ length: 1000 }, (_, k) =>
  k === 0 ? '' : `.${String(k).padStart(3, '0')}`.replace(/0+$/, ''),
);
const DAYS = new Map();

/** timestamp(3) as Postgres prints it: `2025-08-01 10:00:00.12` (fraction trimmed, none when .000). */
export function pgTs(ms) {
  const d = Math.floor(ms / DAY_MS);
  let day = DAYS.get(d);
  if (day === undefined) {
    day = `${new Date(d * DAY_MS).toISOString().slice(0, 10)} `;
    DAYS.set(d, day);
  }
  const inDay = ms - d * DAY_MS;
  const sec = Math.floor(inDay / 1000);
  return `${day}${P2[Math.floor(sec / 3600)]}:${P2[Math.floor(sec / 60) % 60]}:${P2[sec % 60]}${FRAC[inDay - sec * 1000]}`;
}

// JSON inside a quoted CSV field: every `"` doubled. jq() renders a JS string (or null) that way; J`...` is a
// template whose literal parts are written with plain quotes and doubled once per call site, its values being
// numbers or jq()/J`` output. This keeps the per-row work free of a replaceAll over the whole metadata text.
export const jq = (s) => (s === null || s === undefined ? 'null' : JSON.stringify(s).replaceAll('"', '""'));
const DOUBLED = new WeakMap();
function J(strings, ...vals) {
  let d = DOUBLED.get(strings);
  if (d === undefined) {
    d = strings.map((x) => x.replaceAll('"', '""'));
    DOUBLED.set(strings, d);
  }
  let out = d[0];
  for (let k = 0; k < vals.length; k++) out += vals[k] + d[k + 1];
  return out;
}
const js = (s) => (s === null || s === undefined ? 'null' : JSON.stringify(s));

// ---------- the world: models, teams, keys, customers ----------

// [model, model_group, provider, kind, cacheStyle, $/input token, $/output token, $/cached input token, weight]
// kind: chat | reason (reasoning tokens inside completion) | embed | image; cacheStyle: openai | anthropic | none
// biome-ignore format: one model per line reads as a table
const MODEL_ROWS = [
  ['gpt-4o-2024-08-06', 'gpt-4o', 'openai', 'chat', 'openai', 2.5e-6, 1e-5, 1.25e-6, 60],
  ['gpt-4o-mini-2024-07-18', 'gpt-4o-mini', 'openai', 'chat', 'openai', 1.5e-7, 6e-7, 7.5e-8, 160],
  ['gpt-4.1-2025-04-14', 'gpt-4.1', 'openai', 'chat', 'openai', 2e-6, 8e-6, 5e-7, 50],
  ['gpt-4.1-mini-2025-04-14', 'gpt-4.1-mini', 'openai', 'chat', 'openai', 4e-7, 1.6e-6, 1e-7, 90],
  ['gpt-4.1-nano-2025-04-14', 'gpt-4.1-nano', 'openai', 'chat', 'openai', 1e-7, 4e-7, 2.5e-8, 30],
  ['o3-2025-04-16', 'o3', 'openai', 'reason', 'openai', 2e-6, 8e-6, 5e-7, 12],
  ['o4-mini-2025-04-16', 'o4-mini', 'openai', 'reason', 'openai', 1.1e-6, 4.4e-6, 2.75e-7, 20],
  ['o3-mini-2025-01-31', 'o3-mini', 'openai', 'reason', 'openai', 1.1e-6, 4.4e-6, 5.5e-7, 8],
  ['gpt-5-2025-08-07', 'gpt-5', 'openai', 'reason', 'openai', 1.25e-6, 1e-5, 1.25e-7, 25],
  ['gpt-5-mini-2025-08-07', 'gpt-5-mini', 'openai', 'reason', 'openai', 2.5e-7, 2e-6, 2.5e-8, 25],
  ['gpt-5-nano-2025-08-07', 'gpt-5-nano', 'openai', 'reason', 'openai', 5e-8, 4e-7, 5e-9, 10],
  ['text-embedding-3-small', 'text-embedding-3-small', 'openai', 'embed', 'none', 2e-8, 0, 0, 70],
  ['text-embedding-3-large', 'text-embedding-3-large', 'openai', 'embed', 'none', 1.3e-7, 0, 0, 15],
  ['dall-e-3', 'dall-e-3', 'openai', 'image', 'none', 0, 0, 0, 2],
  ['anthropic/claude-sonnet-4-20250514', 'claude-sonnet-4', 'anthropic', 'chat', 'anthropic', 3e-6, 1.5e-5, 3e-7, 110],
  ['anthropic/claude-opus-4-20250514', 'claude-opus-4', 'anthropic', 'chat', 'anthropic', 1.5e-5, 7.5e-5, 1.5e-6, 8],
  ['anthropic/claude-opus-4-1-20250805', 'claude-opus-4-1', 'anthropic', 'chat', 'anthropic', 1.5e-5, 7.5e-5, 1.5e-6, 6],
  ['anthropic/claude-3-7-sonnet-20250219', 'claude-3-7-sonnet', 'anthropic', 'chat', 'anthropic', 3e-6, 1.5e-5, 3e-7, 20],
  ['anthropic/claude-3-5-haiku-20241022', 'claude-3-5-haiku', 'anthropic', 'chat', 'anthropic', 8e-7, 4e-6, 8e-8, 45],
  ['anthropic/claude-3-haiku-20240307', 'claude-3-haiku', 'anthropic', 'chat', 'anthropic', 2.5e-7, 1.25e-6, 3e-8, 15],
  ['azure/gpt-4o', 'gpt-4o', 'azure', 'chat', 'openai', 2.5e-6, 1e-5, 1.25e-6, 40],
  ['azure/gpt-4o-mini', 'gpt-4o-mini', 'azure', 'chat', 'openai', 1.65e-7, 6.6e-7, 8.3e-8, 60],
  ['azure/gpt-4.1', 'gpt-4.1', 'azure', 'chat', 'openai', 2e-6, 8e-6, 5e-7, 20],
  ['azure/o3-mini', 'o3-mini', 'azure', 'reason', 'openai', 1.1e-6, 4.4e-6, 5.5e-7, 6],
  ['azure/text-embedding-3-small', 'text-embedding-3-small', 'azure', 'embed', 'none', 2e-8, 0, 0, 25],
  ['bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0', 'claude-3-5-sonnet', 'bedrock', 'chat', 'anthropic', 3e-6, 1.5e-5, 3e-7, 15],
  ['bedrock/us.anthropic.claude-sonnet-4-20250514-v1:0', 'claude-sonnet-4', 'bedrock', 'chat', 'anthropic', 3e-6, 1.5e-5, 3e-7, 35],
  ['bedrock/amazon.nova-pro-v1:0', 'nova-pro', 'bedrock', 'chat', 'none', 8e-7, 3.2e-6, 0, 10],
  ['bedrock/amazon.nova-lite-v1:0', 'nova-lite', 'bedrock', 'chat', 'none', 6e-8, 2.4e-7, 0, 12],
  ['bedrock/meta.llama3-1-70b-instruct-v1:0', 'llama3-1-70b', 'bedrock', 'chat', 'none', 7.2e-7, 7.2e-7, 0, 8],
  ['bedrock/amazon.titan-embed-text-v2:0', 'titan-embed-v2', 'bedrock', 'embed', 'none', 2e-8, 0, 0, 10],
  ['bedrock/cohere.command-r-plus-v1:0', 'command-r-plus', 'bedrock', 'chat', 'none', 3e-6, 1.5e-5, 0, 3],
  ['gemini/gemini-2.5-pro', 'gemini-2.5-pro', 'gemini', 'reason', 'openai', 1.25e-6, 1e-5, 3.1e-7, 25],
  ['gemini/gemini-2.5-flash', 'gemini-2.5-flash', 'gemini', 'reason', 'openai', 3e-7, 2.5e-6, 7.5e-8, 55],
  ['gemini/gemini-2.0-flash', 'gemini-2.0-flash', 'gemini', 'chat', 'openai', 1e-7, 4e-7, 2.5e-8, 35],
  ['gemini/gemini-2.5-flash-lite', 'gemini-2.5-flash-lite', 'gemini', 'chat', 'openai', 1e-7, 4e-7, 2.5e-8, 20],
  ['gemini/text-embedding-004', 'text-embedding-004', 'gemini', 'embed', 'none', 0, 0, 0, 10],
  ['groq/llama-3.3-70b-versatile', 'llama-3.3-70b', 'groq', 'chat', 'none', 5.9e-7, 7.9e-7, 0, 30],
  ['groq/llama-3.1-8b-instant', 'llama-3.1-8b', 'groq', 'chat', 'none', 5e-8, 8e-8, 0, 30],
  ['groq/llama3-8b-8192', 'llama3', 'groq', 'chat', 'none', 5e-8, 8e-8, 0, 10],
  ['groq/mixtral-8x7b-32768', 'mixtral', 'groq', 'chat', 'none', 2.4e-7, 2.4e-7, 0, 5],
  ['groq/gemma2-9b-it', 'gemma2-9b', 'groq', 'chat', 'none', 2e-7, 2e-7, 0, 5],
  ['groq/deepseek-r1-distill-llama-70b', 'deepseek-r1-70b', 'groq', 'reason', 'none', 7.5e-7, 9.9e-7, 0, 6],
];

const API_BASES = {
  openai: ['https://api.openai.com/v1', 'https://api.openai.com/v1/', null],
  anthropic: ['https://api.anthropic.com/v1/messages', null],
  azure: ['https://acme-eastus.openai.azure.com/', 'https://acme-swedencentral.openai.azure.com/'],
  bedrock: [
    'https://bedrock-runtime.us-east-1.amazonaws.com',
    'https://bedrock-runtime.us-west-2.amazonaws.com',
    null,
  ],
  gemini: ['https://generativelanguage.googleapis.com/v1beta', null],
  groq: ['https://api.groq.com/openai/v1/'],
};

const TEAM_NAMES = (
  'search support-bot ml-platform growth data-science docs-assistant sales-copilot risk ' +
  'fraud onboarding billing infra mobile web research legal-review hr-helpdesk marketing ' +
  'analytics qa-automation security partner-api localization recsys'
).split(' ');
const FEATURES = (
  'search chat summarize classify extract translate rerank code-review autocomplete ' +
  'email-draft ticket-triage sql-gen rag-answer moderation agent-step embed-docs'
).split(' ');
const BARE_TAGS = 'beta prod nightly batch experiment priority internal eval canary'.split(' ');
const FIRST = 'alice bob carol dan erin frank grace heidi ivan judy mallory niaj'.split(' ');
const COMPANIES = 'acme-corp globex initech umbrella hooli stark-ind wayne-ent tyrell cyberdyne'.split(' ');
const MCP_TOOLS =
  'github-create_issue github-search_code jira-get_ticket slack-post_message zapier-send_email'.split(' ');
const ERRORS = [
  ['429', 'RateLimitError', 'Rate limit reached for requests'],
  ['500', 'InternalServerError', 'The server had an error while processing your request.'],
  ['400', 'BadRequestError', "This model's maximum context length is 128000 tokens"],
  ['408', 'Timeout', 'Request timed out after 600.0 seconds'],
  ['401', 'AuthenticationError', 'Incorrect API key provided'],
];

/** Long free-text metadata values: commas, escaped quotes, backslashes, non-ASCII (what a caller might pass). */
function longNotes(rng, k) {
  const words = ['latency', 'p95', 'customer', 'escalation', 'see ticket', 'über', 'naïve', 'café'];
  words.push('日本語', '✓', 'retry');
  let s = `note ${k}: `;
  const n = 40 + rng.int(300);
  for (let i = 0; i < n; i++) {
    s += words[rng.int(words.length)];
    const r = rng.int(20);
    s += r === 0 ? ', ' : r === 1 ? ' "quoted" ' : r === 2 ? ' C:\\path\\x ' : r === 3 ? '\ttab ' : ' ';
  }
  return s;
}

function buildWorld(rng) {
  const models = MODEL_ROWS.map(([model, group, provider, kind, cacheStyle, inP, outP, cachedP, weight]) => ({
    model,
    group,
    provider,
    kind,
    cacheStyle,
    inP,
    outP,
    cachedP,
    writeP: inP * 1.25,
    weight,
    bases: API_BASES[provider],
    deployments: [hexStr(rng, 64), uuid(rng), null],
  }));
  const orgs = [uuid(rng), uuid(rng), uuid(rng)];
  const teams = TEAM_NAMES.map((alias, i) => ({
    id: i % 5 === 4 ? `team-${alias}` : uuid(rng),
    alias,
    org: i % 3 === 0 ? orgs[i % orgs.length] : null,
    features: [
      FEATURES[i % FEATURES.length],
      FEATURES[(i * 7 + 3) % FEATURES.length],
      FEATURES[(i * 5 + 1) % FEATURES.length],
    ],
  }));
  const users = Array.from({ length: 300 }, (_, i) =>
    i === 0
      ? 'default_user'
      : i % 3 === 0
        ? `${FIRST[i % FIRST.length]}.${i}@corp.example`
        : `u-${String(i).padStart(4, '0')}`,
  );
  const keys = Array.from({ length: 200 }, (_, i) => {
    const team = i % 10 === 9 ? null : teams[(i * 7) % teams.length];
    return {
      hash: hexStr(rng, 64),
      alias:
        i % 4 === 3
          ? null
          : `${team ? team.alias : 'personal'}-${['svc', 'prod', 'dev', 'batch', 'key'][i % 5]}-${i}`,
      team,
      user: users[(i * 13) % users.length],
    };
  });
  const customers = Array.from({ length: 5000 }, (_, i) =>
    i < COMPANIES.length
      ? COMPANIES[i]
      : i % 2
        ? `cust_${String(i).padStart(5, '0')}`
        : `org-${b62Str(rng, 8)}`,
  );
  const notes = Array.from({ length: 16 }, (_, k) => longNotes(rng, k));
  // request_tags arrays, pre-rendered as CSV fields
  const tagSets = [csvJson('[]')];
  for (let k = 0; k < 64; k++) {
    const tags = [];
    if (k % 2 === 0) tags.push(`feature:${FEATURES[k % FEATURES.length]}`);
    if (k % 3 === 0) tags.push(BARE_TAGS[k % BARE_TAGS.length]);
    if (k % 5 === 1) tags.push(`jobID:${b62Str(rng, 15)}`);
    if (k % 7 === 2) tags.push(`env:${k % 2 ? 'prod' : 'staging'}`);
    if (k % 4 === 3) tags.push(`customer:${COMPANIES[k % COMPANIES.length]}`);
    if (k % 11 === 5) tags.push('taskName:run_page_classification');
    if (tags.length === 0) tags.push(BARE_TAGS[k % BARE_TAGS.length]);
    tagSets.push(csvJson(`[${tags.map(js).join(', ')}]`));
  }
  // pool values pre-rendered for J`` templates
  for (const k of keys) {
    k.aliasQ = jq(k.alias);
    k.userQ = jq(k.user);
    k.teamIdQ = jq(k.team ? k.team.id : null);
    k.teamAliasQ = jq(k.team ? k.team.alias : null);
  }
  return {
    featureQ: new Map(FEATURES.map((f) => [f, jq(f)])),
    companiesQ: COMPANIES.map(jq),
    customersQ: new Map(customers.map((c) => [c, jq(c)])),
    notesQ: notes.map(jq),
    errorsQ: ERRORS.map(([code, cls, msg]) => [code, cls, jq(`litellm.${cls}: ${msg}`)]),
    models,
    pickModel: weightedTable(models, (m) => m.weight),
    teams,
    keys,
    pickKey: zipfTable(keys.length, 1.05),
    customers,
    pickCustomer: zipfTable(customers.length, 1.1),
    notes,
    tagSets,
  };
}

// ---------- rows ----------

function newSession(rng, w, withId) {
  const key = w.keys[w.pickKey(rng)];
  const m = w.pickModel(rng);
  const team = key.team;
  const r = rng.rand();
  return {
    id: withId ? uuid(rng) : null,
    left: withId ? 1 + Math.floor(19 * rng.rand() ** 2) : 1, // 1..20 requests, mostly short traces
    key,
    model: m,
    customer: rng.rand() < 0.3 ? null : w.customers[w.pickCustomer(rng)],
    feature: team ? team.features[rng.int(3)] : FEATURES[rng.int(FEATURES.length)],
    env: r < 0.8 ? 'prod' : r < 0.95 ? 'staging' : 'dev',
    agent: rng.rand() < 0.06 ? `agent-${rng.int(12)}` : null,
    tags: rng.rand() < 0.45 ? w.tagSets[0] : w.tagSets[1 + rng.int(w.tagSets.length - 1)],
  };
}

/** `spend_logs_metadata` (caller-supplied k/v), CSV-doubled. */
function spendLogsMetadata(rng, w, s, customer) {
  const r = rng.rand();
  const f = w.featureQ.get(s.feature);
  const c = customer === null ? w.companiesQ[rng.int(COMPANIES.length)] : w.customersQ.get(customer);
  const env = s.env;
  if (r < 0.5) return J`{"feature": ${f}, "customer": ${c}, "env": "${env}"}`;
  if (r < 0.65) return J`{"feature": ${f}, "env": "${env}"}`;
  if (r < 0.75) {
    return J`{"feature": ${f}, "customer": ${c}, "env": "${env}", "experiment": "exp-${rng.int(40)}", "variant": "${rng.rand() < 0.5 ? 'a' : 'b'}"}`;
  }
  if (r < 0.8) {
    return J`{"feature": ${f}, "env": "${env}", "ab": {"bucket": ${rng.int(100)}, "variant": "b", "flags": ["x", "y"]}, "retry": ${rng.int(3)}}`;
  }
  if (r < 0.82) return J`{"feature": ${f}, "notes": ${w.notesQ[rng.int(w.notesQ.length)]}}`;
  if (r < 0.825)
    return J`{"feature": ${f}, "messages": "You are a helpful assistant. SECRET-PROMPT-TEXT ${rng.int(1000)}"}`;
  if (r < 0.84) return '{}';
  return 'null';
}

function lognormalInt(rng, median, sigma, min, max) {
  const v = Math.floor(median * Math.exp(sigma * rng.normal()));
  return Math.min(max, Math.max(min, v));
}

/** Returns one CSV line (with \n) for row i. */
function row(rng, w, i, s, startMs) {
  let m = s.model;
  if (m.kind !== 'embed' && rng.rand() < 0.2) m = w.pickModel(rng); // traces mix models (router + main model)
  const key = s.key;
  const team = key.team;
  const failed = rng.rand() < 0.03;
  const mcp = !failed && rng.rand() < 0.003;
  const cacheHit = !failed && !mcp && m.kind !== 'image' && rng.rand() < 0.02;

  // ----- tokens, cache and spend -----
  let prompt = 0;
  let completion = 0;
  let reasoning = 0;
  let cached = 0;
  let cacheRead = 0;
  let cacheWrite = 0;
  let spend = 0;
  let callType;
  let requestId;
  if (mcp) {
    callType = 'call_mcp_tool';
    requestId = uuidFor(rng, i);
  } else if (m.kind === 'embed') {
    callType = 'aembedding';
    requestId = uuidFor(rng, i);
    if (!failed) {
      prompt = lognormalInt(rng, 180, 1.2, 1, 8191);
      spend = prompt * m.inP;
    }
  } else if (m.kind === 'image') {
    callType = 'aimage_generation';
    requestId = uuidFor(rng, i);
    if (!failed) spend = [0.04, 0.08, 0.12][rng.int(3)];
  } else {
    if (m.provider === 'anthropic') {
      const aMsgs = rng.rand() < 0.4;
      callType = aMsgs ? 'anthropic_messages' : 'acompletion';
      requestId = `msg_01${b62Str(rng, 16)}${b62Num(i, 6)}`;
    } else if (m.provider === 'openai' && rng.rand() < 0.25) {
      callType = 'aresponses';
      requestId = `resp_${hexStr(rng, 36)}${i.toString(16).padStart(12, '0')}`;
    } else if (m.provider === 'openai' || m.provider === 'azure') {
      callType = rng.rand() < 0.1 ? 'completion' : 'acompletion';
      requestId = `chatcmpl-${b62Str(rng, 23)}${b62Num(i, 6)}`;
    } else {
      callType = 'acompletion';
      requestId = `chatcmpl-${uuidFor(rng, i)}`;
    }
    if (!failed) {
      // heavy tails: median ~900 prompt tokens, a long tail of RAG/agent contexts up to 200k
      prompt = lognormalInt(rng, 900, 1.35, 1, 200_000);
      completion = lognormalInt(rng, 220, 1.05, 1, 16_384);
      if (m.kind === 'reason') {
        reasoning = lognormalInt(rng, 600, 1.1, 0, 60_000);
        completion += reasoning;
      }
      if (m.cacheStyle === 'openai') {
        if (prompt >= 1024 && rng.rand() < 0.4) cached = Math.floor((prompt * rng.rand()) / 128) * 128;
        spend = (prompt - cached) * m.inP + cached * m.cachedP + completion * m.outP;
      } else if (m.cacheStyle === 'anthropic') {
        if (rng.rand() < 0.45) cacheRead = Math.floor(prompt * 0.95 * rng.rand());
        if (rng.rand() < 0.15) cacheWrite = Math.floor((prompt - cacheRead) * rng.rand());
        spend =
          (prompt - cacheRead - cacheWrite) * m.inP +
          cacheRead * m.cachedP +
          cacheWrite * m.writeP +
          completion * m.outP;
      } else {
        spend = prompt * m.inP + completion * m.outP;
      }
    }
  }
  if (cacheHit) spend = 0;
  const total = prompt + completion;

  // ----- timing -----
  const dur = failed
    ? lognormalInt(rng, 120, 1.2, 5, 600_000)
    : lognormalInt(rng, 300 + completion * 8, 0.6, 20, 600_000);
  const endMs = startMs + dur;
  const stream = !failed && m.kind !== 'embed' && m.kind !== 'image' && rng.rand() < 0.4;
  const ttft = stream ? startMs + Math.min(dur - 1, lognormalInt(rng, 350, 0.7, 30, 30_000)) : 0;

  // ----- metadata JSON (LiteLLM's SpendLogsMetadata shape; jsonb spacing) -----
  const customer = s.customer;
  let usage = 'null';
  if (!failed && !mcp) {
    let u = J`{"prompt_tokens": ${prompt}, "completion_tokens": ${completion}, "total_tokens": ${total}`;
    if (m.cacheStyle === 'openai') {
      if (cached > 0 || rng.rand() < 0.5)
        u += J`, "prompt_tokens_details": {"cached_tokens": ${cached}, "audio_tokens": null}`;
      if (m.kind === 'reason')
        u += J`, "completion_tokens_details": {"reasoning_tokens": ${reasoning}, "audio_tokens": null}`;
    } else if (m.cacheStyle === 'anthropic') {
      u += J`, "cache_read_input_tokens": ${cacheRead}, "cache_creation_input_tokens": ${cacheWrite}`;
      if (cacheRead > 0 && rng.rand() < 0.5)
        u += J`, "prompt_tokens_details": {"cached_tokens": ${cacheRead}}`;
      if (cacheWrite > 0 && rng.rand() < 0.5) {
        const oneH = rng.rand() < 0.3 ? cacheWrite : 0;
        u += J`, "cache_creation": {"ephemeral_5m_input_tokens": ${cacheWrite - oneH}, "ephemeral_1h_input_tokens": ${oneH}}`;
      }
    } else if (m.kind === 'reason') {
      u += J`, "completion_tokens_details": {"reasoning_tokens": ${reasoning}}`;
    }
    usage = `${u}}`;
  }
  const slm = spendLogsMetadata(rng, w, s, customer);
  const status = failed ? 'failure' : 'success';
  let meta = J`{"user_api_key_alias": ${key.aliasQ}, "user_api_key_team_id": ${key.teamIdQ}, "user_api_key_team_alias": ${key.teamAliasQ}, "user_api_key_user_id": ${key.userQ}, "spend_logs_metadata": ${slm}, "status": "${status}"`;
  if (failed) {
    const e = w.errorsQ[rng.int(ERRORS.length)];
    meta += J`, "error_information": {"error_code": "${e[0]}", "error_class": "${e[1]}", "llm_provider": "${m.provider}", "error_message": ${e[2]}}`;
  }
  if (mcp)
    meta += J`, "mcp_tool_call_metadata": {"name": "${MCP_TOOLS[i % MCP_TOOLS.length]}", "mcp_server_name": "zapier"}`;
  meta += J`, "usage_object": ${usage}}`;

  // ----- the CSV line, in schema order -----
  const r = rng.rand();
  const cacheHitText = cacheHit ? 'True' : r < 0.5 ? 'None' : r < 0.97 ? 'False' : '';
  const cacheKey = cacheHit ? hexStr(rng, 64) : r < 0.4 ? 'Cache OFF' : r < 0.7 ? '""' : '';
  const dep = m.deployments[i % 3];
  const base = m.bases[i % m.bases.length];
  const ip = rng.rand() < 0.5 ? '' : `10.${rng.int(4)}.${rng.int(256)}.${rng.int(256)}`;
  return (
    `${requestId},${callType},${key.hash},${pgFloat(spend)},${total},${prompt},${completion},` +
    `${pgTs(startMs)},${pgTs(endMs)},${i % 10 === 7 ? '' : dur},${stream ? pgTs(ttft) : ''},` +
    `${mcp ? '""' : m.model},${mcp || dep === null ? '' : dep},${mcp ? '' : m.group},${mcp ? '' : m.provider},` +
    `${mcp ? '' : base === null ? '""' : base},${key.user},"${meta}",${cacheHitText},${cacheKey},${s.tags},` +
    `${team ? team.id : ''},${team?.org ?? ''},${customer ?? ''},${ip},{},{},${s.id ?? ''},${status},` +
    `${mcp ? MCP_TOOLS[i % MCP_TOOLS.length] : ''},${s.agent ?? ''},{}\n`
  );
}

/**
 * Generator of one batch (rows b*BATCH .. b*BATCH+BATCH-1) as a list of Buffers. A batch depends only on the
 * seed, the total row count and b (its own PRNG stream and session pool), so batches can be made in parallel
 * and the output is the same whatever the number of workers.
 */
function makeBatchGenerator(seed, rows) {
  const world = buildWorld(makeRng(`spendlogs:${seed}:world`));
  return (b) => {
    const rng = makeRng(`spendlogs:${seed}:batch:${b}`);
    // concurrent traces: a row joins one of these or (15%) stands alone
    const pool = Array.from({ length: 64 }, () => newSession(rng, world, true));
    const chunks = [];
    // Rows go straight into a Buffer: a string rope of 10k rows gets promoted to the old generation and made
    // GC the bottleneck (10x slower).
    let buf = Buffer.allocUnsafe(CHUNK);
    let off = 0;
    const end = Math.min(rows, (b + 1) * BATCH);
    for (let i = b * BATCH; i < end; i++) {
      // roughly time-ordered (as rows are inserted), with a few seconds of jitter
      const t = START_MS + Math.floor((i / rows) * SPAN_MS) + rng.int(3000);
      let s;
      if (rng.rand() < 0.15) {
        s = newSession(rng, world, false); // a request outside any trace: session_id NULL
      } else {
        const k = rng.int(pool.length);
        s = pool[k];
        if (--s.left <= 0) pool[k] = newSession(rng, world, true);
      }
      const line = row(rng, world, i, s, t);
      if (off + line.length * 3 > buf.length) {
        chunks.push(buf.subarray(0, off));
        buf = Buffer.allocUnsafe(Math.max(CHUNK, line.length * 3));
        off = 0;
      }
      off += buf.write(line, off);
    }
    chunks.push(buf.subarray(0, off));
    return chunks;
  };
}

/** Default worker count: the cores there are, at most 4 (the writer is the main thread). */
export const defaultWorkers = () => Math.max(1, Math.min(4, availableParallelism()));

/**
 * Writes the header and `rows` rows to `stream`, awaiting 'drain' on backpressure, so memory stays flat at any
 * row count. Batches are made by `workers` worker threads (1: in this thread) and written in order.
 * onProgress(rowsDone) is called after each batch. Returns the bytes written.
 */
export async function generateSpendLogs({
  rows,
  stream,
  seed = '42',
  workers = defaultWorkers(),
  onProgress,
}) {
  let bytes = 0;
  let streamError = null;
  stream.on('error', (e) => {
    streamError ??= e;
  });
  const write = async (chunk) => {
    if (streamError) throw streamError;
    bytes += chunk.length;
    if (!stream.write(chunk)) await once(stream, 'drain');
  };
  await write(Buffer.from(HEADER));
  const batches = Math.ceil(rows / BATCH);
  if (workers <= 1 || batches < 2) {
    const gen = makeBatchGenerator(seed, rows);
    for (let b = 0; b < batches; b++) {
      for (const c of gen(b)) await write(c);
      onProgress?.(Math.min(rows, (b + 1) * BATCH));
    }
    return bytes;
  }
  const n = Math.min(workers, batches);
  const pool = Array.from(
    { length: n },
    () => new Worker(new URL(import.meta.url), { workerData: { spendlogsWorker: true, seed, rows } }),
  );
  const waiting = new Map();
  let fail;
  const failed = new Promise((_, reject) => {
    fail = reject;
  });
  failed.catch(() => {});
  for (const w of pool) {
    w.on('message', ({ b, chunks }) => waiting.get(b)?.resolve(chunks));
    w.on('error', (e) => fail(e));
    w.on('exit', (code) => code !== 0 && fail(new Error(`generator worker exited with code ${code}`)));
  }
  const results = new Map();
  const request = (b) => {
    results.set(
      b,
      new Promise((resolve) => {
        waiting.set(b, { resolve });
      }),
    );
    pool[b % n].postMessage(b);
  };
  // at most 2 batches in flight per worker (~10 MB each): memory stays flat
  let next = 0;
  for (; next < Math.min(batches, 2 * n); next++) request(next);
  try {
    for (let b = 0; b < batches; b++) {
      const chunks = await Promise.race([results.get(b), failed]);
      results.delete(b);
      waiting.delete(b);
      if (next < batches) request(next++);
      for (const c of chunks) await write(Buffer.from(c.buffer, c.byteOffset, c.byteLength));
      onProgress?.(Math.min(rows, (b + 1) * BATCH));
    }
  } finally {
    for (const w of pool) w.removeAllListeners('exit');
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return bytes;
}

function workerMain() {
  const { seed, rows } = workerData;
  const gen = makeBatchGenerator(seed, rows);
  parentPort.on('message', (b) => {
    const chunks = gen(b);
    parentPort.postMessage(
      { b, chunks },
      chunks.map((c) => c.buffer),
    );
  });
}

function parseArgs(argv) {
  const o = { rows: 1000, out: null, seed: '42', workers: defaultWorkers() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--rows') o.rows = Number(argv[++i]);
    else if (a === '--out') o.out = argv[++i];
    else if (a === '--seed') o.seed = argv[++i];
    else if (a === '--workers') o.workers = Number(argv[++i]);
    else if (a === '--help' || a === '-h') o.help = true;
    else throw new Error(`unknown argument: ${a}`);
  }
  if (!Number.isInteger(o.rows) || o.rows < 0) throw new Error('--rows must be a non-negative integer');
  if (!Number.isInteger(o.workers) || o.workers < 1) throw new Error('--workers must be a positive integer');
  return o;
}

async function cli() {
  let o;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`generate-spendlogs: ${e.message}\n`);
    return 2;
  }
  if (o.help) {
    process.stdout.write(
      'usage: node bench/generate-spendlogs.mjs --rows N [--out FILE] [--seed S] [--workers N]\n' +
        'Writes N LiteLLM SpendLogs rows as Postgres COPY CSV (default: stdout). Same rows and seed, same bytes.\n',
    );
    return 0;
  }
  const stream =
    o.out && o.out !== '-' ? createWriteStream(o.out, { highWaterMark: 1 << 24 }) : process.stdout;
  // `generate ... | head` closes the pipe early: the reader's choice, not an error
  if (stream === process.stdout) stream.on('error', (e) => e.code === 'EPIPE' && process.exit(0));
  const t0 = performance.now();
  const bytes = await generateSpendLogs({ rows: o.rows, stream, seed: o.seed, workers: o.workers });
  if (stream !== process.stdout) {
    stream.end();
    await once(stream, 'finish');
    const s = (performance.now() - t0) / 1000;
    process.stderr.write(`${o.rows} rows, ${(bytes / 1e6).toFixed(1)} MB in ${s.toFixed(2)} s -> ${o.out}\n`);
  }
  return 0;
}

if (!isMainThread && workerData?.spendlogsWorker) {
  workerMain();
} else if (isMainThread && import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    process.exitCode = await cli();
  } catch (e) {
    process.stderr.write(`generate-spendlogs: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  }
}
