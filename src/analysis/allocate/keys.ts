// Allocation keys: a tag key (feature, team, customer, ...), `model` or `provider`. Validated identifiers only
// reach SQL; the key value of a usage row is computed here, the same way for allocation and usage_attributed.
import type { SharedResource } from '../../config.js';
import { InputError } from '../../errors.js';
import { editDistance } from '../../normalize/contract.js';
import { jsonKeyPath } from '../../sql.js';
import { type Db, lit } from '../../store/duckdb.js';

export const UNTAGGED = '(untagged)';
const KEY = /^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,63}$/;

/** Parses `--by feature,team` into validated keys. */
export function parseKeys(raw: string): string[] {
  const keys = raw
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  checkKeys(keys, raw);
  return keys;
}

/** Throws an InputError unless `keys` is a non-empty list of distinct valid keys (`shown`: what the user typed). */
export function checkKeys(keys: string[], shown = keys.join(',')): void {
  if (keys.length === 0) throw new InputError('--by needs at least one key (a tag key, model or provider)');
  for (const k of keys) {
    if (!KEY.test(k)) throw new InputError(`--by key "${k}" is not a valid key (letters, digits, _ . : -)`);
  }
  if (new Set(keys).size !== keys.length) throw new InputError(`--by repeats a key: ${shown}`);
}

/** SQL for a tag's value on a usage row (alias `u`), NULL when absent. */
function tagSql(key: string, u: string): string {
  return `json_extract_string(${u}.tags, ${jsonKeyPath(key)})`;
}

/** The reserved target a shared resource's maintenance usage is held under until it is split by query share. */
export const sharedMarker = (name: string): string => `(shared:${name})`;

type Selector = NonNullable<SharedResource['build']>['match'];

/** SQL true for the usage rows (alias `u`) a shared-resource selector covers: every given field must match. */
function selectorSql(sel: Selector, u: string): string {
  const parts: string[] = [];
  if (sel.operation) parts.push(`${u}.operation IN (${sel.operation.map(lit).join(', ')})`);
  if (sel.model) {
    const models = sel.model.map(lit).join(', ');
    parts.push(`(${u}.model IN (${models}) OR ${u}.model_raw IN (${models}))`);
  }
  for (const [k, vs] of Object.entries(sel.tags ?? {}))
    parts.push(`${tagSql(k, u)} IN (${vs.map(lit).join(', ')})`);
  return `(${parts.join(' AND ')})`;
}

/**
 * The shared-resource roles of `key` as CASE arms, in rule order and within a rule build, maintenance, query (the
 * narrowest first): the first arm a row matches is its role. `then` gives each arm's result.
 */
function roleArms(
  key: string,
  rules: readonly SharedResource[],
  u: string,
  then: (rule: SharedResource, role: 'build' | 'maintenance' | 'query') => string,
): string[] {
  const arms: string[] = [];
  for (const r of rules.filter((x) => x.key === key)) {
    if (r.build) arms.push(`WHEN ${selectorSql(r.build.match, u)} THEN ${then(r, 'build')}`);
    if (r.maintenance)
      arms.push(`WHEN ${selectorSql(r.maintenance.match, u)} THEN ${then(r, 'maintenance')}`);
    if (r.query) arms.push(`WHEN ${selectorSql(r.query.match, u)} THEN ${then(r, 'query')}`);
  }
  return arms;
}

/**
 * SQL for one key's value on a usage row (alias `u`), NULL when absent. Under shared-resource rules for the key,
 * build usage takes the triggering team's tag, query usage the querying team's, maintenance usage the resource's
 * marker (split later by query share); a row without the named tag keeps its own value.
 */
export function keyValueSql(key: string, u = 'u', rules: readonly SharedResource[] = []): string {
  if (key === 'model') return `${u}.model`;
  if (key === 'provider') return `${u}.provider`;
  const own = tagSql(key, u);
  const arms = roleArms(key, rules, u, (r, role) => {
    if (role === 'maintenance') return lit(sharedMarker(r.name));
    const to = role === 'build' ? r.build?.charge_to : r.query?.charge_to;
    return to ? `COALESCE(${tagSql(to, u)}, ${own})` : own;
  });
  return arms.length ? `(CASE ${arms.join(' ')} ELSE ${own} END)` : own;
}

/** SQL naming a usage row's shared-resource role for `key` as `name:role`, NULL when no rule covers it. */
export function roleSql(key: string, rules: readonly SharedResource[], u = 'u'): string {
  const arms = roleArms(key, rules, u, (r, role) => lit(`${r.name}:${role}`));
  return arms.length ? `(CASE ${arms.join(' ')} END)` : 'NULL::VARCHAR';
}

/**
 * The allocation target of a usage row: the key value, or `key=value` pairs joined by `|` for several keys;
 * a missing value is the reserved `(untagged)`.
 */
export function targetSql(keys: string[], u = 'u', rules: readonly SharedResource[] = []): string {
  return targetFromValuesSql(
    keys,
    keys.map((k) => keyValueSql(k, u, rules)),
  );
}

/** The target from each key's value expression (`values[i]` for `keys[i]`). */
export function targetFromValuesSql(keys: string[], values: string[]): string {
  if (keys.length === 1) return `COALESCE(${values[0]}, ${lit(UNTAGGED)})`;
  return `concat_ws('|', ${keys.map((k, i) => `${lit(`${k}=`)} || COALESCE(${values[i]}, ${lit(UNTAGGED)})`).join(', ')})`;
}

/**
 * Throws an InputError when `key` is a tag key that no usage row carries, naming the keys that exist and the
 * nearest one (a typo would otherwise put every row under `(untagged)`). `model` and `provider` always exist.
 */
export async function checkKeyExists(db: Db, key: string | null): Promise<void> {
  if (key === null || key === 'model' || key === 'provider') return;
  const hit = await db.one(`SELECT 1 AS x FROM usage u WHERE ${tagSql(key, 'u')} IS NOT NULL LIMIT 1`);
  if (hit) return;
  const rows = await db.all<{ k: string }>(
    `SELECT DISTINCT unnest(json_keys(tags)) AS k FROM usage WHERE tags IS NOT NULL ORDER BY k`,
  );
  const keys = ['model', 'provider', ...rows.map((r) => r.k)];
  const near = [...keys].sort((a, b) => editDistance(key, a) - editDistance(key, b))[0];
  throw new InputError(
    `--by key "${key}" is on no usage row; keys present: ${keys.join(', ')}`,
    {},
    near && editDistance(key, near) <= 3 ? `did you mean "${near}"?` : undefined,
  );
}
