// Dev-time only: regenerate focus-schemas/ from a FOCUS "pack" folder: columns-1.2.json and columns-1.3.json (the
// column definitions of the specification, https://github.com/FinOps-Open-Cost-and-Usage-Spec/FOCUS_Spec, as JSON),
// datasets-1.3.json, and validator-rules-1.2.csv / -1.3.csv (the Requirements Model rules, one per row, from
// FinOps-Open-Cost-and-Usage-Spec/focus_extraction_test specification/requirements_model/releases/<version>/).
// The output is committed; nothing at run time or in tests reads the pack.
// Errata applied (docs/validation.md#rule-overrides): PricingCurrency and PricingCurrencyEffectiveCost are NOT NULL
// (1.3 errata A#9/#10, and the same normative text in 1.2); CommitmentDiscountStatus allowed values are Used/Unused
// (the model lists wrong ones); ContractCommitment ContractId/ContractCommitmentId are NOT NULL; ContractApplied keys
// use the `…Id` casing.
//
//   node scripts/build-focus-schemas.mjs PACK
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const src = process.argv[2];
if (!src) {
  console.error(
    'usage: node scripts/build-focus-schemas.mjs PACK (a folder with columns-<v>.json and validator-rules-<v>.csv)',
  );
  process.exit(2);
}
const keep = [
  'id',
  'displayName',
  'category',
  'dataType',
  'featureLevel',
  'allowsNulls',
  'allowedValues',
  'allowedValuesParent',
  'introducedIn',
  'deprecatedIn',
  'valueFormat',
  'numberRange',
  'definedKeys',
  'jsonObject',
  'presence',
];
const errataNotNull = new Set(['PricingCurrency', 'PricingCurrencyEffectiveCost']);

function trim(col) {
  const out = {};
  for (const k of keep) if (col[k] !== undefined) out[k] = col[k];
  if (errataNotNull.has(col.id)) {
    out.allowsNulls = false;
    out.errata = 'NOT NULL per ERRATA (1.3 A#9/#10); normative text';
  }
  if (col.id === 'CommitmentDiscountStatus') out.allowedValues = ['Used', 'Unused'];
  return out;
}

for (const v of ['1.2', '1.3']) {
  const dir = join('focus-schemas', v);
  mkdirSync(dir, { recursive: true });
  const cols = JSON.parse(readFileSync(join(src, `columns-${v}.json`), 'utf8')).map(trim);
  writeFileSync(join(dir, 'columns.json'), JSON.stringify(cols, null, 1) + '\n');
  copyFileSync(join(src, `validator-rules-${v}.csv`), join(dir, 'rules.csv'));
}
const ds = JSON.parse(readFileSync(join(src, 'datasets-1.3.json'), 'utf8'));
for (const d of ds) {
  // the pack names its own column file; in focus-schemas/ it is columns.json beside this file
  if (d.columnsFile) d.columnsFile = 'columns.json';
  if (d.summary) d.summary = d.summary.replace('columns-1.3.json', 'columns.json');
  for (const c of d.columns ?? [])
    if (c.id === 'ContractId' || c.id === 'ContractCommitmentId') c.allowsNulls = false;
}
writeFileSync(join('focus-schemas', '1.3', 'datasets.json'), JSON.stringify(ds, null, 1) + '\n');
console.log('focus-schemas written');
