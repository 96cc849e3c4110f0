// Shared pieces of the LLM provider billing definitions: FOCUS constants of a provider's API charges and the
// token-class vocabulary (PRODUCT §3). Data, not pipeline code.
import { constant, valueMap } from '../normalize/ops.js';

/** The FOCUS columns that are fixed for API charges of one provider. */
export function providerCharge(provider: string, serviceName: string): Record<string, string> {
  // BillingAccountId from --account, else the provider's name (the pipeline warns); the API's billing account is the
  // organization, and it has no display name of its own in these reports, so the name repeats the id.
  const account = `COALESCE(_account, ${constant(provider)})`;
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

export const meterFor = (classExpr: string): string => valueMap(classExpr, TOKEN_METER, `'Other Units'`);

/** The conformant row of a cost line without itemization (PRODUCT §3). */
export function unitemized(provider: string, cost: string): Record<string, string> {
  return {
    SkuId: constant(`${provider}:unitemized`),
    SkuPriceId: constant(`${provider}:unitemized`),
    SkuMeter: constant('Unitemized'),
    PricingUnit: constant('Units'),
    PricingQuantity: '1',
    ConsumedQuantity: '1',
    ConsumedUnit: constant('Units'),
    ListUnitPrice: cost,
    ContractedUnitPrice: cost,
    ListCost: cost,
    ContractedCost: cost,
    x_PriceDerived: 'true',
  };
}
