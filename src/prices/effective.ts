// Which price applies when: for one (provider, model, inference profile, service tier, context level), the
// timeline cut into segments with one price per unit. The TypeScript lookup and the DuckDB `price_lookup` table are both built from
// these segments, so they cannot disagree.
import { PRICE_UNITS, type PriceUnit } from './schema.js';

/** One list price per single unit, flattened from a price file (see `PriceBook.rows`). */
export interface PriceRow {
  provider: string;
  model: string;
  /** A token class (`input`, `cache_read`, `cache_write_5m`, `cache_write_1h`, `output`) or an other unit. */
  unit: PriceUnit;
  /** USD per single token / image / audio second / character / tool call, as an exact decimal string. */
  price: string;
  /** First day the price applies (UTC, inclusive). */
  valid_from: string;
  /** First day it no longer applies (UTC, exclusive); null = still current. */
  valid_to: string | null;
  /** `batch`, `priority`, `flex`; null = the default tier. */
  service_tier: string | null;
  /** Long-context tier: applies when the request's input is above this many tokens; null = base tier. */
  min_context_tokens: number | null;
  /** Bedrock inference profile (`us`, `eu`, `global`...); null = any. */
  region: string | null;
  source: string;
  origin: 'book' | 'rate-card';
}

/** A half-open period [from, to) with the price of each unit (absent = unpriced). Null bounds are open. */
export interface PriceSegment {
  from: string | null;
  to: string | null;
  prices: Partial<Record<PriceUnit, PriceRow>>;
}

function covers(row: PriceRow, day: string): boolean {
  return row.valid_from <= day && (row.valid_to === null || day < row.valid_to);
}

/**
 * Rank of a row for a request in `tier` through `region` whose input (cache included) is above `context` tokens
 * (0 = base tier, else one of the model's `min_context_tokens` thresholds). Each unit picks its own row, in this
 * order: the highest long-context threshold the request passes, then a tier-specific price over the default tier,
 * then a profile-specific price over the any-profile one (LiteLLM's per-cost-type threshold selection, cited in
 * test/prices/litellm-cases.test.ts). A unit without a long-context price keeps its base-tier price. Rows of
 * another tier or profile, and long-context rows above `context`, never apply.
 */
function rank(row: PriceRow, tier: string | null, region: string | null, context: number): number {
  if (row.min_context_tokens !== null && row.min_context_tokens > context) return -1;
  if (row.service_tier !== null && row.service_tier !== tier) return -1;
  if (row.region !== null && row.region !== region) return -1;
  return (
    (row.min_context_tokens ?? 0) * 4 + (row.service_tier !== null ? 2 : 0) + (row.region !== null ? 1 : 0)
  );
}

/** The context levels of a model's rows: 0 (base tier) and every long-context threshold, ascending. */
export function contextLevels(rows: readonly PriceRow[]): number[] {
  const levels = new Set<number>([0]);
  for (const r of rows) if (r.min_context_tokens !== null) levels.add(r.min_context_tokens);
  return [...levels].sort((a, b) => a - b);
}

/** The context level of a request with `tokens` input tokens (cache included): the highest threshold below it. */
export function contextLevelOf(rows: readonly PriceRow[], tokens: number): number {
  return (
    contextLevels(rows)
      .filter((l) => l < tokens)
      .pop() ?? 0
  );
}

/** The row that prices `unit` on `day` (YYYY-MM-DD, UTC) for the tier, profile and context level, or undefined. */
export function pickRow(
  rows: readonly PriceRow[],
  unit: PriceUnit,
  day: string,
  tier: string | null,
  region: string | null,
  context = 0,
): PriceRow | undefined {
  let best: PriceRow | undefined;
  let bestRank = -1;
  for (const row of rows) {
    if (row.unit !== unit || !covers(row, day)) continue;
    const r = rank(row, tier, region, context);
    if (r > bestRank) {
      best = row;
      bestRank = r;
    }
  }
  return best;
}

/**
 * Cuts the whole timeline (open at both ends) into segments over one model's rows; adjacent segments with the same
 * prices are merged. Days before the first price form a segment without prices.
 */
export function priceSegments(
  rows: readonly PriceRow[],
  tier: string | null,
  region: string | null,
  context = 0,
): PriceSegment[] {
  const relevant = rows.filter((r) => rank(r, tier, region, context) >= 0);
  const bounds = [
    ...new Set(relevant.flatMap((r) => (r.valid_to ? [r.valid_from, r.valid_to] : [r.valid_from]))),
  ].sort();
  const starts: (string | null)[] = [null, ...bounds];
  const segments: PriceSegment[] = [];
  for (const [i, from] of starts.entries()) {
    const to = starts[i + 1] ?? null;
    const prices: Partial<Record<PriceUnit, PriceRow>> = {};
    if (from !== null) {
      for (const unit of PRICE_UNITS) {
        const row = pickRow(relevant, unit, from, tier, region, context);
        if (row) prices[unit] = row;
      }
    }
    const prev = segments[segments.length - 1];
    if (prev && samePrices(prev.prices, prices)) prev.to = to;
    else segments.push({ from, to, prices });
  }
  return segments;
}

function samePrices(a: PriceSegment['prices'], b: PriceSegment['prices']): boolean {
  return PRICE_UNITS.every((u) => a[u]?.price === b[u]?.price);
}

/** Removes the days of [from, to) from a row's period: zero, one or two rows remain. */
export function clipRow(row: PriceRow, from: string, to: string | null): PriceRow[] {
  const out: PriceRow[] = [];
  if (row.valid_from < from)
    out.push({ ...row, valid_to: row.valid_to === null || row.valid_to > from ? from : row.valid_to });
  if (to !== null && (row.valid_to === null || row.valid_to > to))
    out.push({ ...row, valid_from: row.valid_from > to ? row.valid_from : to });
  return out.filter((r) => r.valid_to === null || r.valid_from < r.valid_to);
}

/** True when two rows' periods share at least one day. */
export function overlaps(a: PriceRow, b: PriceRow): boolean {
  return (
    (a.valid_to === null || b.valid_from < a.valid_to) && (b.valid_to === null || a.valid_from < b.valid_to)
  );
}
