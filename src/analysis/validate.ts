// `aicost validate` as a library function: a FOCUS CSV or Parquet file, or a FOCUS view of a data home, checked
// against the Requirements Model rules (docs/validation.md). It returns the report as data; rendering it and turning
// `exitCode` into a failed check are the caller's business. It sits in analysis/ because a view needs views.ts.
import { InputError } from '../errors.js';
import type { FocusVersion } from '../focus/schema.js';
import { type ValidationReport, validatePath, validateRelation } from '../focus/validate.js';
import { withDb } from '../store/duckdb.js';
import { attachViews, FOCUS_VIEWS } from './views.js';

export interface ValidateDatasetOptions {
  /** A FOCUS CSV or Parquet file. Give this or `view`, not both. */
  path?: string;
  /** A FOCUS view of the data home `home`: focus, allocated, attributed (Cost and Usage) or commitments. */
  view?: string;
  /** The data home whose view is checked (needed with `view`). */
  home?: string;
  /** FOCUS version of the rules; 1.3 unless told. */
  version?: FocusVersion;
  /** Any finding sets exitCode 1, carried-over input data and SHOULD-level warnings included. */
  strict?: boolean;
}

/** Validates a file or a view; throws InputError (exit 2) when the target cannot be read as a dataset. */
export async function validate(opts: ValidateDatasetOptions): Promise<ValidationReport> {
  const { path, view } = opts;
  if (!path === !view)
    throw new InputError('give a PATH or --view NAME (one of them)', {}, 'aicost validate --view focus');
  const rules = { version: opts.version ?? '1.3', strict: opts.strict ?? false };
  return withDb({}, async (db) => {
    if (path) return validatePath(db, path, rules);
    if (!opts.home) throw new InputError(`--view ${view} needs a data home (--data DIR)`);
    await attachViews(db, opts.home);
    const dataset = FOCUS_VIEWS[view as string];
    if (!dataset)
      throw new InputError(`"${view}" is not a FOCUS view (${Object.keys(FOCUS_VIEWS).join(', ')})`);
    if (dataset === 'ContractCommitment' && rules.version !== '1.3')
      throw new InputError(`--view ${view}: the Contract Commitment dataset is defined from FOCUS 1.3`);
    return validateRelation(db, view as string, { ...rules, dataset, label: `view ${view}` });
  });
}
