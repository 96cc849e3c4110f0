// Shared pieces of the LLM provider billing definitions: FOCUS constants of a provider's API charges and the
// token-class vocabulary (docs/data-model.md#token-classes). Data, not pipeline code.
import type { FocusMapKey } from '../focus/schema.js';
import { constant, value, valueMap } from '../normalize/ops.js';
import { type Sql, sql } from '../sql.js';

type FocusMap = Partial<Record<FocusMapKey, Sql>>;

/** Why API cost reports leave ChargeClass NULL (the completeness rule of the source contract). */
export const NO_CORRECTIONS = {
  ChargeClass: 'API cost reports restate a day instead of issuing corrections',
};

/**
 * Display and service names of the providers whose cost reports aicost reads, by aicost's provider id
 * (prices/names.ts): the cost-report sources and the prepaid bundles that cover them name a provider alike.
 */
export const PROVIDER_NAMES = {
  openai: { provider: 'OpenAI', service: 'OpenAI API' },
  anthropic: { provider: 'Anthropic', service: 'Claude API' },
} as const;

/** The FOCUS columns that are fixed for API charges of one provider. */
export function providerCharge(provider: string, serviceName: string): FocusMap {
  // BillingAccountId from --account, else the provider's name (the pipeline warns); the API's billing account is the
  // organization, and it has no display name of its own in these reports, so the name repeats the id.
  const account = sql`COALESCE(_account, ${constant(provider)})`;
  return {
    BillingAccountId: account,
    BillingAccountName: account,
    BillingAccountType: constant('Organization'),
    ServiceProviderName: constant(provider),
    HostProviderName: constant(provider),
    InvoiceIssuerName: constant(provider),
    ProviderName: constant(provider),
    PublisherName: constant(provider),
    ServiceName: constant(serviceName),
    ServiceCategory: constant('AI and Machine Learning'),
    ServiceSubcategory: constant('Generative AI'),
    ChargeCategory: constant('Usage'),
    ChargeFrequency: constant('Usage-Based'),
    PricingCategory: constant('Standard'),
  };
}

/** SkuMeter per token class. */
export const TOKEN_METER: Record<string, string> = {
  input: 'Input Tokens',
  cache_read: 'Cache Read Input Tokens',
  cache_write_5m: 'Cache Write Input Tokens (5m)',
  cache_write_1h: 'Cache Write Input Tokens (1h)',
  cache_write: 'Cache Write Input Tokens',
  output: 'Output Tokens',
};

export const meterFor = (classExpr: Sql): Sql => valueMap(classExpr, TOKEN_METER, constant('Other Units'));

/** The conformant row of a cost line without itemization (docs/data-model.md#cost-lines-without-quantities). */
export function unitemized(provider: string, cost: Sql): Record<UnitemizedColumn, Sql> {
  return {
    SkuId: constant(`${provider}:unitemized`),
    SkuPriceId: constant(`${provider}:unitemized`),
    SkuMeter: constant('Unitemized'),
    PricingUnit: constant('Units'),
    PricingQuantity: value(1),
    ConsumedQuantity: value(1),
    ConsumedUnit: constant('Units'),
    ListUnitPrice: cost,
    ContractedUnitPrice: cost,
    ListCost: cost,
    ContractedCost: cost,
    x_PriceDerived: value(true),
  };
}

type UnitemizedColumn =
  | 'SkuId'
  | 'SkuPriceId'
  | 'SkuMeter'
  | 'PricingUnit'
  | 'PricingQuantity'
  | 'ConsumedQuantity'
  | 'ConsumedUnit'
  | 'ListUnitPrice'
  | 'ContractedUnitPrice'
  | 'ListCost'
  | 'ContractedCost'
  | 'x_PriceDerived';
