// Enrichment the pipeline applies to every source: canonical model ids through the price book's aliases, and
// the usage cost estimate (price book at request time). The price tables are installed per connection.
import {
  cleanModelIdSql,
  cloudModelSpellingSql,
  modelFamilyProviderSql,
  normalizeProviderSql,
  tokenRowProviderSql,
} from '../prices/names.js';
import { priceUsageSql, REQUEST_CONTEXT_SQL } from '../prices/sql.js';

/**
 * The context size a usage row is priced at for long-context tiers: a request's own input incl. cache; a bucket
 * sums many requests, so it is priced at the base tier unless the source says which context window it holds
 * (Anthropic's usage report groups by `context_window`: `0-200k` or `200k-1M`, kept as a tag).
 */
const CONTEXT_SQL = `CASE WHEN grain = 'request' THEN ${REQUEST_CONTEXT_SQL}
    WHEN json_extract_string(tags, '$.context_window') LIKE '200k%' THEN 200001 ELSE 0 END`;

/** Adds `model`, `cost_estimate` and `unpriced` to a usage relation (price book at request time, per request tier). */
export function usagePricedSql(typed: string): string {
  // the book has no prices for `other_quantity` units (e.g. vector-store bytes): such rows are unpriced, never free
  return `SELECT * REPLACE (
      CASE WHEN COALESCE(other_quantity, 0) > 0 THEN NULL ELSE cost_estimate END AS cost_estimate,
      CASE WHEN COALESCE(other_quantity, 0) > 0 THEN concat_ws(',', unpriced, 'other_quantity') ELSE unpriced END AS unpriced)
    FROM (${priceUsageSql(`(${typed})`, { context: CONTEXT_SQL })})`;
}

/** The canonical model id for a focus row's raw model, via the alias table; the cleaned raw id when unknown. */
export function focusModelSql(rawExpr: string, providerExpr: string): string {
  const cleaned = cleanModelIdSql(rawExpr);
  const provider = normalizeProviderSql(providerExpr);
  // the provider's own alias first, then the provider-less one (one row per alias)
  return `CASE WHEN ${rawExpr} IS NULL THEN NULL ELSE COALESCE(
    (SELECT min(a.model) FROM model_alias a WHERE a.provider = ${provider} AND a.alias = ${cleaned}),
    (SELECT min(a.model) FROM model_alias a WHERE a.provider IS NULL AND a.alias = ${cleaned}), ${cleaned}) END`;
}

/**
 * The canonical model id of a cloud bill's token row (Bedrock, Azure OpenAI, Vertex AI): the cloud's spelling as an
 * id (prices/names.ts#cloudModelSpellingSql), then the platform's aliases incl. short date forms, then those of the
 * model's maker (a Bedrock Claude row resolves to Anthropic's id when the book has no Bedrock entry), then the
 * provider-less ones; the spelled id when unknown. Both sides of a match then name a model alike: the gateway's
 * `bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0` and the CUR's `Claude4.5Sonnet`.
 */
export function cloudModelSql(rawExpr: string, providerExpr: string, tokenClassExpr: string): string {
  const spelled = cloudModelSpellingSql(cleanModelIdSql(rawExpr));
  const platform = tokenRowProviderSql(providerExpr, tokenClassExpr);
  return `CASE WHEN ${rawExpr} IS NULL THEN NULL ELSE COALESCE(
    (SELECT min(a.model) FROM cloud_model_alias a WHERE a.provider = ${platform} AND a.alias = ${spelled}),
    (SELECT min(a.model) FROM cloud_model_alias a WHERE a.provider = ${modelFamilyProviderSql(spelled)} AND a.alias = ${spelled}),
    (SELECT min(a.model) FROM model_alias a WHERE a.provider IS NULL AND a.alias = ${spelled}), ${spelled}) END`;
}
