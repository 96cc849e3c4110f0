// Anthropic Admin API cost report (`GET /v1/organizations/cost_report`): daily buckets whose `amount` is a decimal
// STRING in cents ("123.78912" = 1.2378912 USD). Token lines carry model and token_type only when grouped by
// description; otherwise the line is unitemized (docs/vendor-formats.md#anthropic).

import { defineSource } from '../normalize/contract.js';
import { checks, constant, decimal, isoTime, str, value, valueMap } from '../normalize/ops.js';
import { NULL, type Sql, sql } from '../sql.js';
import { meterFor, NO_CORRECTIONS, PROVIDER_NAMES, providerCharge, unitemized } from './llm-common.js';

const cost = decimal('amount', 100);
const tokenClass = sql`CASE
  WHEN ${str('token_type')} IS NOT NULL THEN ${valueMap(
    str('token_type'),
    {
      uncached_input_tokens: 'input',
      output_tokens: 'output',
      cache_read_input_tokens: 'cache_read',
      'cache_creation.ephemeral_5m_input_tokens': 'cache_write_5m',
      'cache_creation.ephemeral_1h_input_tokens': 'cache_write_1h',
    },
    constant('other'),
  )}
  WHEN ${str('cost_type')} IS NOT NULL AND ${str('cost_type')} <> 'tokens' THEN 'other' END`;
const itemized = sql`(${str('model')} IS NOT NULL AND ${str('token_type')} IS NOT NULL)`;
const un = unitemized('anthropic', cost);
// Until paired with usage (pairing.ts), a token line's quantity is unknown: it keeps the unitemized shape.
const pick = (col: keyof typeof un, whenItemized: Sql) =>
  sql`CASE WHEN ${itemized} THEN ${whenItemized} ELSE ${un[col]} END`;
const sku = sql`'anthropic:' || lower(${str('model')}) || ':' || (${tokenClass})`;

export const anthropicCost = defineSource({
  id: 'anthropic-cost',
  title: 'Anthropic Admin API cost report',
  family: 'llm-billing',
  dataset: 'focus',
  detects:
    'JSON cost_report page: buckets with starting_at and results holding amount (cents, string) and currency',
  detect: [{ format: 'json', json: ['"starting_at"', /"amount"\s*:\s*"/, '"currency"'] }],
  reader: () => ({
    kind: 'json',
    records: {
      path: ['data', '*', 'results', '*'],
      fields: {
        starting_at: '../starting_at',
        ending_at: '../ending_at',
        amount: 'amount',
        currency: 'currency',
        workspace_id: 'workspace_id',
        description: 'description',
        cost_type: 'cost_type',
        context_window: 'context_window',
        model: 'model',
        service_tier: 'service_tier',
        token_type: 'token_type',
        inference_geo: 'inference_geo',
      },
    },
    columns: Object.fromEntries(
      [
        'starting_at',
        'ending_at',
        'amount',
        'currency',
        'workspace_id',
        'description',
        'cost_type',
        'context_window',
        'model',
        'service_tier',
        'token_type',
        'inference_geo',
      ].map((c) => [c, { type: 'VARCHAR', required: ['starting_at', 'amount'].includes(c) }]),
    ),
  }),
  checks: [
    checks.isoTime('starting_at'),
    checks.required('amount'),
    checks.number('amount'),
    checks.required('currency'),
  ],
  absent: NO_CORRECTIONS,
  map: {
    ...providerCharge(PROVIDER_NAMES.anthropic.provider, PROVIDER_NAMES.anthropic.service),
    BillingCurrency: sql`upper(${str('currency')})`,
    ChargePeriodStart: isoTime('starting_at'),
    ChargePeriodEnd: sql`COALESCE(${isoTime('ending_at')}, ${isoTime('starting_at')} + INTERVAL 1 DAY)`,
    ChargeDescription: sql`COALESCE(${str('description')}, 'Claude API usage (unitemized)')`,
    BilledCost: cost,
    EffectiveCost: cost,
    ListCost: cost,
    ContractedCost: cost,
    SubAccountId: str('workspace_id'),
    SubAccountName: str('workspace_id'),
    SubAccountType: sql`CASE WHEN ${str('workspace_id')} IS NOT NULL THEN 'Workspace' END`,
    RegionId: str('inference_geo'),
    SkuId: pick('SkuId', sku),
    SkuPriceId: pick(
      'SkuPriceId',
      sql`${sku} || ':' || COALESCE(${str('service_tier')}, 'standard') || ':' || COALESCE(${str('context_window')}, 'any')`,
    ),
    SkuMeter: pick('SkuMeter', meterFor(sql`(${tokenClass})`)),
    SkuPriceDetails: sql`CASE WHEN ${itemized} THEN json_object('TokenClass', ${tokenClass}, 'ServiceTier', ${str('service_tier')}, 'ContextWindow', ${str('context_window')})::VARCHAR END`,
    PricingUnit: un.PricingUnit,
    PricingQuantity: un.PricingQuantity,
    ConsumedQuantity: un.ConsumedQuantity,
    ConsumedUnit: un.ConsumedUnit,
    ListUnitPrice: cost,
    ContractedUnitPrice: cost,
    x_CostSource: constant('cost-report'),
    x_ModelRaw: str('model'),
    x_TokenClass: tokenClass,
    x_ServiceTier: str('service_tier'),
    x_ProjectId: str('workspace_id'),
    x_QuantityEstimated: NULL,
    x_PriceDerived: value(true),
  },
  sourceCost: sql`TRY_CAST(${str('amount')} AS DECIMAL(38,18))`,
  sourceCostPerUnit: 100,
  reconcileTo: 'BilledCost',
  replace: {
    kind: 'rows',
    key: [
      'ChargePeriodStart',
      'x_ProjectId',
      'ChargeDescription',
      'x_Model',
      'x_TokenClass',
      'x_ServiceTier',
      'SkuPriceId',
    ],
  },
  pairWith: 'anthropic-usage',
});
