// Generic FOCUS input: 1.0-1.3 CSV or Parquet from any generator, upgraded to 1.3. Values are carried over
// unrepaired (docs/data-model.md#carried-over-data): findings are reported by `aicost validate` as source-data
// findings. What the upgrade adds is only what 1.3 derives (ServiceProviderName/HostProviderName from ProviderName, PricingCurrency* equal to
// the billing-currency values); an absent column stays absent (NULL) otherwise.
import { focusColumns } from '../focus/schema.js';
import { defineSource, type InputColumn } from '../normalize/contract.js';
import { constant } from '../normalize/ops.js';
import { ident, type Sql, sql } from '../sql.js';

const COLS = focusColumns('1.3');
const COST_COLUMNS = ['BilledCost', 'EffectiveCost', 'ListCost', 'ContractedCost'];
/** Columns every FOCUS version has; three of them make a file FOCUS with confidence. */
const SIGNATURE = [
  'ChargePeriodStart',
  'BilledCost',
  'EffectiveCost',
  'ChargeCategory',
  'BillingCurrency',
  'ServiceName',
];
const MANDATORY = COLS.filter((c) => c.featureLevel === 'Mandatory').map((c) => c.id);

/** Text with blank and the literal `NULL` (the official 1.0 sample writes it) as real NULL. */
const text = (c: string) => sql`NULLIF(NULLIF(trim(CAST(${ident(c)} AS VARCHAR)), ''), 'NULL')`;
// The spec's own examples write M/D/YY; DuckDB would read "4/1/25" as year 4, so slashed dates are parsed first.
const time = (c: string) => sql`CASE
  WHEN regexp_full_match(${text(c)}, '\\d{1,2}/\\d{1,2}/\\d{2}') THEN CAST(TRY_STRPTIME(${text(c)}, '%m/%d/%y') AS TIMESTAMPTZ)
  WHEN regexp_full_match(${text(c)}, '\\d{1,2}/\\d{1,2}/\\d{4}') THEN CAST(TRY_STRPTIME(${text(c)}, '%m/%d/%Y') AS TIMESTAMPTZ)
  ELSE TRY_CAST(${text(c)} AS TIMESTAMPTZ) END`;
const num = (c: string) => sql`TRY_CAST(${text(c)} AS DECIMAL(38,18))`;

function expr(id: string, dataType: string): Sql {
  if (dataType === 'Decimal') return num(id);
  if (dataType === 'Date/Time') return time(id);
  return text(id);
}

const columns: Record<string, InputColumn> = Object.fromEntries(COLS.map((c) => [c.id, { type: 'VARCHAR' }]));

export const focus = defineSource({
  id: 'focus',
  title: 'FOCUS 1.0-1.3 Cost and Usage (CSV or Parquet)',
  family: 'focus',
  dataset: 'focus',
  detects:
    'CSV or Parquet whose header has FOCUS columns (ChargePeriodStart and BilledCost or EffectiveCost, ...)',
  detect: (['csv', 'parquet'] as const).flatMap((format) => [
    { format, header: { any: SIGNATURE, atLeast: 3 }, score: 0.9 },
    { format, header: { any: SIGNATURE, atLeast: 2 }, score: 0.5 },
  ]),
  reader: (s) => (s.format === 'parquet' ? { kind: 'parquet', columns } : { kind: 'csv', columns }),
  inspect(absent) {
    const missing = new Set(absent);
    const presentCost = COST_COLUMNS.filter((c) => !missing.has(c));
    if (presentCost.length === 0)
      return { error: `no cost column (${COST_COLUMNS.join(', ')})`, warnings: [], notes: [] };
    const lacking = MANDATORY.filter(
      (c) =>
        missing.has(c) &&
        ![
          'ServiceProviderName',
          'HostProviderName',
          'InvoiceIssuerName',
          'PricingCurrency',
          'PricingCurrencyEffectiveCost',
        ].includes(c),
    );
    const version = !missing.has('ServiceProviderName')
      ? '1.3'
      : !missing.has('InvoiceId') || !missing.has('PricingCurrency')
        ? '1.2'
        : !missing.has('SkuMeter')
          ? '1.1'
          : '1.0';
    return {
      warnings:
        lacking.length > 0 ? [`missing mandatory FOCUS columns (kept NULL): ${lacking.join(', ')}`] : [],
      notes: [`FOCUS ${version} input upgraded to 1.3`],
    };
  },
  checks: [
    ...COST_COLUMNS.map((c) => ({
      column: c,
      bad: sql`${text(c)} IS NOT NULL AND ${num(c)} IS NULL`,
      problem: 'not a number',
    })),
    {
      column: 'ChargePeriodStart',
      bad: sql`${time('ChargePeriodStart')} IS NULL`,
      problem: 'missing or not a date/time',
    },
  ],
  map: {
    ...Object.fromEntries(COLS.map((c) => [c.id, expr(c.id, c.dataType)])),
    x_CostSource: constant('focus'),
  },
  sourceCost: num('BilledCost'),
  reconcileTo: 'BilledCost',
  reconcile: ['EffectiveCost', 'ListCost', 'ContractedCost'].map((c) => ({
    measure: `${c} (input column)`,
    column: c,
    source: sql`COALESCE(${num(c)}, 0)`,
    stored: sql`COALESCE(${ident(c)}, 0)`,
  })),
  replace: { kind: 'dedup-identical' },
});
