// Microsoft Cost Management's FOCUS export ("FOCUS cost" dataset, FocusCost 1.0 and 1.2-preview schemas): the
// standard FOCUS columns plus Microsoft's x_ columns. Read like the generic `focus` input (values carried over
// unrepaired, x_CostSource `focus`, upgraded to 1.3), with two differences: it is a full-period export, so a later
// file replaces the stored rows of the same billing account and period; and Azure OpenAI token meters
// (x_SkuMeterName) become token-class rows: x_ModelRaw and x_TokenClass from the meter name, ConsumedUnit `Tokens`
// and ConsumedQuantity in tokens (PricingQuantity counts blocks of x_PricingBlockSize, `1K` or `1M`, per
// Microsoft's column description). docs/vendor-formats.md#azure.
import { defineSource, type FocusSource, type InputFormat } from '../normalize/contract.js';
import { str } from '../normalize/ops.js';
import { type Sql, sql } from '../sql.js';
import { isTokenMeter, meterModel, meterTokenClass } from './azure-common.js';
import { focus } from './focus.js';

/** Microsoft's own columns of the export; two of them (beside the FOCUS signature) make a file this source's. */
const MICROSOFT = [
  'x_SkuMeterName',
  'x_SkuMeterCategory',
  'x_SkuMeterSubcategory',
  'x_BilledCostInUsd',
  'x_EffectiveCostInUsd',
  'x_BillingExchangeRate',
  'x_PricingBlockSize',
  'x_PricingUnitDescription',
  'x_ResourceGroupName',
];
const FOCUS_SIGNATURE = ['ChargePeriodStart', 'BilledCost', 'EffectiveCost', 'ChargeCategory'];

const base = focus.reader({
  path: '',
  format: 'csv',
  compression: 'none',
  header: [],
  parquetColumns: [],
  head: '',
});
const columns = {
  ...base.columns,
  ...Object.fromEntries(MICROSOFT.map((c) => [c, { type: 'VARCHAR' }])),
};

const meter = str('x_SkuMeterName');
const token = isTokenMeter(meter, str('x_SkuMeterSubcategory'));
const blockOf = sql`COALESCE(TRY_CAST(${str('x_PricingBlockSize')} AS DECIMAL(38,6)),
  CASE upper(${str('x_PricingUnitDescription')}) WHEN '1K' THEN 1000 WHEN '1M' THEN 1000000 END, 1)`;
const focusMap = focus.map as Record<string, Sql>;

export const azureFocus: FocusSource & { readonly formats: InputFormat[] } = defineSource({
  id: 'azure-focus',
  title: 'Azure Cost Management FOCUS export',
  family: 'cloud',
  dataset: 'focus',
  detects:
    'FOCUS CSV or Parquet with Microsoft x_ columns (x_SkuMeterName, x_BilledCostInUsd, x_PricingBlockSize, ...)',
  detect: (['csv', 'parquet'] as const).map((format) => ({
    format,
    header: { all: FOCUS_SIGNATURE, any: MICROSOFT, atLeast: 2 },
    score: 1,
  })),
  reader: (s) => (s.format === 'parquet' ? { kind: 'parquet', columns } : { kind: 'csv', columns }),
  aliases: focus.aliases,
  inspect: focus.inspect,
  checks: focus.checks,
  map: {
    ...focus.map,
    // a token meter's consumption is counted in tokens: Microsoft's ConsumedQuantity when it gives one, else the
    // pricing blocks times the block size
    ConsumedUnit: sql`(CASE WHEN ${token} AND ${focusMap.ConsumedQuantity ?? sql`NULL`} IS NOT NULL OR ${token} AND ${focusMap.PricingQuantity ?? sql`NULL`} IS NOT NULL THEN 'Tokens' ELSE ${focusMap.ConsumedUnit ?? sql`NULL`} END)`,
    ConsumedQuantity: sql`(CASE WHEN ${token} THEN COALESCE(${focusMap.ConsumedQuantity ?? sql`NULL`},
      CAST(${focusMap.PricingQuantity ?? sql`NULL`} * ${blockOf} AS DECIMAL(38,18))) ELSE ${focusMap.ConsumedQuantity ?? sql`NULL`} END)`,
    // the meter name first; otherwise what the generic FOCUS input reads (SkuPriceDetails model and token class)
    x_ModelRaw: sql`(CASE WHEN ${token} THEN ${meterModel(meter)} ELSE ${focusMap.x_ModelRaw ?? sql`NULL`} END)`,
    x_TokenClass: sql`(CASE WHEN ${token} THEN ${meterTokenClass(meter)} ELSE ${focusMap.x_TokenClass ?? sql`NULL`} END)`,
    x_Modality: sql`(CASE WHEN ${token} THEN 'text' END)`,
  },
  sourceCost: focus.sourceCost,
  reconcileTo: 'BilledCost',
  reconcile: focus.reconcile,
  replace: { kind: 'period' },
});
