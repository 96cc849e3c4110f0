// FOCUS Requirements Model rules as data: loads focus-schemas/<version>/rules.csv, parses the rendered check and
// condition trees (rule-parser.ts) and applies the documented overrides of validate-overrides.ts, which keep the
// rule id and say why (docs/validation.md#rule-overrides).
import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { parseExpr } from './rule-parser.js';
import { type Expr, type FocusRule, type Keyword, refsOf } from './rule-syntax.js';
import { type FocusVersion, focusSchemaPath } from './schema.js';
import { applyOverrides } from './validate-overrides.js';

export interface RuleSet {
  version: FocusVersion;
  rules: Map<string, FocusRule>;
  /** Rules no other rule references: the dataset root(s) and the attribute roots, in file order. */
  roots: string[];
}

/** Deprecated in 1.3 but still Mandatory (docs/data-model.md#focus-columns): their rules stay enforced. */
const DEPRECATED_MANDATORY = new Set(['ProviderName', 'PublisherName']);

/** How a rule's violations count: `must` fails, `should` warns, `null` is not checked (MAY, Removed, Deprecated). */
export function ruleLevel(rule: FocusRule): 'must' | 'should' | null {
  if (rule.status === 'Removed') return null;
  if (rule.status === 'Deprecated' && !DEPRECATED_MANDATORY.has(rule.entity)) return null;
  if (rule.keyword === 'MUST' || rule.keyword === 'MUST NOT') return 'must';
  if (rule.keyword === 'MAY') return null;
  return 'should';
}

/** The data column a rule is about: Object entities name their JSON column with an `Object` suffix. */
export function ruleColumn(rule: FocusRule): string {
  return rule.entityType === 'Object' ? rule.entity.replace(/Object$/, '') : rule.entity;
}

const cache = new Map<FocusVersion, RuleSet>();

/** Loads, parses and overrides the Requirements Model rules of a FOCUS version (cached). */
export function loadRules(version: FocusVersion): RuleSet {
  const hit = cache.get(version);
  if (hit) return hit;
  const text = readFileSync(focusSchemaPath(version, 'rules.csv'), 'utf8');
  const parsed = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true });
  const rules = new Map<string, FocusRule>();
  for (const row of parsed.data) {
    const rule = toRule(row);
    rules.set(rule.id, applyOverrides(version, rule));
  }
  const set: RuleSet = { version, rules, roots: findRoots(rules) };
  cache.set(version, set);
  return set;
}

function toRule(row: Record<string, string>): FocusRule {
  const id = row.rule_id ?? '';
  const checkText = row.check ?? '';
  const conditionText = row.condition ?? '';
  return {
    id,
    dataset: row.dataset ?? '',
    entityType: row.entity_type ?? '',
    entity: row.entity ?? '',
    function: row.function ?? '',
    keyword: (row.keyword ?? 'MUST') as Keyword,
    type: row.type === 'Dynamic' ? 'Dynamic' : 'Static',
    status: (row.status ?? 'Active') as FocusRule['status'],
    applicability: (row.applicability ?? '').split(/\s+/).filter(Boolean),
    check: checkText ? parseRuleExpr(checkText, id) : null,
    condition: conditionText ? parseRuleExpr(conditionText, id) : null,
    checkText,
    conditionText,
    requirement: row.must_satisfy ?? '',
  };
}

function parseRuleExpr(text: string, id: string): Expr {
  try {
    return parseExpr(text);
  } catch (err) {
    // A tree we cannot read is reported like the model's own INVALID nodes: skipped with the reason.
    return { kind: 'invalid', raw: `${id}: ${(err as Error).message}: ${text}` };
  }
}

function findRoots(rules: Map<string, FocusRule>): string[] {
  const referenced = new Set<string>();
  for (const rule of rules.values()) {
    if (rule.status === 'Removed') continue;
    for (const e of [rule.check, rule.condition]) if (e) for (const id of refsOf(e)) referenced.add(id);
  }
  return [...rules.values()].filter((r) => r.status !== 'Removed' && !referenced.has(r.id)).map((r) => r.id);
}

/** A rule written as data in the model's rendered syntax (what `ruleSetOf` takes). */
export interface RuleSpec {
  id: string;
  /** The column (or, for a presence rule, the column it requires). */
  entity: string;
  keyword: Keyword;
  check: string;
  condition?: string;
  /** `Presence` rules are dataset-level (`present(X)`); anything else is a column rule. */
  function?: string;
  applicability?: string[];
  requirement?: string;
}

/**
 * A rule set of the given rules only, each its own root, without the model's overrides: to check a rule as someone
 * else wrote it (the reference validator's test rules, test/focus/validator-agreement.test.ts).
 */
export function ruleSetOf(version: FocusVersion, specs: RuleSpec[]): RuleSet {
  const rules = new Map<string, FocusRule>();
  for (const s of specs) {
    const fn = s.function ?? (s.check.startsWith('present(') ? 'Presence' : 'Validation');
    rules.set(s.id, {
      id: s.id,
      dataset: 'CostAndUsage',
      entityType: fn === 'Presence' ? 'Dataset' : 'Column',
      entity: s.entity,
      function: fn,
      keyword: s.keyword,
      type: 'Static',
      status: 'Active',
      applicability: s.applicability ?? [],
      check: parseRuleExpr(s.check, s.id),
      condition: s.condition ? parseRuleExpr(s.condition, s.id) : null,
      checkText: s.check,
      conditionText: s.condition ?? '',
      requirement: s.requirement ?? '',
    });
  }
  return { version, rules, roots: [...rules.keys()] };
}
