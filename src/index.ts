// The programmatic API: the same library functions the commands call, returning typed data and never printing.
//
//   import { allocate, ingest, query, validate } from 'aicost';
//   await ingest({ home: './aicost-data', paths: ['exports/'] });
//   const run = await allocate({ home: './aicost-data', keys: ['feature'], method: 'x-token-cost-v1',
//                                period: { from: null, to: null } });
//
// Failures are thrown as the error classes exported below: InputError (bad input or options, nothing stored
// changed), InternalError (a bug). A failed check is data, not an exception: validate() returns exitCode 1.
// The layers behind these names are described in docs/architecture.md.
import type { forget as forgetFn } from './ingest/forget.js';

export type { MethodId } from './analysis/allocate/methods.js';
export { METHODS } from './analysis/allocate/methods.js';
export type { AllocateOptions } from './analysis/allocate/options.js';
export { parsePeriod } from './analysis/allocate/options.js';
export type { AllocateResult } from './analysis/allocate/run.js';
export { allocate } from './analysis/allocate/run.js';
export type { ShowbackLine } from './analysis/allocate/showback.js';
/** `detectAnomalies(home, options)`: cost anomalies, runaway requests and cost-per-request jumps, with drivers. */
export { detectAnomalies } from './analysis/anomalies/index.js';
export type { Anomaly, AnomalyOptions, AnomalyReport } from './analysis/anomalies/types.js';
export type { BudgetStatus, BudgetsReport } from './analysis/budgets.js';
/** `evaluateBudgets(home, budgets, asOf?)`: the budgets of a config file against the data. */
export { evaluateBudgets } from './analysis/budgets.js';
export type { CommitmentBalance } from './analysis/commitments.js';
/** `commitmentBalances(home, asOf?)`: prepaid bundles with their balance and daily burn, derived on demand. */
export { commitmentBalances } from './analysis/commitments.js';
export type { EstimateOptions, EstimateReport } from './analysis/estimate.js';
/** `estimateChange(home, options)`: the monthly cost impact of a prompt or model change on observed traffic. */
export { estimateChange } from './analysis/estimate.js';
export type { Forecast, Method as ForecastMethod } from './analysis/forecast/index.js';
export type { ForecastReport, ForecastRunOptions, SeriesForecast } from './analysis/forecast-run.js';
/** `forecast(home, options)`: daily cost forecasts per series, month end, P10/P50/P90. */
export { runForecast as forecast } from './analysis/forecast-run.js';
// GPU clusters (docs/gpu.md)
export type { GpuClusterSummary, GpuReport, GpuSummaryOptions } from './analysis/gpu/summary.js';
export { gpuSummary } from './analysis/gpu/summary.js';
export type { QueryResult } from './analysis/query.js';
/** `query(home, sql)`: SQL over the views focus, usage, allocated, attributed, usage_attributed, commitments. */
export { runQuery as query } from './analysis/query.js';
export type { TopRow } from './analysis/top.js';
/** `top(home, 'request' | 'trace', limit)`: the costliest requests or agent traces. */
export { topSpenders as top } from './analysis/top.js';
export type { ValidateDatasetOptions } from './analysis/validate.js';
export { validate } from './analysis/validate.js';
export { VIEWS } from './analysis/views.js';
export type { Budget, Config, GpuCluster } from './config.js';
export { loadConfig } from './config.js';
export type { InputLocation } from './errors.js';
export {
  asUserError,
  CheckFailedError,
  ExitCode,
  exitCodeOf,
  InputError,
  InternalError,
  MultiInputError,
} from './errors.js';
export type { FocusVersion } from './focus/schema.js';
export type { RuleResult, RuleStatus, SampleRow, ValidationReport } from './focus/validate.js';
export type { DoctorProblem, DoctorReport } from './ingest/doctor.js';
/** `doctor({ home, fix })`: the manifest against the files on disk and crash leftovers; `fix` repairs. */
export { doctor } from './ingest/doctor.js';
export type { ForgetOptions } from './ingest/forget.js';
export { forget } from './ingest/forget.js';
export type { FileReport, IngestOptions, IngestReport } from './ingest/ingest.js';
export { ingest } from './ingest/ingest.js';
export type { SourceInfo } from './report/sources.js';
/** `sources()`: every input format aicost detects, as `aicost sources` lists them. */
export { listSources as sources } from './report/sources.js';
export type { IngestedInput, Manifest, StoredFile } from './store/manifest.js';
export type { TokenClass } from './usage/schema.js';
export { TOKEN_CLASSES } from './usage/schema.js';
export { VERSION } from './version.js';

/** What forget() removed: stored files, their rows, and input records. */
export type ForgetResult = Awaited<ReturnType<typeof forgetFn>>;
