// `aicost validate` as a library function: a FOCUS file or folder, or a FOCUS view of a data home, checked
// against the Requirements Model rules (docs/validation.md). It returns the report as data; rendering it and turning
// `exitCode` into a failed check are the caller's business. It sits in analysis/ because a view needs views.ts.
import { InputError } from '../errors.js';
import { parseApplicability } from '../focus/applicability.js';
import type { FocusVersion } from '../focus/schema.js';
import { type ValidationReport, validatePath, validateRelation } from '../focus/validate.js';
import { withDb } from '../store/duckdb.js';
import { attachViews, FOCUS_VIEWS } from './views.js';

export interface ValidateDatasetOptions {
  /** A FOCUS CSV (or .csv.gz / .csv.zst) or Parquet file, or a folder of them. Give this or `view`, not both. */
  path?: string;
  /** A FOCUS view of the data home `home`: focus, allocated, attributed (Cost and Usage) or commitments. */
  view?: string;
  /** The data home whose view is checked (needed with `view`). */
  home?: string;
  /** FOCUS version of the rules; 1.3 unless told. */
  version?: FocusVersion;
  /** Any finding sets exitCode 1, carried-over input data and SHOULD-level warnings included. */
  strict?: boolean;
  /**
   * Applicability criteria the data's generator supports (docs/validation.md#applicability-criteria), checked
   * against the rules of `version`, or `['ALL']`. Conditional columns of declared criteria must be present.
   */
  applicability?: string[] | 'ALL';
}

/** Validates a file or a view; throws InputError (exit 2) when the target cannot be read as a dataset. */
export async function validate(opts: ValidateDatasetOptions): Promise<ValidationReport> {
  const { path, view } = opts;
  if (!path === !view)
    throw new InputError('give a PATH or --view NAME (one of them)', {}, 'aicost validate --view focus');
  const version = opts.version ?? '1.3';
  const rules = {
    version,
    strict: opts.strict ?? false,
    applicability:
      opts.applicability === 'ALL'
        ? ('ALL' as const)
        : parseApplicability(opts.applicability ?? [], version, 'applicability'),
  };
  // A view name is checked before anything is opened: the usage views are not FOCUS and must not be judged by it.
  const dataset = view === undefined ? undefined : FOCUS_VIEWS[view];
  if (view !== undefined && !dataset)
    throw new InputError(
      `--view ${view}: not a FOCUS view; the FOCUS views are ${Object.keys(FOCUS_VIEWS).join(', ')}`,
      {},
      'usage views (usage, usage_attributed) are not FOCUS data: read them with aicost query',
    );
  if (dataset === 'ContractCommitment' && rules.version !== '1.3')
    throw new InputError(`--view ${view}: the Contract Commitment dataset is defined from FOCUS 1.3`);
  return withDb({}, async (db) => {
    if (path) return validatePath(db, path, rules);
    if (!opts.home) throw new InputError(`--view ${view} needs a data home (--data DIR)`);
    await attachViews(db, opts.home);
    return validateRelation(db, view as string, { ...rules, dataset, label: `view ${view}` });
  });
}
