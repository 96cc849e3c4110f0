// Allocation methods (docs/allocation.md#methods): documented ids, and each one's weight of a matched usage aggregate.
import { InputError } from '../../errors.js';
import { ident, lit } from '../../store/duckdb.js';
import { TOKEN_CLASSES } from '../../usage/schema.js';

export const METHODS = {
  'x-token-cost-v1': {
    summary:
      'share of the price-book estimate of the matched tokens (within one model and token class: the token share)',
    usageUnit: 'Tokens',
  },
  'x-tokens-v1': {
    summary: 'share of weighted tokens (all classes weight 1 unless --output-weight is given)',
    usageUnit: 'Tokens',
  },
  'x-even-v1': { summary: 'equal share per matched request', usageUnit: 'Requests' },
  'x-fixed-v1': {
    summary: 'fixed weights per key value from a weights file, shared equally by its requests',
    usageUnit: 'Weight',
  },
  // GPU clusters (docs/gpu.md#allocation): the config's gpu.clusters are the pools
  'x-gpu-time-v1': {
    summary:
      'GPU cluster charges: busy GPU-hours (telemetry) by weighted tokens of the served models, idle as (idle) or spread',
    usageUnit: 'GPU-Hours',
  },
} as const;
export type MethodId = keyof typeof METHODS;

export function parseMethod(raw: string | undefined): MethodId {
  const m = raw ?? 'x-token-cost-v1';
  if (!(m in METHODS)) throw new InputError(`unknown --method "${m}" (${Object.keys(METHODS).join(', ')})`);
  return m as MethodId;
}

/** Tokens of the pool row's class on aggregate `a` (`p.cls` names the class), or all tokens when it has none. */
export function classTokensSql(a = 'a', p = 'p', outputWeight = 1): string {
  const all = TOKEN_CLASSES.map((c) =>
    c === 'output' && outputWeight !== 1 ? `${a}.output * ${outputWeight}` : `${a}.${ident(c)}`,
  ).join(' + ');
  const byClass = TOKEN_CLASSES.map((c) => `WHEN ${lit(c)} THEN ${a}.${ident(c)}`).join(' ');
  return `(CASE WHEN ${p}.lvl_class THEN (CASE ${p}.cls ${byClass} ELSE 0 END) ELSE ${all} END)`;
}
