// The allocation's options, checked at the library boundary. The command parses its flags into AllocateOptions and
// a programmatic caller builds them directly; either way a bad key, method, period, weight or weights file is an
// InputError (exit 2) before the data home is locked or anything is read.
import { existsSync } from 'node:fs';
import {
  type GpuCluster,
  GpuClusterSchema,
  type SharedResource,
  SharedResourceSchema,
} from '../../config.js';
import { InputError } from '../../errors.js';
import { checkKeys } from './keys.js';
import { type MethodId, parseMethod } from './methods.js';
import type { Period } from './period.js';

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
  /**
   * `provider`: spread an invoice line whose model has no usage that day over the provider's usage of the day (its
   * own match level). Default `none`: such a line stays unallocated, reported as invoiced with no matching usage.
   */
  fallback?: 'none' | 'provider';
  /** Shared-resource rules (the config file's `shared_resources`); those whose key is among `keys` apply. */
  sharedResources?: SharedResource[];
  /** x-gpu-time-v1 (docs/gpu.md#allocation): the config's gpu.clusters, and where idle GPU time goes. */
  gpuClusters?: GpuCluster[];
  idle?: 'separate' | 'spread';
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** True for a real calendar day written YYYY-MM-DD (not 2025-02-30, not 2025-13-01). */
const isDay = (v: string): boolean => {
  if (!DAY.test(v)) return false;
  const date = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === v;
};

/** --period YYYY-MM or --from/--to dates as a half-open date range. */
export function parsePeriod(opts: { period?: string; from?: string; to?: string }): Period {
  if (opts.period) {
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(opts.period))
      throw new InputError(`--period must be a month YYYY-MM, got "${opts.period}"`);
    if (opts.from || opts.to) throw new InputError('give --period or --from/--to, not both');
    const [y, m] = opts.period.split('-').map(Number) as [number, number];
    const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
    return { from: `${opts.period}-01`, to: `${next}-01` };
  }
  const period = { from: opts.from ?? null, to: opts.to ?? null };
  checkPeriod(period);
  return period;
}

/** Throws an InputError naming the first option that is wrong. */
export function checkAllocateOptions(opts: AllocateOptions): void {
  checkKeys(opts.keys);
  parseMethod(opts.method);
  checkPeriod(opts.period);
  if (opts.fallback !== undefined && opts.fallback !== 'none' && opts.fallback !== 'provider')
    throw new InputError(`--fallback must be none or provider, got "${opts.fallback}"`);
  const w = opts.outputWeight;
  if (w !== undefined && (!Number.isFinite(w) || w <= 0))
    throw new InputError('--output-weight must be a positive number');
  if (opts.weightsFile !== undefined && !existsSync(opts.weightsFile))
    throw new InputError('weights file not found', { file: opts.weightsFile });
  if (opts.idle !== undefined && opts.idle !== 'separate' && opts.idle !== 'spread')
    throw new InputError(`--idle must be separate or spread, got "${opts.idle}"`);
  if (opts.method === 'x-gpu-time-v1' && (opts.gpuClusters ?? []).length === 0)
    throw new InputError(
      '--method x-gpu-time-v1 needs GPU clusters',
      {},
      'add gpu.clusters to the config file (docs/gpu.md#configuration)',
    );
  for (const [i, c] of (opts.gpuClusters ?? []).entries()) {
    const parsed = GpuClusterSchema.safeParse(c);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new InputError(`gpu.clusters[${i}].${issue.path.join('.')}: ${issue.message}`);
    }
  }
  for (const [i, r] of (opts.sharedResources ?? []).entries()) {
    const parsed = SharedResourceSchema.safeParse(r);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new InputError(`shared_resources[${i}].${issue.path.join('.')}: ${issue.message}`);
    }
  }
}

/** A period's days are real calendar days and `from` comes before `to` (an empty range is an error, not a no-op). */
function checkPeriod(p: Period): void {
  for (const [k, v] of Object.entries(p)) {
    if (v !== null && !isDay(v)) throw new InputError(`--${k} must be a calendar day YYYY-MM-DD, got "${v}"`);
  }
  if (p.from !== null && p.to !== null && p.from >= p.to)
    throw new InputError(`--from ${p.from} is not before --to ${p.to} (--to is exclusive)`);
}
