// `aicost report` as a library function: fills the versioned report model (report/model.ts) from a data home. Every
// figure comes from the analyses the other commands run (series, forecast, budgets, anomalies, validation), so the
// report says the same as they do; renderers never query.
import { readFileSync } from 'node:fs';
import type { Budget } from '../../config.js';
import { InputError } from '../../errors.js';
import { REPORT_SCHEMA, type Report, ReportSchema } from '../../report/model.js';
import { withDb } from '../../store/duckdb.js';
import { detectAnomalies } from '../anomalies/index.js';
import { evaluateBudgets } from '../budgets.js';
import { runForecast } from '../forecast-run.js';
import { dailySeries, daysBetween } from '../series.js';
import { validate } from '../validate.js';
import { attachViews, readSnapshot } from '../views.js';
import type { Window } from './breakdowns.js';
import { currencySection, estimated } from './sections.js';
import { coverage, unitEconomics } from './usage.js';

export interface ReportOptions {
  /** `YYYY-MM`, or `YYYY-MM-DD..YYYY-MM-DD` (both inclusive); default: the month of the last day with data. */
  period?: string;
  /** `previous` (the window before, of the same length), a report JSON file of an earlier run, or `none`. */
  compare?: string;
  /** The key of the main breakdown and of the movers (default `feature`). */
  by?: string;
  budgets?: Budget[];
}

const shift = (day: string, n: number) => {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
};
const monthWindow = (m: string): Window & { label: string } => {
  const from = `${m}-01`;
  return { from, to: `${shift(shift(from, 31), 0).slice(0, 7)}-01`, label: m };
};

/** The report period from the option, or the month of the last day with data. */
export function parseReportPeriod(p: string | undefined, lastDay: string): Window & { label: string } {
  if (p === undefined) return monthWindow(lastDay.slice(0, 7));
  if (/^\d{4}-(0[1-9]|1[0-2])$/.test(p)) return monthWindow(p);
  const m = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(p);
  const ok = (d: string) =>
    !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d);
  if (m && ok(m[1]!) && ok(m[2]!) && m[1]! <= m[2]!)
    return { from: m[1]!, to: shift(m[2]!, 1), label: `${m[1]}..${m[2]}` };
  throw new InputError(`--period must be YYYY-MM or YYYY-MM-DD..YYYY-MM-DD (first <= last), got "${p}"`);
}

/** The window before `w`: the previous month for a month, else the same number of days before. */
function previousWindow(w: Window & { label: string }): Window & { label: string } {
  if (/^\d{4}-\d{2}$/.test(w.label)) return monthWindow(shift(w.from, -1).slice(0, 7));
  const n = daysBetween(w.from, w.to).length - 1;
  return { from: shift(w.from, -n), to: w.from, label: `${shift(w.from, -n)}..${shift(w.from, -1)}` };
}

function readEarlier(path: string): Report {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new InputError(`--compare: not a readable report JSON (${(e as Error).message})`, { file: path });
  }
  const parsed = ReportSchema.safeParse(raw);
  if (!parsed.success)
    throw new InputError(
      `--compare: not an ${REPORT_SCHEMA} report (${parsed.error.issues[0]?.path.join('.')})`,
      { file: path },
    );
  return parsed.data;
}

/** Builds the report of a data home. Throws InputError when there is no data at all. */
export async function buildReport(home: string, opts: ReportOptions = {}): Promise<Report> {
  const by = opts.by ?? 'feature';
  const earlier =
    opts.compare && !['previous', 'none'].includes(opts.compare) ? readEarlier(opts.compare) : null;
  const base = await withDb({}, async (db) => {
    const manifest = readSnapshot(db, home);
    await attachViews(db, home, manifest);
    const last = await db.one<{ d: string | null }>(
      `SELECT strftime(max(d), '%Y-%m-%d') AS d FROM (SELECT max(CAST("ChargePeriodStart" AS DATE)) AS d FROM focus
        WHERE "ChargeCategory" = 'Usage' UNION ALL SELECT max("date") FROM usage)`,
    );
    if (!last?.d)
      throw new InputError(
        'no cost or usage data in the data home',
        {},
        'ingest provider cost reports or gateway logs first',
      );
    const period = parseReportPeriod(opts.period, last.d);
    const prev =
      opts.compare === 'none'
        ? null
        : earlier
          ? { ...earlier.period, source: 'file' as const }
          : { ...previousWindow(period), source: 'previous' as const };
    const currencies = (
      await db.all<{ c: string }>(
        `SELECT DISTINCT "BillingCurrency" AS c FROM attributed WHERE "BillingCurrency" IS NOT NULL
           AND CAST("ChargePeriodStart" AS DATE) >= $1::DATE AND CAST("ChargePeriodStart" AS DATE) < $2::DATE ORDER BY 1`,
        [period.from, period.to],
      )
    ).map((r) => r.c);
    const sections = [];
    for (const c of currencies)
      sections.push(await currencySection(db, c, period, prev, earlier, by, last.d));
    const est = await estimated(db, period, by);
    const usd = sections.find((s) => s.currency === est.currency);
    const share = usd
      ? Number(est.total) + Number(usd.total) === 0
        ? null
        : Number(est.total) / (Number(est.total) + Number(usd.total))
      : null;
    const unit = await unitEconomics(db, period);
    const cov = await coverage(db, manifest, period);
    const gaps = (await dailySeries(db, { currency: currencies[0] ?? null })).gaps.filter(
      (g) => g.to >= period.from && g.from < period.to,
    );
    return {
      period,
      prev,
      last: last.d,
      sections,
      estimated: { ...est, share: share === null ? null : Math.round(share * 10_000) / 10_000 },
      unit: unit.unit,
      unitNotes: unit.notes,
      coverage: { ...cov, gaps },
    };
  });
  return complete(home, opts, by, base);
}

type Base = Omit<
  Report,
  | 'schema'
  | 'generated_at'
  | 'by'
  | 'forecast'
  | 'budgets'
  | 'anomalies'
  | 'validation'
  | 'checks'
  | 'notes'
  | 'compare'
  | 'period'
  | 'currencies'
  | 'unit_economics'
> & {
  period: Window & { label: string };
  prev: (Window & { label: string; source: 'previous' | 'file' }) | null;
  last: string;
  sections: Report['currencies'];
  unit: Report['unit_economics'];
  unitNotes: string[];
};

/** The parts other analyses give: forecast, budgets, anomalies, validation; then the --fail-on checks. */
async function complete(home: string, opts: ReportOptions, by: string, b: Base): Promise<Report> {
  const notes: string[] = [...b.unitNotes];
  const forecasts: Report['forecast'] = [];
  for (const s of b.sections) {
    const f = await runForecast(home, { horizon: 30, method: 'auto', currency: s.currency });
    const t = f.series[0];
    if (t)
      forecasts.push({
        currency: s.currency,
        method: t.method,
        month_end: t.month_end,
        days: t.days,
        notes: t.notes,
      });
  }
  const budgets = opts.budgets?.length ? (await evaluateBudgets(home, opts.budgets)).budgets : [];
  const until = b.last < b.period.to ? b.last : shift(b.period.to, -1);
  const anomalies = await detectAnomalies(home, {
    by,
    since: [b.period.from, until].sort()[0],
    until,
  }).catch((e: unknown) => {
    if (e instanceof InputError) {
      notes.push(`anomalies not evaluated: ${e.message}`);
      return null;
    }
    throw e;
  });
  const v = await validate({ view: 'focus', home }).catch((e: unknown) => {
    if (e instanceof InputError) return null;
    throw e;
  });
  const validation = {
    derived: v?.totals.derivedViolations ?? 0,
    carried_over: v?.totals.carriedViolations ?? 0,
    rules_failed: (v?.results ?? []).filter((r) => r.status === 'fail').map((r) => r.id),
  };
  const report: Report = {
    schema: REPORT_SCHEMA,
    generated_at: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    period: { from: b.period.from, to: b.period.to, label: b.period.label },
    compare: b.prev,
    by,
    currencies: b.sections,
    estimated: b.estimated,
    unit_economics: b.unit,
    forecast: forecasts,
    budgets: budgets as unknown as Record<string, unknown>[],
    anomalies: (anomalies?.anomalies ?? []) as unknown as Record<string, unknown>[],
    coverage: b.coverage,
    validation,
    checks: {
      budget: budgets.some((x) => x.state === 'failing') ? 'fail' : 'pass',
      anomaly: (anomalies?.anomalies.length ?? 0) > 0 ? 'fail' : 'pass',
      validation: (v?.exitCode ?? 0) === 1 ? 'fail' : 'pass',
    },
    notes: [...notes, ...(anomalies?.notes ?? [])],
  };
  return ReportSchema.parse(report);
}
