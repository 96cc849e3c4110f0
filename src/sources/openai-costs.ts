// OpenAI Costs API (`GET /v1/organization/costs`): daily buckets of `organization.costs.result` with the amount in
// dollars (a float in the JSON; read from its text here) and a lowercase currency. `line_item` is
// "<model>, <class>" when grouped by line_item, a bare "input_tokens" or null otherwise (docs/vendor-formats.md#openai).

import { defineSource } from '../normalize/contract.js';
import { checks, constant, decimal, str, unixSeconds, value } from '../normalize/ops.js';
import { type Sql, sql } from '../sql.js';
import { NO_CORRECTIONS, PROVIDER_NAMES, providerCharge, unitemized } from './llm-common.js';

const cost = decimal('amount_value');
// "gpt-4o-2024-08-06, input" -> model and class; anything else is unitemized.
const itemized = sql`COALESCE(${str('line_item')} LIKE '%, %', false)`;
const modelPart = sql`trim(split_part(${str('line_item')}, ', ', 1))`;
const classPart = sql`lower(trim(split_part(${str('line_item')}, ', ', 2)))`;
const tokenClass = sql`CASE WHEN NOT ${itemized} THEN NULL
  WHEN ${classPart} LIKE '%cache%write%' OR ${classPart} LIKE '%cache creation%' THEN 'cache_write'
  WHEN ${classPart} LIKE '%cached%' OR ${classPart} LIKE '%cache%read%' THEN 'cache_read'
  WHEN ${classPart} LIKE '%input%' THEN 'input'
  WHEN ${classPart} LIKE '%output%' THEN 'output'
  ELSE 'other' END`;
const tokens = sql`(${str('quantity_unit')} IN ('tokens', '1000_tokens'))`;
const tokenQty = sql`CASE ${str('quantity_unit')} WHEN 'tokens' THEN ${decimal('quantity')} WHEN '1000_tokens' THEN ${decimal('quantity')} * 1000 END`;
const perMillion = sql`CAST(${tokenQty} / 1000000 AS DECIMAL(38,18))`;
const itemizedWithQty = sql`(${itemized} AND ${tokens} AND ${decimal('quantity')} > 0)`;
const derivedPrice = sql`CAST(${cost} / ${perMillion} AS DECIMAL(38,18))`;
const un = unitemized('openai', cost);
const pick = (col: keyof typeof un, whenItemized: Sql) =>
  sql`CASE WHEN ${itemizedWithQty} THEN ${whenItemized} ELSE ${un[col]} END`;

export const openaiCosts = defineSource({
  id: 'openai-costs',
  title: 'OpenAI Costs API',
  family: 'llm-billing',
  dataset: 'focus',
  detects: 'JSON page of organization.costs.result buckets (GET /v1/organization/costs)',
  // the page envelope, not just the result type: documentation files quote result objects too
  detect: [{ format: 'json', json: [/"object"\s*:\s*"page"/, 'organization.costs.result'] }],
  reader: () => ({
    kind: 'json',
    records: {
      path: ['data', '*', 'results', '*'],
      fields: {
        start_time: '../start_time',
        end_time: '../end_time',
        amount_value: 'amount.value',
        amount_currency: 'amount.currency',
        line_item: 'line_item',
        project_id: 'project_id',
        api_key_id: 'api_key_id',
        quantity: 'quantity',
        quantity_unit: 'quantity_unit',
      },
    },
    columns: {
      start_time: { type: 'VARCHAR', required: true },
      end_time: { type: 'VARCHAR' },
      amount_value: { type: 'VARCHAR', required: true },
      amount_currency: { type: 'VARCHAR' },
      line_item: { type: 'VARCHAR' },
      project_id: { type: 'VARCHAR' },
      api_key_id: { type: 'VARCHAR' },
      quantity: { type: 'VARCHAR' },
      quantity_unit: { type: 'VARCHAR' },
    },
  }),
  checks: [
    checks.unixSeconds('start_time'),
    checks.required('amount_value'),
    checks.number('amount_value'),
    checks.required('amount_currency'),
    checks.number('quantity'),
  ],
  absent: NO_CORRECTIONS,
  map: {
    ...providerCharge(PROVIDER_NAMES.openai.provider, PROVIDER_NAMES.openai.service),
    BillingCurrency: sql`upper(${str('amount_currency')})`,
    ChargePeriodStart: unixSeconds('start_time'),
    ChargePeriodEnd: sql`COALESCE(${unixSeconds('end_time')}, ${unixSeconds('start_time')} + INTERVAL 1 DAY)`,
    ChargeDescription: sql`COALESCE(${str('line_item')}, 'OpenAI API usage (unitemized)')`,
    BilledCost: cost,
    EffectiveCost: cost,
    ListCost: cost,
    ContractedCost: cost,
    SubAccountId: str('project_id'),
    SubAccountName: str('project_id'),
    SubAccountType: sql`CASE WHEN ${str('project_id')} IS NOT NULL THEN 'Project' END`,
    ResourceId: str('api_key_id'),
    ResourceType: sql`CASE WHEN ${str('api_key_id')} IS NOT NULL THEN 'API Key' END`,
    // a "<model>, <class>" line is a SKU even without a quantity (pairing then fills the quantity)
    SkuId: sql`CASE WHEN ${itemized} THEN 'openai:' || lower(${modelPart}) || ':' || ${tokenClass} ELSE ${un.SkuId} END`,
    SkuPriceId: sql`CASE WHEN ${itemized} THEN 'openai:' || lower(${modelPart}) || ':' || ${tokenClass} ELSE ${un.SkuPriceId} END`,
    SkuMeter: sql`CASE WHEN ${itemized} THEN trim(split_part(${str('line_item')}, ', ', 2)) ELSE ${un.SkuMeter} END`,
    PricingUnit: pick('PricingUnit', constant('1000000 Tokens')),
    PricingQuantity: pick('PricingQuantity', perMillion),
    ConsumedQuantity: pick('ConsumedQuantity', tokenQty),
    ConsumedUnit: pick('ConsumedUnit', constant('Tokens')),
    ListUnitPrice: pick('ListUnitPrice', derivedPrice),
    ContractedUnitPrice: pick('ContractedUnitPrice', derivedPrice),
    x_CostSource: constant('cost-report'),
    x_ModelRaw: sql`CASE WHEN ${itemized} THEN ${modelPart} END`,
    x_TokenClass: tokenClass,
    x_ProjectId: str('project_id'),
    // quantities from the report itself are known; an itemized line without one is paired with usage later
    x_QuantityEstimated: sql`CASE WHEN ${itemizedWithQty} THEN false WHEN ${itemized} THEN NULL ELSE false END`,
    x_PriceDerived: value(true),
  },
  sourceCost: decimal('amount_value'),
  reconcileTo: 'BilledCost',
  replace: { kind: 'rows', key: ['ChargePeriodStart', 'x_ProjectId', 'ResourceId', 'ChargeDescription'] },
  pairWith: 'openai-usage',
});
