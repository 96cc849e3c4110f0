// Synthetic gateway traffic for the anomaly tests: eight weeks of daily requests per feature in aicost's own
// gateway CSV (fixtures/gateway-csv/README.md), seeded so every run writes the same bytes. Weekends carry a quarter
// of weekday traffic; request counts vary ±10 % per day and tokens ±20 % per request. Events change one feature
// from a given day on (more requests, more tokens, another model) to plant the anomalies the tests look for.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Feature {
  name: string;
  provider: 'openai' | 'anthropic';
  model: string;
  /** Requests on a weekday. */
  requests: number;
  /** All input tokens per request, and the share of them read from the prompt cache. */
  input: number;
  cacheShare: number;
  output: number;
  /** First day with traffic (default: the first day of the data). */
  from?: string;
}

/** A change to one feature from `from` to `to` (inclusive; default: `from` only). */
export interface TrafficEvent {
  feature: string;
  from: string;
  to?: string;
  volume?: number;
  tokens?: number;
  model?: { provider: Feature['provider']; model: string };
}

export const FIRST_DAY = '2025-09-01'; // a Monday
export const DAYS = 56;
const WEEKEND = 0.25;
const HEADER =
  'timestamp,request_id,trace_id,provider,model,input_tokens,cache_read_tokens,output_tokens,status,tag.feature';

/** mulberry32: a small seeded generator, so the data is the same on every run and machine. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function dayAt(i: number): string {
  return new Date(Date.parse(`${FIRST_DAY}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10);
}

function eventsOn(events: TrafficEvent[], feature: string, day: string): TrafficEvent[] {
  return events.filter((e) => e.feature === feature && day >= e.from && day <= (e.to ?? e.from));
}

/** The CSV lines of one feature on one day. */
function featureDay(f: Feature, day: string, weekend: boolean, events: TrafficEvent[], r: () => number) {
  const on = eventsOn(events, f.name, day);
  const volume = on.reduce((v, e) => v * (e.volume ?? 1), 1);
  const tokens = on.reduce((v, e) => v * (e.tokens ?? 1), 1);
  const model = on.find((e) => e.model)?.model ?? f;
  const n = Math.round(f.requests * (weekend ? WEEKEND : 1) * volume * (0.9 + 0.2 * r()));
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const input = Math.round(f.input * tokens * (0.8 + 0.4 * r()));
    const cached = Math.round(input * f.cacheShare);
    const output = Math.round(f.output * tokens * (0.8 + 0.4 * r()));
    const sec = Math.floor((i * 86_000) / n);
    const time = new Date(Date.parse(`${day}T00:00:00Z`) + sec * 1000).toISOString();
    const id = `${f.name}-${day}-${i}`;
    lines.push(
      `${time},${id},t-${f.name}-${day}-${Math.floor(i / 3)},${model.provider},${model.model},${input - cached},${cached},${output},success,${f.name}`,
    );
  }
  return lines;
}

/**
 * Writes `traffic.csv` into `dir` for `features` over DAYS days from FIRST_DAY with `events` applied, plus `extra`
 * raw CSV lines (a runaway request); returns the path.
 */
export function writeTraffic(
  dir: string,
  features: Feature[],
  events: TrafficEvent[],
  extra: string[] = [],
  seed = 42,
): string {
  const r = rng(seed);
  const lines = [HEADER];
  for (let i = 0; i < DAYS; i++) {
    const day = dayAt(i);
    const weekend = i % 7 >= 5;
    for (const f of features)
      if (!f.from || day >= f.from) lines.push(...featureDay(f, day, weekend, events, r));
  }
  lines.push(...extra);
  const path = join(dir, 'traffic.csv');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}
