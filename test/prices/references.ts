// Compares the bundled price book with dated copies of two public price maps (fixtures/prices/references/): LiteLLM's
// model_prices_and_context_window.json and Langfuse's default model prices. Only prices both sides state are
// compared; a price the reference does not list is not a difference. Used by book-vs-references.test.ts.
import { readFileSync } from 'node:fs';
import { BOOK_PATH, loadPriceBook, type PriceRow } from '../../src/prices/book.js';
import { normalizeDecimal } from '../../src/prices/decimal.js';
import { readPriceFile } from '../../src/prices/schema.js';
import { fixture } from '../helpers/home.js';

export type Reference = 'litellm' | 'langfuse';

/** One price the book and a reference both state, with different values (USD per single unit, exact decimals). */
export interface Difference {
  reference: Reference;
  provider: string;
  model: string;
  unit: string;
  service_tier: string | null;
  min_context_tokens: number | null;
  region: string | null;
  /** the reference entry: LiteLLM key, Langfuse modelName */
  entry: string;
  book: string;
  ref: string;
}

export interface Comparison {
  differences: Difference[];
  /** book models (provider/model) the reference has no entry for */
  noEntry: string[];
  /** how many prices were compared */
  compared: number;
}

type Json = Record<string, unknown>;
const DIR = fixture('prices', 'references');
export const readReference = (name: string) => JSON.parse(readFileSync(`${DIR}/${name}`, 'utf8'));

/** A JSON number (a binary double) as the exact decimal of its shortest round-trip text, as the file wrote it. */
export function decimalOf(n: number): string {
  const [mantissa, exp] = String(n).toLowerCase().split('e') as [string, string | undefined];
  const e = Number(exp ?? 0);
  const [int, frac = ''] = mantissa.split('.') as [string, string | undefined];
  const digits = `${int}${frac}`;
  const point = int.length + e;
  const s =
    point <= 0
      ? `0.${'0'.repeat(-point)}${digits}`
      : point >= digits.length
        ? `${digits}${'0'.repeat(point - digits.length)}`
        : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return normalizeDecimal(s);
}

/** The book's declared ids (canonical id first, then aliases) per provider/model, lowercase. */
function declaredIds(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [provider, models] of Object.entries(readPriceFile(BOOK_PATH).data.providers))
    for (const [model, entry] of Object.entries(models))
      out.set(`${provider}/${model}`, [model, ...(entry.aliases ?? []).map((a) => a.toLowerCase())]);
  return out;
}

/** Book rows current on `day` (a reference snapshot's date), grouped by provider/model. */
function currentRows(day: string): Map<string, PriceRow[]> {
  const out = new Map<string, PriceRow[]>();
  for (const r of loadPriceBook().rows) {
    if (r.valid_from > day || (r.valid_to !== null && r.valid_to <= day)) continue;
    const k = `${r.provider}/${r.model}`;
    out.set(k, [...(out.get(k) ?? []), r]);
  }
  return out;
}

const LITELLM_UNIT: Record<string, string> = {
  input: 'input_cost_per_token',
  cache_read: 'cache_read_input_token_cost',
  cache_write_5m: 'cache_creation_input_token_cost',
  cache_write_1h: 'cache_creation_input_token_cost_above_1hr',
  output: 'output_cost_per_token',
  character: 'input_cost_per_character',
  image: 'output_cost_per_image',
  audio_second: 'input_cost_per_second',
};
const LITELLM_TIER: Record<string, string> = { batch: '_batches', priority: '_priority', flex: '_flex' };
const LITELLM_PREFIXES: Record<string, string[]> = {
  openai: [''],
  anthropic: [''],
  google: ['gemini/', ''],
  mistral: ['mistral/'],
  'azure-openai': ['azure/'],
};

function litellmField(r: PriceRow): string | undefined {
  const base = LITELLM_UNIT[r.unit];
  if (!base) return undefined;
  const ctx = r.min_context_tokens === null ? '' : `_above_${r.min_context_tokens / 1000}k_tokens`;
  return `${base}${ctx}${r.service_tier ? LITELLM_TIER[r.service_tier] : ''}`;
}

/** The LiteLLM key of a book model (and Bedrock profile): the first of its ids behind the provider's prefixes. */
function litellmKey(map: Json, provider: string, ids: string[], region: string | null): string | undefined {
  // Bedrock: vendor ids (anthropic.x-v1:0) before the book's short aliases, which name the first-party models
  const ordered =
    provider === 'aws-bedrock' ? [...ids].sort((a, b) => +b.includes('.') - +a.includes('.')) : ids;
  const prefixes =
    provider === 'aws-bedrock'
      ? region
        ? [`${region}.`]
        : ['', 'global.']
      : (LITELLM_PREFIXES[provider] ?? []);
  for (const id of ordered) for (const p of prefixes) if (`${p}${id}` in map) return `${p}${id}`;
  return undefined;
}

export function compareLitellm(map: Json, day: string): Comparison {
  const ids = declaredIds();
  const differences: Difference[] = [];
  const noEntry: string[] = [];
  let compared = 0;
  for (const [k, rows] of currentRows(day)) {
    const [provider] = k.split('/') as [string];
    let matchedAny = false;
    for (const r of rows) {
      const key = litellmKey(map, provider, ids.get(k) ?? [r.model], r.region);
      if (!key) continue;
      matchedAny = true;
      const field = litellmField(r);
      const v = field ? (map[key] as Json)[field] : undefined;
      if (typeof v !== 'number') continue;
      compared++;
      const ref = decimalOf(v);
      if (ref !== normalizeDecimal(r.price)) differences.push(diff('litellm', r, key, ref));
    }
    if (!matchedAny) noEntry.push(k);
  }
  return { differences, noEntry: noEntry.sort(), compared };
}

interface LangfuseTier {
  isDefault: boolean;
  conditions: { key?: string; values?: string[]; usageDetailPattern?: string; value?: number }[];
  prices: Record<string, number>;
}
interface LangfuseEntry {
  modelName: string;
  matchPattern: string;
  pricingTiers: LangfuseTier[];
}

const LANGFUSE_UNIT: Record<string, string[]> = {
  input: ['input'],
  cache_read: ['input_cached_tokens', 'cache_read_input_tokens', 'input_cache_read'],
  cache_write_5m: ['input_cache_creation_5m', 'input_cache_creation', 'cache_creation_input_tokens'],
  cache_write_1h: ['input_cache_creation_1h'],
  output: ['output'],
};

/** A Langfuse tier as (service tier, context threshold): its service_tier and usage-detail conditions. */
function tierOf(t: LangfuseTier): { tier: string | null; context: number | null } {
  let tier: string | null = null;
  let context: number | null = null;
  for (const c of t.conditions) {
    if (c.key === 'service_tier')
      tier = c.values?.includes('flex') ? 'flex' : c.values?.includes('priority') ? 'priority' : 'other';
    if (c.usageDetailPattern !== undefined) context = c.value ?? null;
  }
  return { tier, context };
}

export function compareLangfuse(entries: LangfuseEntry[], day: string): Comparison {
  const ids = declaredIds();
  const patterns = entries.map((e) => ({ e, re: new RegExp(e.matchPattern.replace('(?i)', ''), 'i') }));
  const differences: Difference[] = [];
  const noEntry: string[] = [];
  let compared = 0;
  for (const [k, rows] of currentRows(day)) {
    const [provider] = k.split('/') as [string];
    // Langfuse's defaults are the first-party APIs' prices
    if (!['openai', 'anthropic', 'google'].includes(provider)) continue;
    const modelIds = ids.get(k) ?? [];
    const hit = modelIds.map((id) => patterns.find((p) => p.re.test(id))).find((p) => p !== undefined);
    if (!hit) {
      noEntry.push(k);
      continue;
    }
    for (const r of rows) {
      const tier = hit.e.pricingTiers.find((t) => {
        const x = t.isDefault ? { tier: null, context: null } : tierOf(t);
        return x.tier === r.service_tier && x.context === r.min_context_tokens;
      });
      const key = (LANGFUSE_UNIT[r.unit] ?? []).find((u) => tier?.prices[u] !== undefined);
      if (!tier || !key) continue;
      compared++;
      const ref = decimalOf(tier.prices[key]!);
      if (ref !== normalizeDecimal(r.price)) differences.push(diff('langfuse', r, hit.e.modelName, ref));
    }
  }
  return { differences, noEntry: noEntry.sort(), compared };
}

function diff(reference: Reference, r: PriceRow, entry: string, ref: string): Difference {
  return {
    reference,
    provider: r.provider,
    model: r.model,
    unit: r.unit,
    service_tier: r.service_tier,
    min_context_tokens: r.min_context_tokens,
    region: r.region,
    entry,
    book: normalizeDecimal(r.price),
    ref,
  };
}
