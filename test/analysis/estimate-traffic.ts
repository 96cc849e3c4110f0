// Constructed gateway traffic for the estimate tests (fixtures/gateway-csv/README.md): every request of a feature has
// the same token counts, so the expected money can be worked out by hand. No randomness: the same bytes every run.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface FeatureTraffic {
  feature: string;
  provider: string;
  model: string;
  /** Requests per day, from `from` through `to` (inclusive UTC days). */
  perDay: number;
  from: string;
  to: string;
  /** Per request: uncached input, cache reads, 5-minute cache writes, output. */
  input: number;
  cacheRead: number;
  cacheWrite5m?: number;
  output: number;
}

const HEADER =
  'timestamp,request_id,provider,model,input_tokens,cache_read_tokens,cache_write_5m_tokens,output_tokens,tag.feature';

function* days(from: string, to: string): Generator<string> {
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000)
    yield new Date(t).toISOString().slice(0, 10);
}

/** Writes `traffic.csv` in `dir` with every feature's requests; returns its path. */
export function writeEstimateTraffic(dir: string, features: FeatureTraffic[]): string {
  const lines = [HEADER];
  for (const f of features)
    for (const day of days(f.from, f.to))
      for (let i = 0; i < f.perDay; i++) {
        const time = new Date(Date.parse(`${day}T00:00:00Z`) + Math.floor((i * 86_000) / f.perDay) * 1000);
        lines.push(
          [
            time.toISOString(),
            `${f.feature}-${day}-${i}`,
            f.provider,
            f.model,
            f.input,
            f.cacheRead,
            f.cacheWrite5m ?? 0,
            f.output,
            f.feature,
          ].join(','),
        );
      }
  const path = join(dir, 'traffic.csv');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** The traffic of the tests: see the comments in test/analysis/estimate.test.ts for the numbers. */
export const TRAFFIC: FeatureTraffic[] = [
  // 3,000 requests in the 30 days 2025-10-01 .. 2025-10-30; 25 % of input read from cache.
  {
    feature: 'support',
    provider: 'openai',
    model: 'gpt-4o-mini-2024-07-18',
    perDay: 100,
    from: '2025-10-01',
    to: '2025-10-30',
    input: 750,
    cacheRead: 250,
    output: 200,
  },
  // Older traffic of the same feature, outside its 30-day window: must not count.
  {
    feature: 'support',
    provider: 'openai',
    model: 'gpt-4o-2024-08-06',
    perDay: 500,
    from: '2025-08-15',
    to: '2025-08-15',
    input: 5000,
    cacheRead: 0,
    output: 1000,
  },
  // Anthropic, with cache writes: 1,500 requests over 30 days.
  {
    feature: 'assistant',
    provider: 'anthropic',
    model: 'claude-sonnet-4-20250514',
    perDay: 50,
    from: '2025-10-01',
    to: '2025-10-30',
    input: 600,
    cacheRead: 300,
    cacheWrite5m: 100,
    output: 150,
  },
  // A feature only 10 days old: 1,000 requests, scaled to 3,000 a month.
  {
    feature: 'onboarding',
    provider: 'openai',
    model: 'gpt-4o-mini-2024-07-18',
    perDay: 100,
    from: '2025-10-21',
    to: '2025-10-30',
    input: 1000,
    cacheRead: 0,
    output: 100,
  },
];
