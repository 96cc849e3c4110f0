// The report model (`aicost report`): one versioned shape, filled once by analysis/report.ts and rendered by pure
// functions (table, markdown, JSON, CSV, HTML). The JSON output IS this model; `--from-json` reads it back and any
// renderer re-renders it. Published as JSON Schema in schemas/report.schema.json (npm run docs regenerates it).
// Conventions: money is a decimal string in its currency (exact for invoiced sums, rounded to the cent for
// forecasts), counts are numbers, shares and rates are numbers in [0, 1], `change_pct` is in percent (21.8 = +21.8 %),
// days are ISO `YYYY-MM-DD` (UTC).
import { z } from 'zod';

export const REPORT_SCHEMA = 'aicost.report/1';

const Money = z.string().regex(/^-?\d+(\.\d+)?$/, 'a decimal string');
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
const Share = z.number();

/** A window of days: [from, to). */
export const PeriodSchema = z.object({ from: Day, to: Day, label: z.string() });

/** One line of a breakdown: a key value's cost in the period and in the comparison period. */
export const BreakdownLineSchema = z.object({
  key: z.string(),
  cost: Money,
  share: Share,
  previous: Money.nullable(),
  change: Money.nullable(),
  change_pct: z.number().nullable(),
});

export const BreakdownSchema = z.object({
  /** provider, model, team, feature, or the --by key. */
  dimension: z.string(),
  lines: z.array(BreakdownLineSchema),
  /** Lines left out of `lines` (smallest first) and their cost, so the lines plus `others` add up to the total. */
  others: z.object({ count: z.number().int(), cost: Money }).nullable(),
});

export const CurrencySectionSchema = z.object({
  currency: z.string(),
  /** Invoiced cost (EffectiveCost of `attributed`) in the period, exact. */
  total: Money,
  /** The same in the comparison period, and the change. */
  previous: Money.nullable(),
  change: Money.nullable(),
  change_pct: z.number().nullable(),
  /** Cost in the last calendar month of the period up to its last day with data. */
  month_to_date: z.object({ month: z.string(), cost: Money }),
  /** Invoice cost attributed to no key: never allocated, or allocated but matching no usage. */
  unallocated: Money,
  unallocated_share: Share,
  breakdowns: z.array(BreakdownSchema),
  /** The biggest increases and decreases by the report's key against the comparison period. */
  movers: z.array(BreakdownLineSchema),
  /** Daily cost in the period, for charts. */
  daily: z.array(z.object({ day: Day, cost: Money })),
});

export const UnitEconomicsSchema = z.object({
  /** What the unit costs rest on: invoiced (attributed) cost of usage rows, else their price-book estimate. */
  basis: z.enum(['invoiced', 'estimated', 'mixed', 'none']),
  currency: z.string().nullable(),
  requests: z.number(),
  traces: z.number(),
  users: z.number(),
  tokens: z.number(),
  cost: Money,
  cost_per_request: Money.nullable(),
  cost_per_trace: Money.nullable(),
  cost_per_user: Money.nullable(),
  cost_per_1k_tokens: Money.nullable(),
  /** Cache-read tokens over all input tokens. */
  cache_hit_rate: Share.nullable(),
});

export const ReportSchema = z.object({
  schema: z.literal(REPORT_SCHEMA),
  generated_at: z.string(),
  period: PeriodSchema,
  compare: PeriodSchema.extend({ source: z.enum(['previous', 'file']) }).nullable(),
  by: z.string(),
  currencies: z.array(CurrencySectionSchema),
  /** Usage no invoice covers yet, at price-book cost (USD): shown beside invoiced cost, never added. */
  estimated: z.object({
    currency: z.string(),
    total: Money,
    /** Estimated cost over (invoiced + estimated) in the same currency, when the currencies match. */
    share: Share.nullable(),
    breakdown: BreakdownSchema,
  }),
  unit_economics: UnitEconomicsSchema,
  /** The forecast of the invoiced total per currency (month end and the next days), from `aicost forecast`. */
  forecast: z.array(
    z.object({
      currency: z.string().nullable(),
      method: z.string(),
      month_end: z.object({ month: z.string(), actual: Money, p10: Money, p50: Money, p90: Money }),
      days: z.array(z.object({ day: Day, p10: Money, p50: Money, p90: Money })),
      notes: z.array(z.string()),
    }),
  ),
  /** The budgets of the config file (the `aicost budgets` model). */
  budgets: z.array(z.record(z.string(), z.unknown())),
  /** Anomalies in the report period (the `aicost anomalies` model). */
  anomalies: z.array(z.record(z.string(), z.unknown())),
  /** Which sources and days are present, and which days no input covers. */
  coverage: z.object({
    sources: z.array(
      z.object({
        source: z.string(),
        dataset: z.string(),
        files: z.number().int(),
        rows: z.number().int(),
        first_day: Day.nullable(),
        last_day: Day.nullable(),
      }),
    ),
    days: z.number().int(),
    gaps: z.array(z.object({ from: Day, to: Day })),
  }),
  /** FOCUS validation of the stored data: findings in rows aicost derived fail the validation rule. */
  validation: z.object({
    derived: z.number().int(),
    carried_over: z.number().int(),
    rules_failed: z.array(z.string()),
  }),
  /** The --fail-on rules: what each found (`fail` trips the exit code when the rule was asked for). */
  checks: z.object({
    budget: z.enum(['pass', 'fail']),
    anomaly: z.enum(['pass', 'fail']),
    validation: z.enum(['pass', 'fail']),
  }),
  notes: z.array(z.string()),
});

export type Report = z.infer<typeof ReportSchema>;
export type Breakdown = z.infer<typeof BreakdownSchema>;
export type BreakdownLine = z.infer<typeof BreakdownLineSchema>;
export type CurrencySection = z.infer<typeof CurrencySectionSchema>;

/** The JSON Schema of the report (published as schemas/report.schema.json). */
export function reportJsonSchema(): unknown {
  return { title: 'aicost report (aicost.report/1)', ...z.toJSONSchema(ReportSchema) };
}
