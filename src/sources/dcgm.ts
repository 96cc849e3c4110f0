// dcgm: a DCGM exporter scrape (`curl -s http://<node>:9400/metrics`), Prometheus text exposition format
// (docs/gpu.md, fixtures/dcgm/ORIGIN.md). One series per line: `DCGM_FI_<FIELD>{gpu="0",UUID="GPU-…",Hostname="…",
// modelName="…",namespace="…",pod="…"} <value> [<timestamp ms>]`. Every DCGM line becomes a row with its metric and
// raw value; the utilization gauges are also normalized to ratios (DCGM_FI_DEV_GPU_UTIL and _MEM_COPY_UTIL are 0-100
// while the DCGM_FI_PROF_* ratios are already 0-1: those stay in `value`). DCGM's "blank" sentinels (e.g.
// 9223372036854775794 for an unsupported field) are NULL. A scrape carries no time of its own unless the series have
// timestamps: the sample time is the line's timestamp, else the scrape time in the file name
// (`dcgm-20250805T100000Z.prom`, as the collection loop in docs/gpu.md writes it).
import { defineSource } from '../normalize/contract.js';
import { MONEY, text } from '../normalize/ops.js';
import { percentRatio, withoutSentinel } from '../normalize/telemetry-ops.js';
import { lit, type Sql, sql } from '../sql.js';

const DCGM_LINE = /^DCGM_FI_[A-Z0-9_]+[{ \t]/m;
const SERIES = lit(
  '^([A-Za-z_:][A-Za-z0-9_:]*)(?:\\{(.*)\\})?[ \\t]+([^ \\t]+)(?:[ \\t]+(-?[0-9]+))?[ \\t]*$',
);
const part = (group: number): Sql => sql`NULLIF(regexp_extract("line", ${SERIES}, ${group}), '')`;
/** One label's value from the series' label set (`name="value"`); an empty value (`pod=""`) is NULL. */
const label = (name: string): Sql =>
  sql`NULLIF(regexp_extract("s_labels", ${lit(`(?:^|,)\\s*${name}="([^"]*)"`)}, 1), '')`;
const metric = sql`"s_metric"`;
const raw = sql`"s_value"`;
const num = sql`TRY_CAST(${raw} AS ${MONEY})`;
/** The value with sentinels and values too large for the stored decimal (also sentinels) as NULL. */
const reading = withoutSentinel(num);
/** The reading when the series is one of `names`, as a ratio for percentages. */
const gauge = (names: string[], percent = false): Sql =>
  sql`(CASE WHEN ${metric} IN (${sql`${names.map((n) => lit(n)).join(', ') as Sql}`}) THEN ${percent ? percentRatio(reading) : reading} END)`;
/** The scrape time from the file name, `…20250805T100000Z…` (UTC), when the series carry no timestamp. */
const nameTime = sql`try_strptime(regexp_extract(_source_file, '([0-9]{8}T[0-9]{6}Z)', 1), '%Y%m%dT%H%M%SZ')`;

export const dcgm = defineSource({
  id: 'dcgm',
  title: 'DCGM exporter scrape (Prometheus text format)',
  family: 'gpu',
  dataset: 'telemetry',
  detects:
    'Prometheus text with DCGM_FI_* series (dcgm-exporter /metrics); time from line timestamps or the file name',
  // a DCGM series at the start of a line, anywhere in the first 64 KiB (after # HELP / # TYPE comments). Label sets
  // hold commas, so the sniffer usually calls a scrape CSV; one without any comma is `unknown`: the function sees it.
  detect: [{ format: 'csv', json: [DCGM_LINE] }],
  detectFn: (sniff) => (DCGM_LINE.test(sniff.head) ? 1 : 0),
  reader: () => ({ kind: 'lines' }),
  let: {
    s_metric: part(1),
    s_labels: sql`COALESCE(${part(2)}, '')`,
    s_value: part(3),
    s_ts: part(4),
  },
  // comments (# HELP, # TYPE), blank lines and other exporters' series are not DCGM samples
  where: sql`starts_with(${text(sql`"line"`)}, 'DCGM_FI_')`,
  checks: [
    {
      column: 'line',
      bad: sql`${metric} IS NULL OR ${raw} IS NULL`,
      problem: 'not a Prometheus sample line',
    },
    {
      column: 'value',
      bad: sql`TRY_CAST(${raw} AS DOUBLE) IS NULL`,
      problem: 'not a number',
    },
    {
      column: 'timestamp',
      bad: sql`"s_ts" IS NULL AND ${nameTime} IS NULL`,
      problem:
        'no sample time: the series carry no timestamp and the file name has no scrape time (dcgm-YYYYMMDDTHHMMSSZ.prom)',
    },
  ],
  map: {
    timestamp: sql`COALESCE(make_timestamp(CAST("s_ts" AS BIGINT) * 1000), ${nameTime}) AT TIME ZONE 'UTC'`,
    gpu_uuid: label('UUID'),
    node: label('Hostname'),
    gpu_index: sql`TRY_CAST(${label('gpu')} AS INTEGER)`,
    gpu_model: label('modelName'),
    namespace: label('namespace'),
    pod: label('pod'),
    container: label('container'),
    metric,
    // NaN and ±Inf (valid Prometheus values) and sentinels are NULL
    value: reading,
    utilization: gauge(['DCGM_FI_DEV_GPU_UTIL'], true),
    memory_utilization: gauge(['DCGM_FI_DEV_MEM_COPY_UTIL'], true),
    memory_used_mib: gauge(['DCGM_FI_DEV_FB_USED']),
    power_watts: gauge(['DCGM_FI_DEV_POWER_USAGE']),
  },
  reconcile: [
    {
      measure: 'readings kept (sentinels are NULL)',
      source: sql`CASE WHEN ${reading} IS NULL THEN 0 ELSE 1 END`,
      stored: sql`CASE WHEN "value" IS NULL THEN 0 ELSE 1 END`,
    },
  ],
  replace: { kind: 'rows', key: ['gpu_uuid', 'node', 'pod', 'container', 'metric', 'timestamp'] },
});
