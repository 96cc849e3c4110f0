// aws-cur2: AWS Data Exports "CUR 2.0" (table COST_AND_USAGE_REPORT) as CSV, gzip CSV or Parquet, one file or a
// delivery folder with its manifest. Fixed snake_case columns; product attributes, resource tags, cost categories
// and discounts are maps (`map<string,string>` in Parquet, JSON text in CSV). The mapping is the legacy CUR's
// (aws-cur-common.ts); this file only says where CUR 2.0 keeps the product name, region and tags.
// https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-cur2.html
import { defineSource, type Sniff } from '../normalize/contract.js';
import { str } from '../normalize/ops.js';
import { ident, lit, type Sql, sql } from '../sql.js';
import {
  BEDROCK_OTHER_NOTE,
  CUR_ABSENT,
  CUR_CHECKS,
  CUR_LETS,
  CUR_REQUIRED,
  curMap,
  curReaderColumns,
} from './aws-cur-common.js';

/** A map column as JSON text: Parquet maps through to_json, CSV already holds JSON (blank = none). */
const mapJson = (s: Sniff, c: string): Sql =>
  s.format === 'parquet' ? sql`CAST(to_json(${ident(c)}) AS VARCHAR)` : str(c);

const jsonKey = (json: Sql, key: string): Sql =>
  sql`NULLIF(json_extract_string(TRY_CAST(${json} AS JSON), ${lit(`$.${key}`)}), '')`;

/**
 * FOCUS Tags, later ones winning on a shared key: the cost categories (`cost_category`, folded in as AWS's FOCUS 1.2
 * export does), the `tags` map where an export has it (IAM principal tags, `iamPrincipal/…`), the resource tags
 * (keys as AWS writes them, `user_team`), and the calling IAM principal when the export includes caller identity.
 */
function tagsOf(s: Sniff): Sql {
  const maps = ['cost_category', 'tags', 'resource_tags'].map((c) => mapJson(s, c));
  const principal = str('line_item_iam_principal');
  const obj = (m: Sql) => sql`COALESCE(TRY_CAST(${m} AS JSON), '{}')`;
  const merged = sql`json_merge_patch(json_merge_patch(json_merge_patch(${obj(maps[0]!)}, ${obj(maps[1]!)}), ${obj(maps[2]!)}),
    CASE WHEN ${principal} IS NULL THEN '{}' ELSE json_object('iam_principal', ${principal}) END)`;
  const none = sql`${maps[0]!} IS NULL AND ${maps[1]!} IS NULL AND ${maps[2]!} IS NULL AND ${principal} IS NULL`;
  return sql`(CASE WHEN ${none} THEN NULL ELSE NULLIF(CAST(${merged} AS VARCHAR), '{}') END)`;
}

const map = (s: Sniff) => {
  const product = mapJson(s, 'product');
  return curMap({
    productName: jsonKey(product, 'product_name'),
    regionName: jsonKey(product, 'region'),
    tags: tagsOf(s),
  });
};

const SIGNATURE = { all: ['identity_line_item_id', ...CUR_REQUIRED], any: ['product', 'resource_tags'] };

export const awsCur2 = defineSource({
  id: 'aws-cur2',
  title: 'AWS Data Exports CUR 2.0 (CSV or Parquet)',
  family: 'cloud',
  dataset: 'focus',
  detects:
    'CSV or Parquet with line_item_line_item_type, line_item_unblended_cost, bill_payer_account_id and a product or resource_tags map',
  detect: [
    { format: 'csv', header: SIGNATURE },
    { format: 'parquet', header: SIGNATURE },
  ],
  reader: (s) => ({
    kind: s.format === 'parquet' ? 'parquet' : 'csv',
    columns: curReaderColumns({
      product: { type: 'VARCHAR' },
      resource_tags: { type: 'VARCHAR' },
      tags: { type: 'VARCHAR' },
      cost_category: { type: 'VARCHAR' },
    }),
  }),
  checks: CUR_CHECKS,
  let: CUR_LETS,
  absent: CUR_ABSENT,
  map: map({ format: 'csv' } as Sniff),
  mapFor: map,
  sourceCost: sql`TRY_CAST(${str('line_item_unblended_cost')} AS DECIMAL(38,18))`,
  reconcileTo: 'BilledCost',
  replace: { kind: 'period' },
  storedNotes: [BEDROCK_OTHER_NOTE],
});
