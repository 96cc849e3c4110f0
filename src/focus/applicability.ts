// The Requirements Model's applicability criteria (PUBLIC_PRICE_LIST_SUPPORTED, ...) as data: read from the
// `applicability` column of focus-schemas/<version>/rules.csv, so `aicost validate --help` lists exactly the criteria
// the rules use and `--applicability` / the config key `validate.applicability` are checked against them.
// Synchronous and light on imports: `--help` builds its text from it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { InputError } from '../errors.js';
import { type FocusVersion, focusSchemaPath } from './schema.js';

const cache = new Map<FocusVersion, string[]>();

/** Every applicability criterion the rules of `version` name, sorted. */
export function applicabilityCriteria(version: FocusVersion): string[] {
  const hit = cache.get(version);
  if (hit) return hit;
  // papaparse only when asked: this module is imported by the command registry on every start.
  const Papa = createRequire(import.meta.url)('papaparse') as typeof import('papaparse');
  const text = readFileSync(focusSchemaPath(version, 'rules.csv'), 'utf8');
  const rows = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true }).data;
  const all = new Set(rows.flatMap((r) => (r.applicability ?? '').split(/\s+/).filter(Boolean)));
  const list = [...all].sort();
  cache.set(version, list);
  return list;
}

/**
 * Checks criteria a user gave (flag or config) against the rules of `version`: `ALL` (alone) declares every one;
 * an unknown name is an InputError naming `what` (the flag or config key) and the nearest known names.
 */
export function parseApplicability(
  given: readonly string[],
  version: FocusVersion,
  what: string,
): string[] | 'ALL' {
  const names = given.map((g) => g.trim()).filter(Boolean);
  if (names.some((n) => n.toUpperCase() === 'ALL')) {
    if (names.length > 1) throw new InputError(`${what}: ALL declares every criterion; give it alone`);
    return 'ALL';
  }
  const known = applicabilityCriteria(version);
  for (const n of names) {
    if (known.includes(n)) continue;
    const near = nearest(n.toUpperCase(), known);
    throw new InputError(
      `${what}: "${n}" is not an applicability criterion of FOCUS ${version}`,
      {},
      near.length
        ? `did you mean ${near.join(' or ')}? (aicost validate --help lists them)`
        : 'aicost validate --help lists them',
    );
  }
  return [...new Set(names)];
}

/** Known criteria sharing the most words (or word prefixes: PRICES ~ PRICE) with `name`, best first. */
function nearest(name: string, known: string[]): string[] {
  const words = (s: string) =>
    s
      .replace(/_SUPPORTED$/, '')
      .split('_')
      .filter(Boolean);
  const given = words(name);
  const alike = (a: string, b: string) => a.startsWith(b) || b.startsWith(a);
  const scored = known
    .map((k) => [k, given.filter((g) => words(k).some((w) => alike(g, w))).length] as const)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
  const best = scored[0]?.[1];
  return scored
    .filter(([, n]) => n === best)
    .map(([k]) => k)
    .slice(0, 3);
}
