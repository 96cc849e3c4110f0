// Allocation keys: a tag key (feature, team, customer, ...), `model` or `provider`. Validated identifiers only
// reach SQL; the key value of a usage row is computed here, the same way for allocation and usage_attributed.
import { InputError } from '../../errors.js';
import { editDistance } from '../../normalize/contract.js';
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

/** SQL for one key's value on a usage row (alias `u`), NULL when absent. */
export function keyValueSql(key: string, u = 'u'): string {
  if (key === 'model') return `${u}.model`;
  if (key === 'provider') return `${u}.provider`;
  return `json_extract_string(${u}.tags, ${lit(`$."${key}"`)})`;
}

/**
 * The allocation target of a usage row: the key value, or `key=value` pairs joined by `|` for several keys;
 * a missing value is the reserved `(untagged)`.
 */
export function targetSql(keys: string[], u = 'u'): string {
  if (keys.length === 1) return `COALESCE(${keyValueSql(keys[0]!, u)}, ${lit(UNTAGGED)})`;
  return `concat_ws('|', ${keys.map((k) => `${lit(`${k}=`)} || COALESCE(${keyValueSql(k, u)}, ${lit(UNTAGGED)})`).join(', ')})`;
}

/**
 * Throws an InputError when `key` is a tag key that no usage row carries, naming the keys that exist and the
 * nearest one (a typo would otherwise put every row under `(untagged)`). `model` and `provider` always exist.
 */
export async function checkKeyExists(db: Db, key: string | null): Promise<void> {
  if (key === null || key === 'model' || key === 'provider') return;
  const hit = await db.one(`SELECT 1 AS x FROM usage u WHERE ${keyValueSql(key)} IS NOT NULL LIMIT 1`);
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
