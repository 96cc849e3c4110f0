// Which Requirements Model rules apply to a relation, and which are skipped with a reason (docs/validation.md): the
// applicability criteria the data declares, the rule tree walked from a dataset's roots, and the reasons a leaf rule
// is not run (absent column, undeclared criteria, dynamic, no check).
import { datasetRules, type FocusDataset } from './contract-commitment.js';
import type { Expr, FocusRule } from './rule-syntax.js';
import { type RuleSet, ruleColumn, ruleLevel } from './rules.js';

export interface PlannedRule {
  rule: FocusRule;
  conditions: Expr[];
  skip?: string;
}

/**
 * Applicability criteria aicost takes as declared: a column's presence declares the criteria of its presence rule
 * (the way aicost states support), when the column has exactly one non-MAY presence rule; plus any given explicitly.
 */
export function declaredCriteria(
  rules: RuleSet,
  columns: Map<string, string>,
  extra?: string[] | 'ALL',
): Set<string> {
  const byColumn = new Map<string, FocusRule[]>();
  const all = new Set<string>();
  for (const r of rules.rules.values()) {
    if (r.entityType !== 'Dataset' || r.function !== 'Presence' || r.status === 'Removed') continue;
    for (const a of r.applicability) all.add(a);
    if (r.keyword === 'MAY' || !r.applicability.length) continue;
    byColumn.set(r.entity, [...(byColumn.get(r.entity) ?? []), r]);
  }
  if (extra === 'ALL') return all;
  const out = new Set<string>(extra ?? []);
  for (const [col, rs] of byColumn)
    if (rs.length === 1 && columns.has(col)) for (const a of rs[0]?.applicability ?? []) out.add(a);
  return out;
}

/**
 * The roots a dataset is checked from. Cost and Usage: its own root and every attribute, as before 1.3 named
 * datasets. Contract Commitment: its root and the attributes it must conform to (datasets.json `mustConformTo`).
 */
function rootsOf(rules: RuleSet, dataset: FocusDataset): string[] {
  if (dataset === 'CostAndUsage')
    return rules.roots.filter((id) => ['CostAndUsage', ''].includes(rules.rules.get(id)?.dataset ?? '-'));
  const { root, attributes } = datasetRules(dataset);
  const attr = rules.roots.filter((id) => {
    const r = rules.rules.get(id);
    return r?.dataset === '' && attributes.includes(r.entity);
  });
  return [root, ...attr];
}

/** Walks the rule tree from the roots of the dataset and its attributes; one entry per leaf rule. */
export function planRules(
  rules: RuleSet,
  columns: Map<string, string>,
  declared: Set<string>,
  dataset: FocusDataset = 'CostAndUsage',
): PlannedRule[] {
  const out: PlannedRule[] = [];
  const seen = new Set<string>();
  const visit = (id: string, conditions: Expr[], inheritedSkip?: string) => {
    const rule = rules.rules.get(id);
    if (!rule || seen.has(id) || ruleLevel(rule) === null) return;
    seen.add(id);
    const skip = inheritedSkip ?? applicabilitySkip(rule, columns, declared);
    const conds = rule.condition ? [...conditions, rule.condition] : conditions;
    const check = rule.check;
    if (
      check &&
      (check.kind === 'and' || check.kind === 'or') &&
      check.items.every((i) => i.kind === 'ref')
    ) {
      // Composite: its condition narrows every child; children are reported with their own ids. The model's OR
      // composites (InvoiceId, SubAccountType nullability) join children whose conditions partition the rows, so
      // each child is checked on its own; read as a row-level OR they would pass vacuously.
      for (const item of check.items) if (item.kind === 'ref') visit(item.id, conds, skip);
      return;
    }
    out.push({ rule, conditions: conds, skip: skip ?? leafSkip(rule) });
  };
  for (const root of rootsOf(rules, dataset)) visit(root, []);
  return out;
}

function applicabilitySkip(
  rule: FocusRule,
  columns: Map<string, string>,
  declared: Set<string>,
): string | undefined {
  if (rule.entityType === 'Column' || rule.entityType === 'Object') {
    const col = ruleColumn(rule);
    return columns.has(col) ? undefined : `column ${col} not present`;
  }
  const missing = rule.applicability.filter((a) => !declared.has(a));
  return missing.length ? `not applicable: ${missing.join(', ')} not declared` : undefined;
}

function leafSkip(rule: FocusRule): string | undefined {
  if (rule.type === 'Dynamic') return 'dynamic: needs evidence outside the dataset';
  if (!rule.check) return 'no check in the model';
  return undefined;
}
