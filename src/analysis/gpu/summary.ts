// `aicost gpu` as a library function (docs/gpu.md#aicost-gpu): per configured GPU cluster, over its charges' span
// (clipped to the period asked for), the reserved GPU-hours, measured utilization, the idle share of the cost, the
// tokens its self-hosted models served, the effective cost per 1M tokens, and what the same tokens would cost at the
// API prices of comparable models (the price book). Rows are aggregated in SQL; the few per-cluster figures are
// combined exactly in fixed-point BigInt (prices/decimal.ts), never as floats.
import type { GpuCluster } from '../../config.js';
import { InputError } from '../../errors.js';
import { loadPriceBook } from '../../prices/book.js';
import { divFixed, fromFixed18, mulDiv, mulFixed, toFixed18 } from '../../prices/decimal.js';
import { type Db, lit, withDb } from '../../store/duckdb.js';
import { TOKEN_CLASSES, type TokenClass } from '../../usage/schema.js';
import type { Period } from '../allocate/period.js';
import { attachViews } from '../views.js';
import { allocationsSql, chargeSql, clusterCostSql, samplesSql, servedSql } from './clusters.js';

export const GPU_SCHEMA = 'aicost.gpu/1';
const ONE = toFixed18('1');
const HOUR_US = 3_600_000_000n;

export interface GpuComparison {
  model: string;
  /** The served tokens at the model's list prices (USD), or null when a token class they hold is unpriced. */
  apiCost: string | null;
  apiCostPer1MTokens: string | null;
  unpricedClasses: string[];
}

export interface GpuClusterSummary {
  cluster: string;
  /** The span of the cluster's charges, clipped to the period (ISO, UTC); null without charges. */
  from: string | null;
  to: string | null;
  currency: string | null;
  charges: number;
  /** What the charges cost the cluster in the span (clusters.ts clusterCostSql), pro rata where a charge straddles it. */
  cost: string;
  reservedGpuHours: string | null;
  /** Where reserved GPU-hours come from: gpu-reservations rows, the config's `gpus`, or the GPUs telemetry saw. */
  gpuHoursBasis: 'reservations' | 'config' | 'telemetry' | null;
  /** Mean busy ratio 0..1 of the samples (or OpenCost's allocated share of GPU-hours); null without telemetry. */
  utilization: string | null;
  utilizationBasis: 'samples' | 'opencost' | null;
  samples: number;
  busyCost: string | null;
  idleCost: string | null;
  idleGpuHours: string | null;
  /** Tokens the served models processed in the span, per class and in all; requests. */
  tokens: string;
  tokensByClass: Record<string, string>;
  requests: string;
  costPer1MTokens: string | null;
  comparisons: GpuComparison[];
}

export interface GpuReport {
  schema: typeof GPU_SCHEMA;
  from: string | null;
  to: string | null;
  clusters: GpuClusterSummary[];
}

const fixed = (v: string | null | undefined): bigint => toFixed18(v ?? '0');
const orNull = (v: bigint | null): string | null => (v === null ? null : fromFixed18(v));

interface Span {
  from: bigint;
  to: bigint;
}

/** The cluster's charges in the period: count, currency, span and exact cost (straddling charges pro rata). */
async function charges(db: Db, c: GpuCluster, period: Period) {
  const lo = period.from ? `${lit(period.from)}::TIMESTAMPTZ` : 'NULL::TIMESTAMPTZ';
  const hi = period.to ? `${lit(period.to)}::TIMESTAMPTZ` : 'NULL::TIMESTAMPTZ';
  const rows = await db.all<Record<string, string | null>>(
    `SELECT epoch_us(ChargePeriodStart)::VARCHAR AS t0, epoch_us(ChargePeriodEnd)::VARCHAR AS t1,
       BillingCurrency AS cur, CAST(${clusterCostSql('f')} AS DECIMAL(38,18))::VARCHAR AS cost,
       x_SourceId AS src, PricingQuantity::VARCHAR AS qty
     FROM focus f WHERE ${chargeSql(c)} AND ChargeCategory IN ('Usage', 'Purchase')
       AND (${lo} IS NULL OR ChargePeriodEnd > ${lo}) AND (${hi} IS NULL OR ChargePeriodStart < ${hi})`,
  );
  const clipLo = period.from ? BigInt(Date.parse(`${period.from}T00:00:00Z`)) * 1000n : null;
  const clipHi = period.to ? BigInt(Date.parse(`${period.to}T00:00:00Z`)) * 1000n : null;
  let cost = 0n;
  let reserved = 0n;
  let span: Span | null = null;
  const currencies = new Set<string>();
  for (const r of rows) {
    const [t0, t1] = [BigInt(r.t0!), BigInt(r.t1!)];
    const a = clipLo !== null && clipLo > t0 ? clipLo : t0;
    const b = clipHi !== null && clipHi < t1 ? clipHi : t1;
    // the part of a charge inside the period, by time (a charge of no duration counts whole)
    const part = (v: bigint) => (t1 > t0 && (a !== t0 || b !== t1) ? mulDiv(v, b - a, t1 - t0) : v);
    cost += part(fixed(r.cost));
    if (r.src === 'gpu-reservations') reserved += part(fixed(r.qty));
    if (r.cur) currencies.add(r.cur);
    span = span ? { from: a < span.from ? a : span.from, to: b > span.to ? b : span.to } : { from: a, to: b };
  }
  if (currencies.size > 1)
    throw new InputError(
      `GPU cluster "${c.name}" has charges in ${[...currencies].join(' and ')}: not converted`,
    );
  return {
    n: rows.length,
    cost,
    reserved: rows.some((r) => r.src === 'gpu-reservations') ? reserved : null,
    span,
    currency: [...currencies][0] ?? null,
  };
}

const inSpan = (col: string, s: Span) =>
  `${col} >= (make_timestamp(${s.from}::BIGINT) AT TIME ZONE 'UTC') AND ${col} < (make_timestamp(${s.to}::BIGINT) AT TIME ZONE 'UTC')`;

/** Mean busy ratio of the samples in the span (exact), else OpenCost's allocated share of GPU-hours. */
async function utilization(db: Db, c: GpuCluster, s: Span) {
  const smp = await db.one<{ n: string; total: string | null; gpus: string }>(
    `SELECT count(*)::VARCHAR AS n, SUM(busy)::VARCHAR AS total, count(DISTINCT gpu)::VARCHAR AS gpus
     FROM (${samplesSql(c)}) WHERE ${inSpan('ts', s)}`,
  );
  const n = BigInt(smp?.n ?? '0');
  if (n > 0n)
    return {
      u: divFixed(fixed(smp?.total), n * ONE),
      basis: 'samples' as const,
      samples: Number(n),
      gpus: Number(smp?.gpus),
    };
  const oc = await db.one<{ busy: string | null; total: string | null }>(
    `SELECT SUM(gpu_hours) FILTER (WHERE NOT idle)::VARCHAR AS busy, SUM(gpu_hours)::VARCHAR AS total
     FROM (${allocationsSql(c)}) WHERE ${inSpan('ts', s)}`,
  );
  if (oc?.total && fixed(oc.total) > 0n)
    return { u: divFixed(fixed(oc.busy), fixed(oc.total)), basis: 'opencost' as const, samples: 0, gpus: 0 };
  return { u: null, basis: null, samples: 0, gpus: 0 };
}

/** Tokens per class and requests of the served models in the span. */
async function served(db: Db, c: GpuCluster, s: Span) {
  const r = await db.one<Record<string, string>>(
    `SELECT ${TOKEN_CLASSES.map((t) => `COALESCE(SUM(u."${t}"), 0)::VARCHAR AS "${t}"`).join(', ')},
       COALESCE(SUM(COALESCE(u.request_count, 1)), 0)::VARCHAR AS requests
     FROM usage u WHERE ${servedSql(c, 'u')} AND ${inSpan('u."timestamp"', s)}`,
  );
  const byClass = Object.fromEntries(TOKEN_CLASSES.map((t) => [t, r?.[t] ?? '0']));
  return {
    byClass,
    total: TOKEN_CLASSES.reduce((a, t) => a + BigInt(byClass[t]!), 0n),
    requests: r?.requests ?? '0',
  };
}

export interface GpuSummaryOptions {
  home: string;
  clusters: GpuCluster[];
  period: Period;
  rateCard?: string;
}

/** One summary per configured cluster (in config order). */
export async function gpuSummary(opts: GpuSummaryOptions): Promise<GpuReport> {
  if (opts.clusters.length === 0)
    throw new InputError(
      'no GPU clusters configured',
      {},
      'add gpu.clusters to the config file (docs/gpu.md#configuration)',
    );
  const book = loadPriceBook({ rateCard: opts.rateCard });
  const clusters = await withDb({}, async (db) => {
    await attachViews(db, opts.home);
    const out: GpuClusterSummary[] = [];
    for (const c of opts.clusters) out.push(await summarize(db, c, opts.period, book));
    return out;
  });
  return { schema: GPU_SCHEMA, from: opts.period.from, to: opts.period.to, clusters };
}

async function summarize(
  db: Db,
  c: GpuCluster,
  period: Period,
  book: ReturnType<typeof loadPriceBook>,
): Promise<GpuClusterSummary> {
  const ch = await charges(db, c, period);
  const empty = { byClass: Object.fromEntries(TOKEN_CLASSES.map((t) => [t, '0'])), total: 0n, requests: '0' };
  const s = ch.span;
  const util = s ? await utilization(db, c, s) : { u: null, basis: null, samples: 0, gpus: 0 };
  const use = s ? await served(db, c, s) : empty;
  const hours = s ? ((s.to - s.from) * ONE) / HOUR_US : 0n;
  const [reserved, basis] =
    ch.reserved !== null
      ? [ch.reserved, 'reservations' as const]
      : c.gpus
        ? [BigInt(c.gpus) * hours, 'config' as const]
        : util.gpus > 0
          ? [BigInt(util.gpus) * hours, 'telemetry' as const]
          : [null, null];
  const idleShare = util.u === null ? null : ONE - util.u;
  const idleCost = idleShare === null ? null : mulFixed(ch.cost, idleShare);
  const per1M = (v: bigint) => (use.total > 0n ? mulDiv(v, 1_000_000n, use.total) : null);
  const at = s ? new Date(Number(s.from / 1000n)) : new Date();
  const comparisons = c.compare_to.map((model) => {
    let api = 0n;
    const unpriced: string[] = [];
    for (const t of TOKEN_CLASSES) {
      const n = BigInt(use.byClass[t]!);
      if (n === 0n) continue;
      const row = book.lookup(null, model, t as TokenClass, at);
      if (!row) unpriced.push(t);
      else api += toFixed18(row.price) * n;
    }
    const cost = unpriced.length ? null : api;
    return {
      model,
      apiCost: orNull(cost),
      apiCostPer1MTokens: orNull(cost === null ? null : per1M(cost)),
      unpricedClasses: unpriced,
    };
  });
  return {
    cluster: c.name,
    from: s ? new Date(Number(s.from / 1000n)).toISOString().replace('.000Z', 'Z') : null,
    to: s ? new Date(Number(s.to / 1000n)).toISOString().replace('.000Z', 'Z') : null,
    currency: ch.currency,
    charges: ch.n,
    cost: fromFixed18(ch.cost),
    reservedGpuHours: orNull(reserved),
    gpuHoursBasis: basis,
    utilization: orNull(util.u),
    utilizationBasis: util.basis,
    samples: util.samples,
    busyCost: orNull(idleCost === null ? null : ch.cost - idleCost),
    idleCost: orNull(idleCost),
    idleGpuHours: orNull(idleShare === null || reserved === null ? null : mulFixed(reserved, idleShare)),
    tokens: use.total.toString(),
    tokensByClass: use.byClass,
    requests: use.requests,
    costPer1MTokens: orNull(per1M(ch.cost)),
    comparisons,
  };
}
