// `aicost validate`: FOCUS conformance of a relation (a view of the data home) or of a CSV / Parquet file, as one
// SQL query per Requirements Model rule. Findings on carried-over input rows (x_CostSource = 'focus') are
// source-data findings; findings on rows aicost derived (or on every row of an external file) fail the check.
import type { Db } from '../store/duckdb.js';
import { ident, isPlainIdent } from '../store/duckdb.js';
import { contractCommitmentColumns, type FocusDataset } from './contract-commitment.js';
import { type Compiled, compileRule, LINEAGE_COLUMNS, type RelationInfo } from './rule-sql.js';
import { checkFunctionOf, columnsOf } from './rule-syntax.js';
import { loadRules, type RuleSet, ruleColumn, ruleLevel } from './rules.js';
import { type FocusVersion, focusColumns } from './schema.js';
import { openDataset } from './validate-path.js';
import { declaredCriteria, type PlannedRule, planRules } from './validate-plan.js';

export type RuleStatus = 'pass' | 'fail' | 'warning' | 'skipped';

/** One sampled offending row: its lineage (what exists of it) and the values the rule looked at. */
export interface SampleRow {
  /** The file of a folder the row is in (folders only; a single file is the report's `relation`). */
  file?: string;
  /** 1-based record of the file (CSV line, assuming one line per record; Parquet row). */
  record?: number;
  x_RowId?: string;
  x_SourceFile?: string;
  x_SourceRecord?: string;
  values?: Record<string, unknown>;
}

export interface RuleResult {
  id: string;
  column: string;
  entityType: string;
  /** The model's function class: Presence, Type, Format, Nullability, Validation. */
  function: string;
  /** The check function(s) evaluated, e.g. CheckValue, ColumnByColumnEqualsColumnValue. */
  checkFunction: string;
  keyword: string;
  status: RuleStatus;
  /** `dataset`: a verdict on the relation's shape (presence, column names); `rows`: per-row counts. */
  scope: 'rows' | 'dataset';
  violations: number;
  /** Violating rows aicost derived, or every violating row of a relation without x_CostSource. */
  derived: number;
  /** Violating rows carried over unrepaired from a FOCUS input (x_CostSource = 'focus'). */
  carried: number;
  samples: SampleRow[];
  requirement: string;
  overridden?: string;
  /** Why the rule was skipped, or what a dataset-level finding is about. */
  reason?: string;
}

export interface ValidationReport {
  schema: 'aicost.validate/1';
  focusVersion: FocusVersion;
  relation: string;
  rows: number;
  /** Columns were raw text (CSV): types judged by castability. */
  text: boolean;
  /** The relation has x_CostSource, so carried-over and derived findings are told apart. */
  costSource: boolean;
  strict: boolean;
  /** Applicability criteria taken as declared (from the columns present, plus any given). */
  applicability: string[];
  /** The data files read, when a folder was validated. */
  files?: string[];
  /** Files of a validated folder that were not read (not CSV or Parquet, empty), with the reason. */
  skippedFiles?: { path: string; reason: string }[];
  results: RuleResult[];
  totals: {
    rules: number;
    pass: number;
    fail: number;
    warning: number;
    skipped: number;
    derivedViolations: number;
    carriedViolations: number;
  };
  /** 1 when derived (or subject) data breaks a MUST rule, or with `strict` on any finding; else 0. */
  exitCode: 0 | 1;
}

export interface ValidateOptions {
  version: FocusVersion;
  strict?: boolean;
  /** Extra applicability criteria to treat as declared, or 'ALL'. */
  applicability?: string[] | 'ALL';
  /** Columns are raw text (CSV read as VARCHAR). */
  text?: boolean;
  /** Relation holding the raw text before `NULL` strings became NULL (for the NullHandling check). */
  placeholderSource?: string;
  /** Name shown in the report; defaults to the relation. */
  label?: string;
  /** The Requirements Model dataset the relation is (1.3 only for ContractCommitment); CostAndUsage unless told. */
  dataset?: FocusDataset;
  /** Rules to check instead of the version's Requirements Model (rules.ts `ruleSetOf`: a rule written as data). */
  rules?: RuleSet;
}

interface QueryRow {
  n: string;
  carried: string;
  samples: SampleRow[] | null;
}

/** Validates a relation (table, view or table function) against the FOCUS rules of `opts.version`. */
export async function validateRelation(
  db: Db,
  relation: string,
  opts: ValidateOptions,
): Promise<ValidationReport> {
  const source = isPlainIdent(relation) ? ident(relation) : relation;
  const described = await db.describe(`SELECT * FROM ${source}`);
  const columns = new Map(described.map((c) => [c.name, c.type]));
  const rel: RelationInfo = {
    source,
    columns,
    text: opts.text ?? false,
    costSource: columns.has('x_CostSource'),
    lineage: LINEAGE_COLUMNS.filter((c) => columns.has(c)),
    focusColumns: new Set(datasetColumns(opts).map((c) => c.id)),
    placeholderSource: opts.placeholderSource,
  };
  const rules = opts.rules ?? loadRules(opts.version);
  const declared = declaredCriteria(rules, columns, opts.applicability);
  const results: RuleResult[] = [];
  // Rules that compile to the same SQL (ListCost-C-011-C and ListUnitPrice-C-014-C, ...) run once.
  const cache = new Map<string, Promise<QueryRow | undefined>>();
  const query = (sql: string): Promise<QueryRow | undefined> => {
    let hit = cache.get(sql);
    if (!hit) {
      hit = db.one<QueryRow>(sql);
      cache.set(sql, hit);
    }
    return hit;
  };
  const planned = planRules(rules, columns, declared, opts.rules ? 'CostAndUsage' : opts.dataset);
  for (const p of planned) results.push(await runRule(query, rel, p));
  const count = await db.one<{ n: string }>(`SELECT count(*) AS n FROM ${source}`);
  return buildReport(opts, relation, Number(count?.n ?? 0), rel, [...declared].sort(), results);
}

/**
 * Validates a FOCUS CSV (read as text, typed by castability; gzip or zstd compressed too) or Parquet file (its own
 * types), or a folder of them (validate-path.ts). A missing, empty or unreadable path, or one with no FOCUS column,
 * is an InputError (exit 2).
 */
export async function validatePath(
  db: Db,
  path: string,
  opts: Omit<ValidateOptions, 'text' | 'placeholderSource'> = { version: '1.3' },
): Promise<ValidationReport> {
  const ruleColumns = opts.rules
    ? [...opts.rules.rules.values()].flatMap((r) => [r.entity, ...(r.check ? columnsOf(r.check) : [])])
    : undefined;
  const ds = await openDataset(db, path, opts.version, ruleColumns);
  try {
    const report = await validateRelation(db, ds.relation, {
      ...opts,
      text: ds.text,
      placeholderSource: ds.placeholderSource,
      label: opts.label ?? path,
    });
    const folder = ds.files.length !== 1 || ds.files[0] !== path;
    return folder ? { ...report, files: ds.files, skippedFiles: ds.skipped } : report;
  } finally {
    await ds.close();
  }
}

function datasetColumns(opts: ValidateOptions) {
  if ((opts.dataset ?? 'CostAndUsage') === 'CostAndUsage') return focusColumns(opts.version);
  if (opts.version !== '1.3') throw new Error('the Contract Commitment dataset is defined from FOCUS 1.3');
  return contractCommitmentColumns();
}

async function runRule(
  query: (sql: string) => Promise<QueryRow | undefined>,
  rel: RelationInfo,
  p: PlannedRule,
): Promise<RuleResult> {
  const { rule } = p;
  const base: RuleResult = {
    id: rule.id,
    column: ruleColumn(rule),
    entityType: rule.entityType,
    function: rule.function,
    checkFunction: checkFunctionOf(rule.check),
    keyword: rule.keyword,
    status: 'skipped',
    scope: rule.entityType === 'Dataset' || rule.entityType === 'Attribute' ? 'dataset' : 'rows',
    violations: 0,
    derived: 0,
    carried: 0,
    samples: [],
    requirement: rule.requirement,
    ...(rule.overridden ? { overridden: rule.overridden } : {}),
  };
  if (p.skip || !rule.check) return { ...base, reason: p.skip ?? 'no check in the model' };
  const compiled: Compiled = compileRule(rule.check, p.conditions, rel);
  const failStatus: RuleStatus = ruleLevel(rule) === 'must' ? 'fail' : 'warning';
  if (compiled.kind === 'skip') return { ...base, reason: compiled.reason };
  if (compiled.kind === 'dataset') {
    return {
      ...base,
      scope: 'dataset',
      status: compiled.ok ? 'pass' : failStatus,
      ...(compiled.detail ? { reason: compiled.detail } : {}),
    };
  }
  if (compiled.kind === 'constant') return { ...base, status: 'pass' };
  const row = await query(compiled.sql);
  const violations = Number(row?.n ?? 0);
  const carried = Number(row?.carried ?? 0);
  return {
    ...base,
    scope: 'rows',
    status: violations > 0 ? failStatus : 'pass',
    violations,
    carried,
    derived: violations - carried,
    samples: row?.samples ?? [],
  };
}

function buildReport(
  opts: ValidateOptions,
  relation: string,
  rows: number,
  rel: RelationInfo,
  applicability: string[],
  results: RuleResult[],
): ValidationReport {
  const by = (s: RuleStatus) => results.filter((r) => r.status === s).length;
  const findings = results.filter((r) => r.status === 'fail' || r.status === 'warning');
  const derivedFail = results.some((r) => r.status === 'fail' && (r.scope === 'dataset' || r.derived > 0));
  const strict = opts.strict ?? false;
  return {
    schema: 'aicost.validate/1',
    focusVersion: opts.version,
    relation: opts.label ?? relation,
    rows,
    text: rel.text,
    costSource: rel.costSource,
    strict,
    applicability,
    results,
    totals: {
      rules: results.length,
      pass: by('pass'),
      fail: by('fail'),
      warning: by('warning'),
      skipped: by('skipped'),
      derivedViolations: findings.reduce((s, r) => s + r.derived, 0),
      carriedViolations: findings.reduce((s, r) => s + r.carried, 0),
    },
    exitCode: derivedFail || (strict && findings.length > 0) ? 1 : 0,
  };
}
