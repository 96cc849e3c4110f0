// Generic FOCUS input: 0.5-1.3 CSV or Parquet from any generator, upgraded to 1.3. Values are carried over
// unrepaired (docs/data-model.md#carried-over-data): findings are reported by `aicost validate` as source-data
// findings. What the upgrade adds is only what 1.3 derives (ServiceProviderName/HostProviderName from ProviderName, PricingCurrency* equal to
// the billing-currency values); an absent column stays absent (NULL) otherwise.
import { focusColumns } from '../focus/schema.js';
import { defineSource, type InputColumn } from '../normalize/contract.js';
import { constant, isoTimeOf } from '../normalize/ops.js';
import { ident, lit, type Sql, sql } from '../sql.js';

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
  ELSE ${isoTimeOf(text(c))} END`;
const num = (c: string) => sql`TRY_CAST(${text(c)} AS DECIMAL(38,18))`;

function expr(id: string, dataType: string): Sql {
  if (dataType === 'Decimal') return num(id);
  if (dataType === 'Date/Time') return time(id);
  return text(id);
}

const columns: Record<string, InputColumn> = Object.fromEntries(COLS.map((c) => [c.id, { type: 'VARCHAR' }]));

/**
 * Columns renamed since FOCUS 0.5 (FOCUS_Spec CHANGELOG.md "Columns History", v1.0): a 0.5 or 1.0-preview file is
 * read under the new names, so its amortized cost is EffectiveCost, never dropped. The current name wins when a file
 * has both.
 */
const RENAMED: Record<string, string[]> = {
  EffectiveCost: ['AmortizedCost'],
  ChargeCategory: ['ChargeType'],
  RegionId: ['Region'],
  ConsumedQuantity: ['UsageQuantity'],
  ConsumedUnit: ['UsageUnit'],
};
/** Columns FOCUS 1.0-preview added: a file with none of them predates it (FOCUS 0.5). */
const SINCE_PREVIEW = ['ChargeFrequency', 'ListCost', 'PricingUnit', 'SkuId', 'Tags', 'ResourceType'];

/**
 * AI rows that name the model and the token class in SkuPriceDetails, with the FOCUS-defined properties of the working
 * draft (FOCUS_Spec PR #2442 "AI model identity as SkuPriceDetails properties": ModelId; PR #2606 / #2682 for
 * token caching and direction: TokenDirection Input/Output, CacheAction or TokenCacheAction Read/Write/Uncached/None,
 * also seen as a single TokenType): they fill x_ModelRaw / x_Model and x_TokenClass, so allocation matches them
 * by model and token class (docs/vendor-formats.md#focus-skupricedetails).
 */
const detail = (key: string) => sql`json_extract_string(${text('SkuPriceDetails')}, ${lit(`$.${key}`)})`;
const cacheAction = sql`lower(COALESCE(${detail('CacheAction')}, ${detail('TokenCacheAction')}))`;
const direction = sql`lower(${detail('TokenDirection')})`;
const tokenType = sql`lower(regexp_replace(${detail('TokenType')}, '[^A-Za-z]', '', 'g'))`;
const modelRaw = sql`CASE WHEN json_valid(${text('SkuPriceDetails')}) THEN NULLIF(trim(${detail('ModelId')}), '') END`;
const tokenClass = sql`CASE WHEN NOT COALESCE(json_valid(${text('SkuPriceDetails')}), false) THEN NULL
  WHEN ${direction} = 'output' THEN 'output'
  WHEN ${direction} = 'input' AND ${cacheAction} = 'read' THEN 'cache_read'
  WHEN ${direction} = 'input' AND ${cacheAction} = 'write' THEN 'cache_write'
  WHEN ${direction} = 'input' AND (${cacheAction} IS NULL OR ${cacheAction} IN ('uncached', 'none')) THEN 'input'
  WHEN ${tokenType} IN ('output', 'outputtokens') THEN 'output'
  WHEN ${tokenType} IN ('input', 'inputtokens', 'inputuncached') THEN 'input'
  WHEN ${tokenType} IN ('inputcachedread', 'inputcacheread', 'cachedinput') THEN 'cache_read'
  WHEN ${tokenType} IN ('inputcachedwrite', 'inputcachewrite') THEN 'cache_write'
  END`;

export const focus = defineSource({
  id: 'focus',
  title: 'FOCUS 0.5-1.3 Cost and Usage (CSV or Parquet)',
  family: 'focus',
  dataset: 'focus',
  detects:
    'CSV or Parquet whose header has FOCUS columns (ChargePeriodStart and BilledCost or EffectiveCost, ...)',
  detect: (['csv', 'parquet'] as const).flatMap((format) => [
    { format, header: { any: SIGNATURE, atLeast: 3 }, score: 0.9 },
    { format, header: { any: SIGNATURE, atLeast: 2 }, score: 0.5 },
  ]),
  reader: (s) => (s.format === 'parquet' ? { kind: 'parquet', columns } : { kind: 'csv', columns }),
  aliases: RENAMED,
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
          : SINCE_PREVIEW.every((c) => missing.has(c))
            ? '0.5'
            : '1.0';
    const renamed =
      version === '0.5'
        ? ' (AmortizedCost read as EffectiveCost, ChargeType as ChargeCategory, Region as RegionId)'
        : '';
    return {
      warnings:
        lacking.length > 0 ? [`missing mandatory FOCUS columns (kept NULL): ${lacking.join(', ')}`] : [],
      notes: [`FOCUS ${version} input upgraded to 1.3${renamed}`],
    };
  },
  // A value that cannot be stored is an input error, never a silent NULL: every decimal must parse (and fit
  // DECIMAL(38,18)), every time must be a real one (hour 30 or 30 February would cast to NULL). A real time that
  // breaks a FOCUS rule (no `T`, no `Z`) is carried over and reported by `aicost validate`.
  checks: [
    ...COLS.filter((c) => c.dataType === 'Decimal').map((c) => ({
      column: c.id,
      bad: sql`${text(c.id)} IS NOT NULL AND ${num(c.id)} IS NULL`,
      problem: `not a number (or beyond DECIMAL(38,18)): ${c.id} would be lost`,
    })),
    {
      column: 'ChargePeriodStart',
      bad: sql`${text('ChargePeriodStart')} IS NULL`,
      problem: 'missing charge period start',
    },
    ...COLS.filter((c) => c.dataType === 'Date/Time').map((c) => ({
      column: c.id,
      bad: sql`${text(c.id)} IS NOT NULL AND ${time(c.id)} IS NULL`,
      problem: 'not a real date/time (e.g. hour 30, 30 February, a UTC offset past ±14:00)',
    })),
  ],
  map: {
    ...Object.fromEntries(COLS.map((c) => [c.id, expr(c.id, c.dataType)])),
    x_CostSource: constant('focus'),
    x_ModelRaw: modelRaw,
    x_TokenClass: tokenClass,
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
