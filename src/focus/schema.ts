// FOCUS columns as data: loaded from focus-schemas/<version>/columns.json, with the DuckDB types, the x_ columns
// and the DDL derived here rather than written per column.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ident } from '../store/duckdb.js';
import type { FocusColumnId } from './columns.generated.js';

export type FocusVersion = '1.2' | '1.3';
export type FocusDataType = 'String' | 'Decimal' | 'Date/Time' | 'JSON';

export interface FocusColumn {
  id: string;
  displayName: string;
  category: string;
  dataType: FocusDataType;
  featureLevel: 'Mandatory' | 'Conditional' | 'Recommended' | 'Optional';
  allowsNulls: boolean;
  allowedValues: string[] | null;
  introducedIn: string;
  deprecatedIn?: string;
  valueFormat?: string;
  numberRange?: string;
}

/** Money, prices and quantities: DECIMAL(38,18) everywhere (docs/data-model.md#focus-columns). */
export const MONEY = 'DECIMAL(38,18)';

const root = fileURLToPath(new URL('../../focus-schemas/', import.meta.url));
const cache = new Map<string, FocusColumn[]>();

/** The FOCUS Cost and Usage columns of a version, in the published order. */
export function focusColumns(version: FocusVersion = '1.3'): FocusColumn[] {
  let cols = cache.get(version);
  if (!cols) {
    cols = JSON.parse(readFileSync(`${root}${version}/columns.json`, 'utf8')) as FocusColumn[];
    cache.set(version, cols);
  }
  return cols;
}

export function focusSchemaPath(version: FocusVersion, file: string): string {
  return `${root}${version}/${file}`;
}

/** DuckDB type for a FOCUS data type. JSON key-value and object columns are stored as JSON text. */
export function duckType(dataType: FocusDataType): string {
  switch (dataType) {
    case 'Decimal':
      return MONEY;
    case 'Date/Time':
      return 'TIMESTAMPTZ';
    case 'JSON':
      return 'JSON';
    default:
      return 'VARCHAR';
  }
}

/** The custom columns every focus/ file carries after the FOCUS columns, in order (docs/data-model.md#x_-columns). */
export const X_COLUMNS = [
  { id: 'x_RowId', type: 'VARCHAR' },
  { id: 'x_SourceId', type: 'VARCHAR' },
  { id: 'x_SourceFile', type: 'VARCHAR' },
  { id: 'x_SourceRecord', type: 'VARCHAR' },
  { id: 'x_CostSource', type: 'VARCHAR' },
  { id: 'x_Model', type: 'VARCHAR' },
  { id: 'x_ModelRaw', type: 'VARCHAR' },
  { id: 'x_TokenClass', type: 'VARCHAR' },
  { id: 'x_Modality', type: 'VARCHAR' },
  { id: 'x_ServiceTier', type: 'VARCHAR' },
  { id: 'x_ProjectId', type: 'VARCHAR' },
  { id: 'x_QuantityEstimated', type: 'BOOLEAN' },
  { id: 'x_PriceDerived', type: 'BOOLEAN' },
] as const satisfies readonly { id: string; type: string }[];
export type XColumnId = (typeof X_COLUMNS)[number]['id'];

/** x_ columns the pipeline fills itself (row id, lineage, canonical model): never mapped by a source. */
export const X_DERIVED = ['x_RowId', 'x_SourceId', 'x_SourceFile', 'x_SourceRecord', 'x_Model'] as const;
/** The focus/ columns a source definition may map: every FOCUS 1.3 column and the x_ columns it owns. */
export type FocusMapKey = FocusColumnId | Exclude<XColumnId, (typeof X_DERIVED)[number]>;

/** Extra columns on allocated/ rows. */
export const X_ALLOCATED_COLUMNS: { id: string; type: string }[] = [
  { id: 'x_OriginRowId', type: 'VARCHAR' },
  { id: 'x_MatchLevel', type: 'VARCHAR' },
  { id: 'x_AllocationRunId', type: 'VARCHAR' },
];

export interface StoredColumn {
  name: string;
  type: string;
}

/** Every column of a focus/ file: the FOCUS columns then the x_ columns. */
export function focusStoredColumns(version: FocusVersion = '1.3'): StoredColumn[] {
  return [
    ...focusColumns(version).map((c) => ({ name: c.id, type: duckType(c.dataType) })),
    ...X_COLUMNS.map((c) => ({ name: c.id, type: c.type })),
  ];
}

/** `CREATE TABLE name (...)` for the stored focus schema. */
export function focusTableDdl(table: string, columns: StoredColumn[] = focusStoredColumns()): string {
  return `CREATE TABLE ${ident(table)} (${columns.map((c) => `${ident(c.name)} ${c.type}`).join(', ')})`;
}

/**
 * A SELECT list that casts every stored column from `exprs` (column -> SQL expression), NULL for absent ones.
 * This is how a source definition's mapping becomes a row of the full schema: nothing is left implicit.
 */
export function selectList(columns: StoredColumn[], exprs: Record<string, string>): string {
  return columns
    .map((c) => {
      const e = exprs[c.name];
      return `CAST(${e ?? 'NULL'} AS ${c.type}) AS ${ident(c.name)}`;
    })
    .join(',\n  ');
}
