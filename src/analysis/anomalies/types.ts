// The anomaly detector's public shapes (docs/anomalies.md). Money is carried as decimal strings straight from
// DuckDB's DECIMAL, counts as numbers, days as ISO `YYYY-MM-DD` in UTC; shares are plain numbers.

/** Options of detectAnomalies; every field is optional and checked before any query runs. */
export interface AnomalyOptions {
  /** A tag key (`feature`, `team`, ...), `model` or `provider`; absent or null = the total. */
  by?: string | null;
  /**
   * Only costs in this currency (a billing currency of the invoices, or USD for price-book estimates). Absent: every
   * currency the costs are in, each detected on its own (never added to another).
   */
  currency?: string;
  /** First reported UTC day, `YYYY-MM-DD` (default: `until` − 6 days). */
  since?: string;
  /** Last reported UTC day, `YYYY-MM-DD` (default: the last day with usage). */
  until?: string;
  /** How many previous same-weekdays form the baseline (default 8). */
  weeks?: number;
  /** Fewest of those that must exist for a verdict (default 4, at most `weeks`). */
  minWeeks?: number;
  /** k in median + k·MAD, MAD scaled by 1.4826 (default 3.5). */
  threshold?: number;
  /** Minimum-impact gate: excess over the median ≥ `absolute` currency units (default 5) and ≥ `relative` × median (a fraction, default 0.5 = 50 %). */
  minImpact?: { absolute?: number; relative?: number };
  /** A request with more tokens than this (all classes) is a runaway (default 50,000). */
  runawayTokens?: number;
  /** How many of the worst runaway requests to list per key and day (default 5). */
  runawayTop?: number;
  /** Cost per request must rise by more than this fraction week over week (default 0.25). */
  wowIncrease?: number;
  /** Both weeks need at least this many requests for a cost-per-request verdict (default 100). */
  wowMinRequests?: number;
}

export type AnomalyKind = 'daily-cost' | 'cost-per-request' | 'runaway-requests' | 'gpu-utilization';

/** Which costs the figures rest on: invoice shares (after `allocate`), price-book estimates, or both. */
export type CostBasis = 'invoiced' | 'estimated' | 'mixed';

/** The factors a change in cost is decomposed into. */
export type DriverFactor = 'request volume' | 'tokens per request' | 'price' | 'model mix' | 'cache-hit rate';

/** One factor's share of the change; the shares of a decomposition sum to 1 (up to rounding to 4 decimals). */
export interface DriverShare {
  factor: DriverFactor;
  share: number;
}

interface AnomalyBase {
  /** The key value (`(untagged)` for rows without the tag); null when not grouped by a key. */
  key: string | null;
  /** The anomalous UTC day; for cost-per-request findings the last day of the recent week. */
  day: string;
  /** The observed figure (daily cost; cost per request; cost of the runaway requests). */
  actual: string;
  /** What was expected (same-weekday median; last week's cost per request; typical cost of as many requests). */
  baseline: string;
  /** Extra spend in currency units attributed to the finding. */
  impact: string;
  /**
   * The currency of the figures: the invoices' billing currency for invoiced shares, `USD` (the price book) for
   * estimates; a `mixed` basis only mixes USD invoices with USD estimates. Null only for invoice lines with no
   * BillingCurrency.
   */
  currency: string | null;
  basis: CostBasis;
  /** The factor with the largest share, or null when there is no decomposition. */
  driver: DriverFactor | null;
  /** Shares, largest first. */
  drivers: DriverShare[];
}

export interface DailyCostDetail {
  /** Same-weekday days in the baseline. */
  history: number;
  /** Scaled MAD (1.4826 × median absolute deviation) of the baseline days. */
  mad: string;
  /** median + k·MAD: the day's cost had to exceed it. */
  threshold: string;
  /** The mean cost of the baseline days within k·MAD of the median: what the drivers explain the change from. */
  decompositionBaseline: string;
  requests: number;
}

export interface CostPerRequestDetail {
  from: string;
  to: string;
  previousFrom: string;
  previousTo: string;
  requests: number;
  previousRequests: number;
  cost: string;
  previousCost: string;
  /** Relative change of cost per request (0.4 = +40 %). */
  change: number;
}

export interface RunawayRequest {
  requestId: string | null;
  traceId: string | null;
  model: string | null;
  tokens: number;
  cost: string | null;
  timestamp: string;
}

export interface RunawayDetail {
  limit: number;
  count: number;
  /** The worst requests by tokens, at most `runawayTop`. */
  requests: RunawayRequest[];
}

export interface DailyCostAnomaly extends AnomalyBase {
  kind: 'daily-cost';
  detail: DailyCostDetail;
}
export interface CostPerRequestAnomaly extends AnomalyBase {
  kind: 'cost-per-request';
  detail: CostPerRequestDetail;
}
export interface RunawayAnomaly extends AnomalyBase {
  kind: 'runaway-requests';
  detail: RunawayDetail;
}
/** GPU telemetry (docs/gpu.md): one GPU under 20 % utilization for more than an hour. */
export interface GpuUtilizationDetail {
  gpu: string;
  node: string | null;
  gpuModel: string | null;
  /** The run, ISO UTC: first sample to the end of the last sample's interval. */
  from: string;
  to: string;
  hours: string;
  samples: number;
}

/**
 * Not money: `actual` is the run's mean utilization (ratio 0..1), `baseline` the 0.2 threshold, `impact` the idle
 * GPU-hours (hours × (1 − utilization)); `currency` is null and `basis` is `measured`.
 */
export interface GpuUtilizationAnomaly extends Omit<AnomalyBase, 'basis'> {
  kind: 'gpu-utilization';
  basis: 'measured';
  detail: GpuUtilizationDetail;
}
export type Anomaly = DailyCostAnomaly | CostPerRequestAnomaly | RunawayAnomaly | GpuUtilizationAnomaly;

export interface AnomalyReport {
  schema: 'aicost.anomalies/1';
  by: string | null;
  /** The currency asked for (`--currency`), or null: every currency, each on its own. */
  currency: string | null;
  since: string;
  until: string;
  /** Sorted by day, then kind, then largest impact first. */
  anomalies: Anomaly[];
  /** Key values (`(total)` without a key) with a reported day that had too few same-weekdays for a verdict. */
  insufficientHistory: string[];
  notes: string[];
}
