// The allocation period (--period, --from/--to) as SQL: shared by the candidate builders of token pools (match.ts),
// GPU pools (gpu-pools.ts) and shared-resource rules (shared.ts).
import { lit } from '../../sql.js';

/** UTC days: `from` inclusive, `to` exclusive; null is open. */
export interface Period {
  from: string | null;
  to: string | null;
}

/** SQL true for days (column `col`) inside the period. */
export const periodFilter = (col: string, period: Period): string =>
  [
    period.from ? `${col} >= ${lit(period.from)}::DATE` : null,
    period.to ? `${col} < ${lit(period.to)}::DATE` : null,
  ]
    .filter(Boolean)
    .join(' AND ') || 'true';
