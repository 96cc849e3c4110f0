// The anomaly detector (docs/anomalies.md): daily cost against a robust same-weekday baseline, runaway requests,
// cost per request week over week, and the drivers of each finding. DuckDB does the work over the views; this
// module checks the options, runs the detectors in order and assembles their rows into one report.
import { type Db, lit, withDb } from '../../store/duckdb.js';
import { attachViews } from '../views.js';
import { type DailyCandidate, dailyCandidates, insufficientHistory } from './daily.js';
import { type Explanation, explain, type Finding } from './drivers.js';
import { GPU_LOW_UTILIZATION, gpuLowRuns } from './gpu.js';
import { addDays, checkOptions, type Settings, type Window, windowOf } from './options.js';
import { runawayGroups } from './runaway.js';
import {
  billingCurrencies,
  checkKeyExists,
  createDailyTable,
  createRowView,
  currencyOf,
  lastUsageDay,
} from './scope.js';
import type { Anomaly, AnomalyKind, AnomalyOptions, AnomalyReport, CostBasis } from './types.js';
import { type WowCandidate, wowCandidates } from './wow.js';

export type * from './types.js';

const KIND_ORDER: AnomalyKind[] = ['daily-cost', 'cost-per-request', 'runaway-requests', 'gpu-utilization'];

/** `from`..`to` inclusive, as days. */
function days(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

function dailyAnomaly(c: DailyCandidate, x: Explanation, key: string | null): Omit<Anomaly, 'currency'> {
  return {
    kind: 'daily-cost',
    key,
    day: c.day,
    actual: c.actual,
    baseline: c.baseline,
    impact: c.impact,
    basis: c.basis,
    ...x,
    detail: {
      history: c.history,
      mad: c.mad,
      threshold: c.threshold,
      decompositionBaseline: c.decompositionBaseline,
      requests: c.requests,
    },
  };
}

function wowAnomaly(
  c: WowCandidate,
  x: Explanation,
  w: Window,
  key: string | null,
): Omit<Anomaly, 'currency'> {
  const { kv: _kv, actual, baseline, impact, basis, ...detail } = c;
  return {
    kind: 'cost-per-request',
    key,
    day: w.until,
    actual,
    baseline,
    impact,
    basis,
    ...x,
    detail: {
      from: w.weekFrom,
      to: w.until,
      previousFrom: w.previousFrom,
      previousTo: w.previousTo,
      ...detail,
    },
  };
}

/** Runs the detectors; the runaway findings carry no decomposition (their cause is the token count itself). */
async function findAnomalies(db: Db, s: Settings, w: Window): Promise<Omit<Anomaly, 'currency'>[]> {
  const keyOf = (kv: string) => (s.by === null ? null : kv);
  const daily = await dailyCandidates(db, s, w);
  const wow = await wowCandidates(db, s, w);
  const findings: Finding[] = [
    ...daily.map((c) => ({
      kv: c.kv,
      before: c.baselineDays,
      after: [c.day],
      ref: c.day,
      perRequest: false,
    })),
    ...wow.map((c) => ({
      kv: c.kv,
      before: days(w.previousFrom, w.previousTo),
      after: days(w.weekFrom, w.until),
      ref: w.until,
      perRequest: true,
    })),
  ];
  const x = await explain(db, findings);
  const runaways = await runawayGroups(db, s, w);
  return [
    ...daily.map((c, i) => dailyAnomaly(c, x[i]!, keyOf(c.kv))),
    ...wow.map((c, i) => wowAnomaly(c, x[daily.length + i]!, w, keyOf(c.kv))),
    ...runaways.map(({ kv, count, requests, ...r }) => ({
      kind: 'runaway-requests' as const,
      key: keyOf(kv),
      ...r,
      driver: null,
      drivers: [],
      detail: { limit: s.runawayTokens, count, requests },
    })),
  ];
}

/** Notes on what the figures rest on: cost basis, rows without a cost, bucket rows, drops. */
async function notesFor(db: Db, w: Window, anomalies: Anomaly[]): Promise<string[]> {
  const notes = [
    'cost = the invoiced share (attributed_effective_cost) where an allocation covers a request, else the price-book estimate in USD',
    'only increases are reported: a drop in cost is not an alarm',
  ];
  const t = await db.one<{ unpriced: string | null; buckets: string | null }>(
    `SELECT SUM(unpriced)::VARCHAR AS unpriced, SUM(buckets)::VARCHAR AS buckets FROM anomaly_daily
     WHERE day BETWEEN ${lit(w.historyStart)}::DATE AND ${lit(w.until)}::DATE`,
  );
  const unpriced = Number(t?.unpriced ?? 0);
  const buckets = Number(t?.buckets ?? 0);
  if (unpriced > 0)
    notes.push(
      `${unpriced} usage rows since ${w.historyStart} have no cost (unpriced, not invoiced) and add 0`,
    );
  if (buckets > 0)
    notes.push(
      `${buckets} usage-API bucket rows are included for providers without request logs; runaway detection skips them`,
    );
  if (anomalies.some((a) => a.currency === null))
    notes.push('currency is null where invoiced and estimated costs are in different currencies');
  return notes;
}

/**
 * Finds cost anomalies in the data home: daily cost spikes per key value (robust same-weekday baseline and a
 * minimum-impact gate), runaway requests, and week-over-week rises in cost per request, each explained by its
 * drivers. Throws an InputError for bad options (before reading anything) and for a `by` key no usage row has.
 */
export async function detectAnomalies(home: string, opts: AnomalyOptions = {}): Promise<AnomalyReport> {
  const s = checkOptions(opts);
  return withDb({}, async (db) => {
    await attachViews(db, home);
    await checkKeyExists(db, s.by);
    const last = await lastUsageDay(db);
    const w = windowOf(s, last ?? new Date().toISOString().slice(0, 10));
    await createRowView(db, s.by);
    await createDailyTable(db, w.dataFrom, w.until);
    const billing = await billingCurrencies(db);
    const anomalies = [
      ...(await findAnomalies(db, s, w)).map(
        (a) => ({ ...a, currency: currencyOf(a.basis as CostBasis, billing) }) as Anomaly,
      ),
      // GPU telemetry (docs/gpu.md): measured, not money
      ...(await gpuLowRuns(db, w.since, w.until)).map(
        ({ gpu, utilization, idleGpuHours, ...detail }): Anomaly => ({
          kind: 'gpu-utilization',
          key: gpu,
          day: detail.from.slice(0, 10),
          actual: utilization,
          baseline: String(GPU_LOW_UTILIZATION),
          impact: idleGpuHours,
          currency: null,
          basis: 'measured',
          driver: null,
          drivers: [],
          detail: { gpu, ...detail },
        }),
      ),
    ].sort(
      (a, b) =>
        a.day.localeCompare(b.day) ||
        KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
        Number(b.impact) - Number(a.impact),
    );
    const notes = await notesFor(db, w, anomalies);
    if (last === null) notes.push('no usage rows are stored');
    const insufficient = await insufficientHistory(db, s, w);
    return {
      schema: 'aicost.anomalies/1',
      by: s.by,
      since: w.since,
      until: w.until,
      anomalies,
      insufficientHistory: insufficient,
      notes,
    };
  });
}
