// Provider, model-id and service-tier normalization, each in a TypeScript and a SQL form built from the same
// tables, so a source's SELECT and the price book resolve names identically.
import type { Sql } from '../sql.js';

/** Canonical provider ids and the raw spellings (gateways, OTel gen_ai.provider.name, LiteLLM) that map to them. */
const PROVIDER_SPELLINGS: Record<string, readonly string[]> = {
  openai: ['openai', 'text-completion-openai', 'openai_api'],
  anthropic: ['anthropic', 'anthropic_api'],
  google: [
    'google',
    'gemini',
    'vertex_ai',
    'vertex_ai-language-models',
    'vertex_ai_beta',
    'vertex',
    'vertexai',
    'google_ai',
    'googleai',
    'google-ai',
    'google_vertex_ai',
    'gcp.gemini',
    'gcp.vertex_ai',
    'gcp.gen_ai',
  ],
  mistral: ['mistral', 'mistralai', 'mistral_ai', 'mistral-ai', 'codestral', 'text-completion-codestral'],
  'aws-bedrock': [
    'aws-bedrock',
    'bedrock',
    'bedrock_converse',
    'aws_bedrock',
    'aws.bedrock',
    'amazon-bedrock',
    'amazon_bedrock',
  ],
  'azure-openai': ['azure-openai', 'azure', 'azure_openai', 'azure_text', 'az.ai.openai', 'azure.ai.openai'],
};

const PROVIDER_BY_SPELLING = new Map<string, string>(
  Object.entries(PROVIDER_SPELLINGS).flatMap(([id, spellings]) => spellings.map((s) => [s, id] as const)),
);

/** The providers aicost knows by name, in the order used to pick a model's first-party provider. */
export const KNOWN_PROVIDERS = Object.keys(PROVIDER_SPELLINGS);

/**
 * Normalizes a provider name to aicost's lowercase id (`openai`, `anthropic`, `google`, `mistral`, `aws-bedrock`,
 * `azure-openai`); other names are kept lowercased and trimmed (e.g. `self-hosted`); empty or null gives null.
 */
export function normalizeProvider(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  const key = trimSpaces(raw).toLowerCase();
  if (key === '') return null;
  return PROVIDER_BY_SPELLING.get(key) ?? key;
}

function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** Strips leading and trailing spaces (only spaces, as in SQL); trim() is costly in DuckDB, so it is guarded. */
function trimSpaces(value: string): string {
  return value.replace(/^ +| +$/g, '');
}

function trimSpacesSql(expr: string): string {
  return `(CASE WHEN starts_with(${expr}, ' ') OR ends_with(${expr}, ' ') THEN trim(${expr}) ELSE ${expr} END)`;
}

/**
 * SQL equivalent of {@link normalizeProvider} over a VARCHAR expression: one constant MAP lookup per row (an IN
 * list per provider would become a join per provider: several times slower on the ingest hot path).
 */
export function normalizeProviderSql(expr: string): Sql {
  const key = `lower(${trimSpacesSql(expr)})`;
  const entries = [...PROVIDER_BY_SPELLING.entries()]
    .map(([k, v]) => `${sqlString(k)}: ${sqlString(v)}`)
    .join(', ');
  return `COALESCE(MAP {${entries}}[${key}], nullif(${key}, ''))` as Sql;
}

/**
 * The model platform a cloud bills LLM token rows under. A FOCUS row's ServiceProviderName is the cloud (`AWS`,
 * `Microsoft`, `Google Cloud`), while a gateway's request names the platform (`aws-bedrock`, `azure-openai`,
 * `google`): allocation matches a cloud's token line to the usage of its platform.
 */
const CLOUD_MODEL_PLATFORMS: Record<string, string> = {
  aws: 'aws-bedrock',
  'amazon web services': 'aws-bedrock',
  microsoft: 'azure-openai',
  'microsoft azure': 'azure-openai',
  'google cloud': 'google',
  'google cloud platform': 'google',
  gcp: 'google',
};

/**
 * The provider id of a FOCUS row for matching and model lookup: a cloud's token rows (`tokenClassExpr` not null)
 * take the cloud's model platform ({@link CLOUD_MODEL_PLATFORMS}); every other row {@link normalizeProviderSql}.
 */
export function tokenRowProviderSql(providerExpr: string, tokenClassExpr: string): Sql {
  const key = `lower(${trimSpacesSql(providerExpr)})`;
  const entries = Object.entries(CLOUD_MODEL_PLATFORMS)
    .map(([k, v]) => `${sqlString(k)}: ${sqlString(v)}`)
    .join(', ');
  const plain = normalizeProviderSql(providerExpr);
  return `(CASE WHEN ${tokenClassExpr} IS NOT NULL THEN COALESCE(MAP {${entries}}[${key}], ${plain}) ELSE ${plain} END)` as Sql;
}

/**
 * A cloud bill's spelling of a model as a model id (over a cleaned, lowercase id). Bedrock usage types write Claude
 * as `Claude4.6Sonnet` (AWS's CUR documentation) and product names as `Claude 3.5 Sonnet (Amazon Bedrock Edition)`:
 * Claude 4 and later become `claude-sonnet-4-6`, Claude 3.x `claude-3-5-sonnet` (Anthropic's two id orders), a
 * parenthesized edition is dropped. Azure meters write `gpt 4o 0513`: spaces become dashes (`gpt-4o-0513`, which the
 * price book's short-date aliases resolve: prices/sql.ts#cloud_model_alias).
 */
export function cloudModelSpellingSql(expr: string): Sql {
  const bare = `regexp_replace(${expr}, ' *\\(.*\\)$', '')`;
  const squashed = `replace(${bare}, ' ', '')`;
  return `(CASE
    WHEN regexp_full_match(${squashed}, 'claude3(\\.[0-9]+)?[a-z]+')
      THEN regexp_replace(regexp_replace(${squashed}, '^claude3\\.([0-9]+)([a-z]+)$', 'claude-3-\\1-\\2'), '^claude3([a-z]+)$', 'claude-3-\\1')
    WHEN regexp_full_match(${squashed}, 'claude[0-9]+(\\.[0-9]+)?[a-z]+')
      THEN regexp_replace(regexp_replace(${squashed}, '^claude([0-9]+)\\.([0-9]+)([a-z]+)$', 'claude-\\3-\\1-\\2'), '^claude([0-9]+)([a-z]+)$', 'claude-\\2-\\1')
    ELSE replace(${bare}, ' ', '-') END)` as Sql;
}

/**
 * First-party model families by id prefix (lowercased id), for requests that name no provider: the model's own
 * maker. A request routed through another host (Azure, Bedrock, Vertex) is only known as such from a provider hint,
 * which takes precedence.
 */
const MODEL_FAMILIES: readonly [provider: string, pattern: string][] = [
  [
    'openai',
    '^(gpt-|chatgpt-|o[134](-|$)|text-embedding-(3|ada)|dall-e|whisper|tts-|omni-moderation|text-moderation)',
  ],
  ['anthropic', '^claude-'],
  ['google', '^(models/)?gemini-'],
  ['mistral', '^(mistral|codestral|ministral|pixtral|magistral|devstral)'],
];

/** The maker of a bare model id (`gpt-4o` -> openai, `claude-...` -> anthropic), null for other ids. */
export function modelFamilyProvider(model: string | null | undefined): string | null {
  if (model === null || model === undefined) return null;
  const id = model.toLowerCase();
  return MODEL_FAMILIES.find(([, re]) => new RegExp(re).test(id))?.[0] ?? null;
}

/** SQL equivalent of {@link modelFamilyProvider} over a VARCHAR expression. */
export function modelFamilyProviderSql(expr: string): Sql {
  const m = `lower(${expr})`;
  const whens = MODEL_FAMILIES.map(
    ([p, re]) => `WHEN regexp_matches(${m}, ${sqlString(re)}) THEN ${sqlString(p)}`,
  ).join(' ');
  return `(CASE ${whens} END)` as Sql;
}

/**
 * A source's own provider spellings (lowercase raw name -> canonical id, or null for a name that says no provider),
 * applied before {@link normalizeProviderSql}; other values pass unchanged. The table is the source's data.
 */
export function vendorProviderSql(expr: string, spellings: Record<string, string | null>): Sql {
  const whens = Object.entries(spellings)
    .map(([raw, id]) => `WHEN ${sqlString(raw)} THEN ${id === null ? 'NULL' : sqlString(id)}`)
    .join(' ');
  return `(CASE lower(${expr}) ${whens} ELSE ${expr} END)` as Sql;
}

/**
 * Route prefixes gateways put in front of a model id (`openai/gpt-4o`, `bedrock/converse/...`, Gemini's
 * `models/gemini-2.5-pro`, LiteLLM's client-side `litellm_proxy/bedrock/...`). Stripped repeatedly from the start
 * of a lowercased id.
 */
const ROUTE_PREFIXES = [
  'litellm_proxy',
  'openai',
  'anthropic',
  'azure',
  'azure_openai',
  'bedrock',
  'converse',
  'invoke',
  'gemini',
  'vertex_ai',
  'vertex_ai-language-models',
  'google',
  'mistral',
  'models',
];

const ROUTE_PREFIX_PATTERN = `^((${ROUTE_PREFIXES.join('|')})/)+`;
const ROUTE_PREFIX_RE = new RegExp(ROUTE_PREFIX_PATTERN);

/** Lowercases a raw model id and strips gateway route prefixes: `Bedrock/US.Anthropic.X` -> `us.anthropic.x`. */
export function cleanModelId(raw: string): string {
  return trimSpaces(raw).toLowerCase().replace(ROUTE_PREFIX_RE, '');
}

/** SQL equivalent of {@link cleanModelId}; the regex runs only on ids that contain a slash. */
export function cleanModelIdSql(expr: string): Sql {
  const lowered = `lower(${trimSpacesSql(expr)})`;
  return `(CASE WHEN contains(${expr}, '/') THEN regexp_replace(${lowered}, ${sqlString(ROUTE_PREFIX_PATTERN)}, '') ELSE ${lowered} END)` as Sql;
}

/** Service tiers that can carry their own price; anything else (default, standard, auto, scale...) is the default tier. */
export const SERVICE_TIERS = ['batch', 'priority', 'flex'] as const;
export type ServiceTier = (typeof SERVICE_TIERS)[number];

/** Maps a raw service tier to a priced tier, or null for the default tier. */
export function normalizeServiceTier(raw: string | null | undefined): ServiceTier | null {
  const key = raw === null || raw === undefined ? undefined : trimSpaces(raw).toLowerCase();
  return (SERVICE_TIERS as readonly string[]).includes(key ?? '') ? (key as ServiceTier) : null;
}

/** SQL equivalent of {@link normalizeServiceTier}, with '' for the default tier (a join key must not be NULL). */
export function serviceTierKeySql(expr: string): string {
  return `(CASE lower(${trimSpacesSql(expr)}) ${SERVICE_TIERS.map((t) => `WHEN '${t}' THEN '${t}'`).join(' ')} ELSE '' END)`;
}

/**
 * Amazon Bedrock inference-profile prefixes (`us.anthropic.claude-...`): geography-scoped and global cross-region
 * profiles. Price book entries may carry one of these as `region`.
 */
export const BEDROCK_PROFILES = ['us', 'eu', 'apac', 'jp', 'au', 'ca', 'us-gov', 'global'] as const;

/**
 * SQL: the maker's model id inside a Bedrock model id the book does not list (`us.anthropic.claude-sonnet-4-6`,
 * `anthropic.claude-sonnet-4-6-v1:0` -> `claude-sonnet-4-6`): inference-profile prefix, vendor prefix and version
 * suffix removed; NULL for an id of another shape. Usage resolves it through the provider-less aliases, so a Bedrock
 * request names a model the way the CUR's token rows do (normalize/enrich.ts#cloudModelSql).
 */
export function bedrockMakerIdSql(expr: string): Sql {
  const profiles = BEDROCK_PROFILES.map((p) => p.replace('-', '\\-')).join('|');
  const re = `^((${profiles})\\.)?[a-z0-9-]+\\.([a-z0-9][a-z0-9.-]*?)(-v[0-9]+)?(:[0-9]+)?$`;
  return `(CASE WHEN regexp_full_match(${expr}, ${sqlString(re)}) THEN regexp_replace(${expr}, ${sqlString(re)}, '\\3') END)` as Sql;
}

const BEDROCK_ID = /^[a-z0-9-]+\.[a-z0-9][a-z0-9.:-]*$/;
const BEDROCK_VERSION_SUFFIX = /-v\d+(:\d+)?$/;

/**
 * The ids under which a Bedrock model id is requested: itself, without its `:0` / `-v1:0` version suffix, and each
 * of those behind every inference-profile prefix. Each comes with the profile it implies (null = in-region).
 */
export function bedrockIdVariants(id: string): { alias: string; region: string | null }[] {
  if (!BEDROCK_ID.test(id)) return [{ alias: id, region: null }];
  const bases = new Set([id]);
  const suffix = BEDROCK_VERSION_SUFFIX.exec(id);
  if (suffix) {
    bases.add(id.replace(/:\d+$/, ''));
    bases.add(id.slice(0, suffix.index));
  }
  const out: { alias: string; region: string | null }[] = [];
  for (const base of bases) {
    out.push({ alias: base, region: null });
    for (const profile of BEDROCK_PROFILES) out.push({ alias: `${profile}.${base}`, region: profile });
  }
  return out;
}
