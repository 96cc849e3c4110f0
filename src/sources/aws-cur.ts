// aws-cur: the legacy AWS Cost and Usage Report as CSV (`lineItem/UnblendedCost`-style headers, optionally gzip, or
// a delivery folder with its `<report>-Manifest.json`), or as the Parquet of its Athena integration, whose names are
// the CUR 2.0 ones without CUR 2.0's maps (`line_item_unblended_cost`, `resource_tags_user_team`). The same data
// model as CUR 2.0 (aws-cur-common.ts): each legacy CSV column is an alias of its CUR 2.0 name, so one mapping serves
// all three. Resource tags are one column per key (`resourceTags/user:team`, `resource_tags_user_team`), present
// only for keys the month has: they are declared per file from its header.
// https://docs.aws.amazon.com/cur/latest/userguide/data-dictionary.html
import { defineSource, type InputColumn, type Sniff } from '../normalize/contract.js';
import { str } from '../normalize/ops.js';
import { joinSql, lit, type Sql, sql } from '../sql.js';
import {
  BEDROCK_OTHER_NOTE,
  CUR_ABSENT,
  CUR_CHECKS,
  CUR_COLUMNS,
  CUR_LETS,
  CUR_REQUIRED,
  curMap,
  curReaderColumns,
} from './aws-cur-common.js';

/** A legacy header's CUR 2.0 name: `lineItem/UnblendedCost` -> `line_item_unblended_cost`, `…ARN` -> `…a_r_n`. */
export function legacyToCur2(name: string): string {
  return name
    .replace('/', '_')
    .replace(/([A-Z])/g, '_$1')
    .toLowerCase()
    .replace(/_+/g, '_');
}

/** The legacy spellings of the columns the mapping reads (those that exist in legacy CUR). */
const LEGACY = [
  'identity/LineItemId',
  'identity/TimeInterval',
  'bill/BillType',
  'bill/BillingEntity',
  'bill/InvoiceId',
  'bill/InvoicingEntity',
  'bill/PayerAccountId',
  'bill/BillingPeriodStartDate',
  'bill/BillingPeriodEndDate',
  'lineItem/UsageAccountId',
  'lineItem/LineItemType',
  'lineItem/UsageStartDate',
  'lineItem/UsageEndDate',
  'lineItem/ProductCode',
  'lineItem/UsageType',
  'lineItem/Operation',
  'lineItem/AvailabilityZone',
  'lineItem/ResourceId',
  'lineItem/UsageAmount',
  'lineItem/CurrencyCode',
  'lineItem/UnblendedRate',
  'lineItem/UnblendedCost',
  'lineItem/LineItemDescription',
  'lineItem/LegalEntity',
  'product/regionCode',
  'product/servicecode',
  'product/sku',
  'pricing/publicOnDemandCost',
  'pricing/publicOnDemandRate',
  'pricing/unit',
  'pricing/term',
  'pricing/RateId',
  'pricing/RateCode',
  'reservation/ReservationARN',
  'reservation/EffectiveCost',
  'reservation/UnusedAmortizedUpfrontFeeForBillingPeriod',
  'reservation/UnusedRecurringFee',
  'reservation/UnusedQuantity',
  'savingsPlan/SavingsPlanARN',
  'savingsPlan/SavingsPlanEffectiveCost',
  'savingsPlan/TotalCommitmentToDate',
  'savingsPlan/UsedCommitment',
];
const aliases: Record<string, string[]> = {
  ...Object.fromEntries(LEGACY.map((l) => [legacyToCur2(l), [l]])),
  product_product_name: ['product/ProductName'],
  product_region: ['product/region'],
};
for (const a of Object.keys(aliases))
  if (!(CUR_COLUMNS as readonly string[]).includes(a) && !a.startsWith('product_'))
    throw new Error(`aws-cur: legacy alias ${a} names no CUR column`);

/**
 * Per-key columns that become Tags: cost categories (`costCategory/<name>`, Parquet `cost_category_<name>`), then
 * resource tags (`resourceTags/user:team`, Parquet `resource_tags_user_team`), which win on a shared key.
 */
const TAG_PREFIXES = {
  csv: ['costcategory/', 'resourcetags/'],
  parquet: ['cost_category_', 'resource_tags_'],
};
const tagColumns = (s: Sniff, prefix?: string) =>
  (s.format === 'parquet' ? s.parquetColumns : s.header).filter((h) =>
    (prefix ? [prefix] : TAG_PREFIXES[s.format === 'parquet' ? 'parquet' : 'csv']).some((p) =>
      h.toLowerCase().startsWith(p),
    ),
  );

/** One family of per-key columns as a JSON object of its non-blank values ('{}' when none). */
function objectOf(cols: string[], prefix: string): Sql {
  if (cols.length === 0) return sql`'{}'`;
  const entries = joinSql(
    cols.map((c) => sql`struct_pack(k := ${lit(c.slice(prefix.length))}, v := ${str(c)})`),
    ', ',
  );
  return sql`to_json(map_from_entries(list_filter([${entries}], e -> e.v IS NOT NULL)))`;
}

/** Cost categories and resource tags (nothing for a month without such columns) as one JSON object. */
function tagsOf(s: Sniff): Sql {
  const [categories, resource] = TAG_PREFIXES[s.format === 'parquet' ? 'parquet' : 'csv'] as [string, string];
  const c = tagColumns(s, categories);
  const r = tagColumns(s, resource);
  if (c.length + r.length === 0) return sql`NULL`;
  const merged =
    c.length === 0
      ? objectOf(r, resource)
      : r.length === 0
        ? objectOf(c, categories)
        : sql`json_merge_patch(${objectOf(c, categories)}, ${objectOf(r, resource)})`;
  return sql`NULLIF(CAST(${merged} AS VARCHAR), '{}')`;
}

const productName = str('product_product_name');

export const awsCur = defineSource({
  id: 'aws-cur',
  title: 'AWS Cost and Usage Report, legacy (CSV, or its Athena Parquet)',
  family: 'cloud',
  dataset: 'focus',
  detects:
    'CSV with lineItem/LineItemType, lineItem/UnblendedCost and bill/PayerAccountId (legacy CUR headers); Parquet with line_item_… and product_product_name columns (Athena)',
  detect: [
    {
      format: 'csv',
      header: { all: ['lineItem/LineItemType', 'lineItem/UnblendedCost', 'bill/PayerAccountId'] },
    },
    // the Athena Parquet shares CUR 2.0's names; the product name is a column of its own there, a map key in CUR 2.0
    { format: 'parquet', header: { all: [...CUR_REQUIRED, 'product_product_name'] } },
  ],
  aliases,
  reader: (s) => ({
    kind: s.format === 'parquet' ? 'parquet' : 'csv',
    columns: curReaderColumns({
      product_product_name: { type: 'VARCHAR' },
      product_region: { type: 'VARCHAR' },
      ...Object.fromEntries(tagColumns(s).map((c): [string, InputColumn] => [c, { type: 'VARCHAR' }])),
    }),
  }),
  // messages name the column as the file spells it
  checks: CUR_CHECKS.map((c) => ({ ...c, column: aliases[c.column]?.[0] ?? c.column })),
  let: CUR_LETS,
  absent: CUR_ABSENT,
  map: curMap({ productName, regionName: str('product_region'), tags: sql`NULL` }),
  mapFor: (s) => ({ Tags: tagsOf(s) }),
  sourceCost: sql`TRY_CAST(${str('line_item_unblended_cost')} AS DECIMAL(38,18))`,
  reconcileTo: 'BilledCost',
  replace: { kind: 'period' },
  storedNotes: [BEDROCK_OTHER_NOTE],
});
