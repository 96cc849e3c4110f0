// The anomaly detector (docs/anomalies.md): daily cost against a robust same-weekday baseline, runaway requests,
// cost per request week over week, and the drivers of each finding. DuckDB does the work over the views; this
// module checks the options, runs the detectors in order and assembles their rows into one report.
import { InputError } from '../../errors.js';
import { type Db, lit, withDb } from '../../store/duckdb.js';
import { attachViews } from '../views.js';
import { type DailyCandidate, dailyCandidates, insufficientHistory } from './daily.js';
import { type Explanation, explain, type Finding } from './drivers.js';
import { GPU_LOW_UTILIZATION, gpuLowRuns } from './gpu.js';
import { addDays, checkOptions, type Settings, type Window, windowOf } from './options.js';
import { runawayGroups } from './runaway.js';
import {
  checkKeyExists,
  costCurrencies,
  createDailyTable,
  createRowView,
  lastUsageDay,
  NO_CURRENCY,
} from './scope.js';
import type { Anomaly, AnomalyKind, AnomalyOptions, AnomalyReport } from './types.js';
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

/** Counts behind the notes, from one currency's `anomaly_daily`. */
async function noteCounts(db: Db, w: Window): Promise<{ unpriced: number; buckets: number }> {
  const t = await db.one<{ unpriced: string | null; buckets: string | null }>(
    `SELECT SUM(unpriced)::VARCHAR AS unpriced, SUM(buckets)::VARCHAR AS buckets FROM anomaly_daily
     WHERE day BETWEEN ${lit(w.historyStart)}::DATE AND ${lit(w.until)}::DATE`,
  );
  return { unpriced: Number(t?.unpriced ?? 0), buckets: Number(t?.buckets ?? 0) };
}

/** Notes on what the figures rest on: cost basis, currencies, rows without a cost, bucket rows, drops. */
function notesFor(w: Window, counts: { unpriced: number; buckets: number }, currencies: string[]): string[] {
  const notes = [
    'cost = the invoiced share (attributed_effective_cost) where an allocation covers a request, else the price-book estimate in USD',
    'only increases are reported: a drop in cost is not an alarm',
  ];
  if (currencies.length > 1)
    notes.push(
      `costs are in ${currencies.length} currencies (${currencies.join(', ')}): each is its own series with its own baseline, never added to another`,
    );
  if (counts.unpriced > 0)
    notes.push(
      `${counts.unpriced} usage rows since ${w.historyStart} have no cost (unpriced, not invoiced) and add 0`,
    );
  if (counts.buckets > 0)
    notes.push(
      `${counts.buckets} usage-API bucket rows are included for providers without request logs; runaway detection skips them`,
    );
  return notes;
}

/**
 * Finds cost anomalies in the data home: daily cost spikes per key value (robust same-weekday baseline and a
 * minimum-impact gate), runaway requests, and week-over-week rises in cost per request, each explained by its
 * drivers. The detectors run once per cost currency (billing currencies of invoiced shares, USD for estimates), or
 * only for `opts.currency`; every anomaly names its currency. Throws an InputError for bad options (before reading
 * anything), for a `by` key no usage row has, and for a `currency` the costs are not in.
 */
export async function detectAnomalies(home: string, opts: AnomalyOptions = {}): Promise<AnomalyReport> {
  const s = checkOptions(opts);
  return withDb({}, async (db) => {
    await attachViews(db, home);
    await checkKeyExists(db, s.by);
    const last = await lastUsageDay(db);
    const w = windowOf(s, last ?? new Date().toISOString().slice(0, 10));
    const present = await costCurrencies(db);
    if (opts.currency !== undefined && present.length > 0 && !present.includes(opts.currency))
      throw new InputError(
        `--currency ${opts.currency}: no usage cost is in that currency (costs are in ${present.join(', ')})`,
      );
    const currencies = opts.currency !== undefined ? [opts.currency] : present;
    const anomalies: Anomaly[] = [];
    const insufficient: string[] = [];
    const counts = { unpriced: 0, buckets: 0 };
    for (const cur of currencies.length ? currencies : ['USD']) {
      await createRowView(db, s.by, cur);
      await createDailyTable(db, w.dataFrom, w.until);
      const currency = cur === NO_CURRENCY ? null : cur;
      for (const a of await findAnomalies(db, s, w)) anomalies.push({ ...a, currency } as Anomaly);
      const c = await noteCounts(db, w);
      counts.unpriced += c.unpriced;
      counts.buckets += c.buckets;
      for (const kv of await insufficientHistory(db, s, w))
        insufficient.push(currencies.length > 1 ? `${kv} (${cur})` : kv);
    }
    // GPU telemetry (docs/gpu.md): measured, not money, so outside the per-currency loop
    for (const { gpu, utilization, idleGpuHours, ...detail } of await gpuLowRuns(db, w.since, w.until))
      anomalies.push({
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
      });
    anomalies.sort(
      (a, b) =>
        a.day.localeCompare(b.day) ||
        KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
        String(a.currency).localeCompare(String(b.currency)) ||
        Number(b.impact) - Number(a.impact),
    );
    const notes = notesFor(w, counts, currencies);
    if (last === null) notes.push('no usage rows are stored');
    return {
      schema: 'aicost.anomalies/1',
      by: s.by,
      currency: opts.currency ?? null,
      since: w.since,
      until: w.until,
      anomalies,
      insufficientHistory: insufficient,
      notes,
    };
  });
}
