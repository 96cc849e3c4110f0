// `--fail-on RULE,...`: the checks that make a command exit 1 (README.md#exit-codes). One parser for every command
// that gates CI, so the rule names and the error for a misspelt one are the same everywhere.
import { InputError } from '../errors.js';

export const FAIL_RULES = ['budget', 'anomaly', 'validation'] as const;
export type FailRule = (typeof FAIL_RULES)[number];

/** Parses `--fail-on`; `allowed` are the rules this command can evaluate. */
export function parseFailOn(value: unknown, allowed: readonly FailRule[]): Set<FailRule> {
  if (value === undefined || value === null || value === '') return new Set();
  const rules = String(value)
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  for (const r of rules)
    if (!(allowed as readonly string[]).includes(r))
      throw new InputError(
        `--fail-on: unknown rule "${r}"`,
        {},
        `this command can fail on: ${allowed.join(', ')}`,
      );
  return new Set(rules as FailRule[]);
}

/** A YYYY-MM-DD day option, checked as a real calendar day. */
export function parseDay(value: unknown, flag: string): string | undefined {
  if (value === undefined) return undefined;
  const s = String(value);
  const d = new Date(`${s}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s) || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== s)
    throw new InputError(`${flag} must be a calendar day YYYY-MM-DD, got "${s}"`);
  return s;
}
