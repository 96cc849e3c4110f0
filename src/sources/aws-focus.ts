// aws-focus: AWS Data Exports' FOCUS tables, `FOCUS_1_0_AWS` (43 FOCUS 1.0 columns + x_CostCategories, x_Discounts,
// x_Operation, x_ServiceCode, x_UsageType) and `FOCUS_1_2_AWS` (57 FOCUS 1.2 columns + x_Discounts, x_Operation,
// x_ServiceCode), as CSV or Parquet. The generic `focus` source reads the FOCUS columns (carried over unrepaired, then
// upgraded to 1.3); what is AWS's own:
// - a full-period export, restated until the month closes: a later file of the same account and period replaces it;
// - Parquet writes Tags and SkuPriceDetails as maps, which become JSON objects here;
// - FOCUS 1.0 keeps cost categories in x_CostCategories; 1.2 folds them into Tags, so 1.0's are folded in alike;
// - Bedrock token line items become token-class rows, class and model parsed from the usage type (x_UsageType in
//   1.0, SkuMeter in 1.2) as for CUR (aws-cur-common.ts), their quantity converted to tokens.
// x_Discounts, x_Operation and x_ServiceCode have no stored column (listed as ignored on ingest).
// https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-focus-1-2-aws.html
import { defineSource, type InputColumn, type Sniff, type SourceDefinition } from '../normalize/contract.js';
import { constant, MONEY, valueMap } from '../normalize/ops.js';
import { ident, type Sql, sql } from '../sql.js';
import { BEDROCK_OTHER_NOTE, modelOf, tierOf, tokenClassOf, tokensPerUnit } from './aws-cur-common.js';
import { focus } from './focus.js';
import { TOKEN_METER } from './llm-common.js';

const text = (c: string) => sql`NULLIF(NULLIF(trim(CAST(${ident(c)} AS VARCHAR)), ''), 'NULL')`;
const num = (c: string) => sql`TRY_CAST(${text(c)} AS DECIMAL(38,18))`;

/** A map column as JSON text: Parquet maps through to_json, CSV already holds JSON. */
const mapJson = (s: Sniff, c: string): Sql =>
  s.format === 'parquet' ? sql`NULLIF(CAST(to_json(${ident(c)}) AS VARCHAR), '{}')` : text(c);

const usageType = sql`COALESCE(${text('x_UsageType')}, ${text('SkuMeter')})`;
const bedrock = sql`(COALESCE(${text('ChargeCategory')} = 'Usage', false) AND (
  COALESCE(lower(${text('x_ServiceCode')}) LIKE '%bedrock%', false)
  OR COALESCE(lower(${text('ServiceName')}) LIKE '%bedrock%', false)
  OR COALESCE(lower(replace(${usageType}, '_', '-')) LIKE '%-mp:%token%', false)))`;
const tokenClass = sql`(CASE WHEN ${bedrock} THEN ${tokenClassOf(usageType)} END)`;
const isTokens = sql`COALESCE(${tokenClass} <> 'other', false)`;

const AWS_X = ['x_CostCategories', 'x_Discounts', 'x_Operation', 'x_ServiceCode', 'x_UsageType'];
const focusReader = focus.reader({ format: 'csv' } as Sniff);
const columns: Record<string, InputColumn> = {
  ...focusReader.columns,
  ...Object.fromEntries(AWS_X.map((c) => [c, { type: 'VARCHAR' }])),
};

function tags(s: Sniff): Sql {
  const t = mapJson(s, 'Tags');
  const cc = mapJson(s, 'x_CostCategories');
  return sql`(CASE WHEN ${cc} IS NULL THEN ${t}
    ELSE NULLIF(CAST(json_merge_patch(TRY_CAST(${cc} AS JSON), COALESCE(TRY_CAST(${t} AS JSON), '{}')) AS VARCHAR), '{}') END)`;
}

const fileMap = (s: Sniff) => ({ Tags: tags(s), SkuPriceDetails: mapJson(s, 'SkuPriceDetails') });

export const awsFocus: SourceDefinition = defineSource({
  ...focus,
  id: 'aws-focus',
  title: 'AWS Data Exports FOCUS 1.0 / 1.2 with AWS columns (CSV or Parquet)',
  family: 'cloud',
  detects:
    'FOCUS CSV or Parquet with AWS columns x_ServiceCode and x_Operation (FOCUS_1_0_AWS, FOCUS_1_2_AWS)',
  detect: (['csv', 'parquet'] as const).map((format) => ({
    format,
    header: { all: ['BilledCost', 'ChargePeriodStart', 'x_ServiceCode', 'x_Operation'] },
  })),
  reader: (s) => ({ kind: s.format === 'parquet' ? 'parquet' : 'csv', columns }),
  map: {
    ...focus.map,
    ...fileMap({ format: 'csv' } as Sniff),
    SkuMeter: sql`(CASE WHEN ${isTokens} THEN ${valueMap(tokenClass, TOKEN_METER)} ELSE ${usageType} END)`,
    ConsumedQuantity: sql`(CASE WHEN ${isTokens} THEN CAST(${num('PricingQuantity')} * ${tokensPerUnit(text('PricingUnit'))} AS ${MONEY})
      ELSE ${num('ConsumedQuantity')} END)`,
    ConsumedUnit: sql`(CASE WHEN ${isTokens} THEN 'Tokens' ELSE ${text('ConsumedUnit')} END)`,
    x_CostSource: constant('focus'),
    x_TokenClass: tokenClass,
    x_ModelRaw: sql`(CASE WHEN ${isTokens} THEN COALESCE(${modelOf(usageType)}, ${text('ServiceName')}) END)`,
    x_Modality: sql`(CASE WHEN ${isTokens} THEN 'text' END)`,
    x_ServiceTier: sql`(CASE WHEN ${bedrock} THEN ${tierOf(usageType)} END)`,
  },
  mapFor: fileMap,
  replace: { kind: 'period' },
  storedNotes: [BEDROCK_OTHER_NOTE],
});
