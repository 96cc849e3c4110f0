// The allocation's options, checked at the library boundary. The command parses its flags into AllocateOptions and
// a programmatic caller builds them directly; either way a bad key, method, period, weight or weights file is an
// InputError (exit 2) before the data home is locked or anything is read.
import { existsSync } from 'node:fs';
import { InputError } from '../../errors.js';
import { checkKeys } from './keys.js';
import type { Period } from './match.js';
import { type MethodId, parseMethod } from './methods.js';

export interface AllocateOptions {
  /** The data home. */
  home: string;
  /** Tag keys, `model` or `provider`: each target is one value of these keys. */
  keys: string[];
  method: MethodId;
  /** UTC days, `from` inclusive and `to` exclusive (YYYY-MM-DD); null is open-ended. */
  period: Period;
  /** x-fixed-v1: YAML or JSON map of key value -> weight. */
  weightsFile?: string;
  /** x-tokens-v1: weight of an output token relative to an input token (default 1). */
  outputWeight?: number;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** --period YYYY-MM or --from/--to dates as a half-open date range. */
export function parsePeriod(opts: { period?: string; from?: string; to?: string }): Period {
  if (opts.period) {
    if (!/^\d{4}-\d{2}$/.test(opts.period))
      throw new InputError(`--period must be YYYY-MM, got "${opts.period}"`);
    const [y, m] = opts.period.split('-').map(Number) as [number, number];
    const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
    return { from: `${opts.period}-01`, to: `${next}-01` };
  }
  for (const [k, v] of Object.entries({ from: opts.from, to: opts.to })) {
    if (v && !DAY.test(v)) throw new InputError(`--${k} must be YYYY-MM-DD, got "${v}"`);
  }
  return { from: opts.from ?? null, to: opts.to ?? null };
}

/** Throws an InputError naming the first option that is wrong. */
export function checkAllocateOptions(opts: AllocateOptions): void {
  checkKeys(opts.keys);
  parseMethod(opts.method);
  for (const [k, v] of Object.entries(opts.period)) {
    if (v !== null && !DAY.test(v)) throw new InputError(`--${k} must be YYYY-MM-DD, got "${v}"`);
  }
  const w = opts.outputWeight;
  if (w !== undefined && (!Number.isFinite(w) || w <= 0))
    throw new InputError('--output-weight must be a positive number');
  if (opts.weightsFile !== undefined && !existsSync(opts.weightsFile))
    throw new InputError('weights file not found', { file: opts.weightsFile });
}
