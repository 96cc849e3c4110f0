// The FOCUS 1.3 Contract Commitment dataset as data (focus-schemas/1.3/datasets.json): its columns, their stored
// types, and the x_ columns aicost adds to commitments/ files for lineage and for the provider, which the 1.3
// dataset does not carry (docs/data-model.md#token-lifecycle).
import { readFileSync } from 'node:fs';
import { duckType, type FocusColumn, focusSchemaPath, type StoredColumn } from './schema.js';

interface DatasetEntry {
  id: string;
  columns?: FocusColumn[];
  mustConformTo?: string[];
  requirementsModelRoot: string;
}

/** The Requirements Model datasets aicost validates, by their id in datasets.json and rules.csv. */
export type FocusDataset = 'CostAndUsage' | 'ContractCommitment';

let cache: DatasetEntry[] | undefined;
function datasets(): DatasetEntry[] {
  cache ??= JSON.parse(readFileSync(focusSchemaPath('1.3', 'datasets.json'), 'utf8')) as DatasetEntry[];
  return cache;
}

function entry(id: FocusDataset): DatasetEntry {
  const e = datasets().find((d) => d.id === id);
  if (!e) throw new Error(`focus-schemas/1.3/datasets.json has no dataset ${id}`);
  return e;
}

/** The 13 columns of the Contract Commitment dataset, in the published order. */
export function contractCommitmentColumns(): FocusColumn[] {
  return entry('ContractCommitment').columns ?? [];
}

/** The attributes (ColumnHandling, NullHandling, ...) a dataset must conform to, and its Requirements Model root. */
export function datasetRules(id: FocusDataset): { root: string; attributes: string[] } {
  const e = entry(id);
  return { root: e.requirementsModelRoot, attributes: e.mustConformTo ?? [] };
}

/** x_ columns of a commitments/ row: the purchase row it was derived from, and the commitment's provider. */
export const CONTRACT_COMMITMENT_X_COLUMNS: StoredColumn[] = [
  { name: 'x_RowId', type: 'VARCHAR' },
  { name: 'x_SourceId', type: 'VARCHAR' },
  { name: 'x_SourceFile', type: 'VARCHAR' },
  { name: 'x_SourceRecord', type: 'VARCHAR' },
  { name: 'x_ServiceProviderName', type: 'VARCHAR' },
];

/** Every column of a commitments/ file: the Contract Commitment columns then the x_ columns. */
export function contractCommitmentStoredColumns(): StoredColumn[] {
  return [
    ...contractCommitmentColumns().map((c) => ({ name: c.id, type: duckType(c.dataType) })),
    ...CONTRACT_COMMITMENT_X_COLUMNS,
  ];
}
