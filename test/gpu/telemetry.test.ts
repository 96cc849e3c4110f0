// GPU telemetry sources into telemetry/ (docs/gpu.md): nvidia-smi (units and [N/A] in values, local times in the
// ingest's zone), dcgm (Prometheus text; 0-100 vs 0-1 scales; DCGM's blank sentinels) and opencost (allocation JSON,
// __idle__ rows, modelled cost kept out of focus/). Values are read off fixtures/gpu/ by hand (ORIGIN.md).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { sniffFile } from '../../src/ingest/sniff.js';
import { detectScore } from '../../src/normalize/contract.js';
import { SOURCES } from '../../src/sources/index.js';
import { fixture, ingestInto, one, q, scratchHomes } from '../helpers/home.js';

const home = scratchHomes(afterAll);
const gpu = (f: string) => fixture('gpu', f);
type Row = Record<string, string | number | boolean | null>;
const str = (sql: string) => `SELECT ${sql}`;

describe('detection', () => {
  const cases: [string, string][] = [
    ['nvidia-smi-fleet.csv', 'nvidia-smi'],
    ['dcgm-20250805T100000Z.prom', 'dcgm'],
    ['dcgm-fleet.prom', 'dcgm'],
    ['opencost-allocation-swagger.json', 'opencost'],
    ['opencost-gpu.json', 'opencost'],
    ['reservations.csv', 'gpu-reservations'],
  ];
  it.each(cases)('%s is %s and no other source', async (file, id) => {
    const sniff = await sniffFile(gpu(file));
    const claims = SOURCES.filter((s) => detectScore(s, sniff) >= 0.5).map((s) => s.id);
    expect(claims).toEqual([id]);
  });
});

describe('nvidia-smi', () => {
  it('reads units, [N/A] and local Berlin times (CEST, UTC+2)', async () => {
    const h = home();
    const r = await ingestInto(h, [gpu('nvidia-smi-fleet.csv')], { timezone: 'Europe/Berlin' });
    expect(r.files[0]).toMatchObject({ sourceId: 'nvidia-smi', rowsIn: 9, rowsOut: 9 });
    const first = await one<Row>(
      h,
      `SELECT strftime("timestamp", '%Y-%m-%dT%H:%M:%SZ') AS t, gpu_index, gpu_model, utilization::VARCHAR AS u,
         memory_utilization::VARCHAR AS mu, memory_used_mib::VARCHAR AS used, memory_total_mib::VARCHAR AS total,
         power_watts::VARCHAR AS w, source_record
       FROM telemetry WHERE gpu_uuid = 'GPU-11111111-aaaa-bbbb-cccc-000000000001' ORDER BY "timestamp" LIMIT 1`,
    );
    expect(first).toEqual({
      t: '2025-08-05T00:00:00Z',
      gpu_index: 0,
      gpu_model: 'NVIDIA H100 80GB HBM3',
      u: '0.900000000000000000',
      mu: '0.410000000000000000',
      used: '61440.000000000000000000',
      total: '81559.000000000000000000',
      w: '650.120000000000000000',
      source_record: '2',
    });
    const t = await one<Row>(
      h,
      `SELECT SUM(utilization)::VARCHAR AS u, count(power_watts) AS watts, count(*) AS n,
         count(*) FILTER (WHERE power_watts IS NULL AND gpu_uuid LIKE '%0002') AS na FROM telemetry`,
    );
    // 0.9+0.8+0.1+0 + 0.7+0.6+0.1+0 + 1.0; power: [N/A] ×3 and [Not Supported] ×1 are NULL
    expect(t).toEqual({ u: '4.200000000000000000', watts: '5', n: '9', na: '4' });
  });

  it('reads local times as UTC without a zone', async () => {
    const h = home();
    const rep = await ingestInto(h, [gpu('nvidia-smi-fleet.csv')]);
    expect(rep.files[0]!.warnings).toEqual([
      'nvidia-smi times have no zone and were read as UTC: pass --timezone (or set gpu.timezone)',
    ]);
    const r = await one<Row>(
      h,
      `SELECT strftime(min("timestamp"), '%Y-%m-%dT%H:%M:%SZ') AS t FROM telemetry`,
    );
    expect(r.t).toBe('2025-08-05T02:00:00Z');
  });

  it('a bad percentage is an input error naming line and column; nothing is stored', async () => {
    const h = home();
    const f = join(h, 'smi-bad.csv');
    writeFileSync(
      f,
      'timestamp, uuid, utilization.gpu [%]\n2025/08/05 02:00:00.000, GPU-1, 5 %\n2025/08/05 02:00:05.000, GPU-1, 150 %\n',
    );
    const e = await ingestInto(h, [f]).catch((x) => x);
    expect(e).toBeInstanceOf(InputError);
    expect(e.location).toMatchObject({ record: 3, column: 'utilization.gpu' });
    expect(String(e.message)).toMatch(/outside 0-100/);
  });

  it('an unknown time zone is an input error', async () => {
    const e = await ingestInto(home(), [gpu('nvidia-smi-fleet.csv')], { timezone: 'Mars/Olympus' }).catch(
      (x) => x,
    );
    expect(e).toBeInstanceOf(InputError);
  });
});

describe('dcgm', () => {
  // The README scrape lists each series twice, the second time with empty container/namespace/pod labels. In
  // Prometheus an empty label is no label, so those are the same three series: the in-file duplicate-key rule keeps
  // one row per (gpu, node, pod, container, metric, time) and says so.
  it('the README scrape: 3 series (repeats dropped), comments skipped, the sentinel NULL, time from the file name', async () => {
    const h = home();
    const r = await ingestInto(h, [gpu('dcgm-20250805T100000Z.prom')]);
    expect(r.files[0]).toMatchObject({ sourceId: 'dcgm', rowsIn: 15, rowsOut: 3, skipped: 9 });
    expect(r.files[0]?.notes.join('\n')).toContain(
      '3 rows dropped: the key (gpu_uuid, node, pod, container, metric, timestamp) repeats',
    );
    const rows = await q<Row>(
      h,
      `SELECT metric, value::VARCHAR AS v, gpu_uuid, gpu_index, pod, strftime("timestamp", '%Y-%m-%dT%H:%M:%SZ') AS t
       FROM telemetry ORDER BY source_record::INTEGER`,
    );
    const uuid = 'GPU-604ac76c-d9cf-fef3-62e9-d92044ab6e52';
    const row = (metric: string, v: string | null) => ({
      metric,
      v,
      gpu_uuid: uuid,
      gpu_index: 0,
      pod: null,
      t: '2025-08-05T10:00:00Z',
    });
    const plain = [
      row('DCGM_FI_DEV_SM_CLOCK', '139.000000000000000000'),
      row('DCGM_FI_DEV_MEM_CLOCK', '405.000000000000000000'),
      // 9223372036854775794: DCGM's "not supported" for a 64-bit field
      row('DCGM_FI_DEV_MEMORY_TEMP', null),
    ];
    expect(rows).toEqual(plain);
  });

  it('scales: GPU_UTIL 0-100 becomes a ratio, PROF_* 0-1 stay as read; labels and ms timestamps', async () => {
    const h = home();
    const r = await ingestInto(h, [gpu('dcgm-fleet.prom')]);
    expect(r.files[0]).toMatchObject({ rowsIn: 19, rowsOut: 6, skipped: 13 });
    const rows = await q<Row>(
      h,
      `SELECT metric, value::VARCHAR AS v, utilization::VARCHAR AS u, memory_used_mib::VARCHAR AS mib,
         power_watts::VARCHAR AS w, node, pod, namespace, strftime("timestamp", '%Y-%m-%dT%H:%M:%SZ') AS t
       FROM telemetry ORDER BY source_record::INTEGER`,
    );
    expect(rows.map((x) => [x.metric, x.v, x.u, x.mib, x.w, x.pod])).toEqual([
      ['DCGM_FI_DEV_GPU_UTIL', '87.000000000000000000', '0.870000000000000000', null, null, 'vllm-llama-0'],
      ['DCGM_FI_DEV_GPU_UTIL', '0.000000000000000000', '0.000000000000000000', null, null, null],
      ['DCGM_FI_PROF_GR_ENGINE_ACTIVE', '0.873421000000000000', null, null, null, 'vllm-llama-0'],
      ['DCGM_FI_DEV_MEMORY_TEMP', null, null, null, null, 'vllm-llama-0'],
      [
        'DCGM_FI_DEV_FB_USED',
        '61440.000000000000000000',
        null,
        '61440.000000000000000000',
        null,
        'vllm-llama-0',
      ],
      [
        'DCGM_FI_DEV_POWER_USAGE',
        '612.451000000000000000',
        null,
        null,
        '612.451000000000000000',
        'vllm-llama-0',
      ],
    ]);
    expect(new Set(rows.map((x) => `${x.node} ${x.t}`))).toEqual(
      new Set(['gpu-node-1 2025-08-05T10:00:00Z']),
    );
  });

  it('a scrape without timestamps whose name carries no time is an input error', async () => {
    const h = home();
    const f = join(h, 'metrics.prom');
    writeFileSync(f, 'DCGM_FI_DEV_GPU_UTIL{gpu="0",UUID="GPU-1"} 55\n');
    const e = await ingestInto(h, [f]).catch((x) => x);
    expect(e).toBeInstanceOf(InputError);
    expect(e.location).toMatchObject({ record: 1 });
    expect(String(e.message)).toMatch(/no sample time/);
  });
});

describe('opencost', () => {
  it('the documented response: 3 allocations, modelled cost kept in telemetry only', async () => {
    const h = home();
    const r = await ingestInto(h, [gpu('opencost-allocation-swagger.json')]);
    expect(r.files[0]).toMatchObject({ sourceId: 'opencost', rowsIn: 3, rowsOut: 3 });
    const t = await one<Row>(
      h,
      `SELECT SUM(total_cost_modelled)::VARCHAR AS total, SUM(gpu_hours)::VARCHAR AS gh, any_value(cluster) AS cluster,
         string_agg(allocation, ',' ORDER BY allocation) AS names, max(interval_seconds)::VARCHAR AS secs,
         (SELECT count(*) FROM focus) AS focus_rows FROM telemetry`,
    );
    // 0.425469 + 0.030644 + 0; 2023-01-18T11:38:45Z .. 2023-01-20T11:38:00Z = 172,755 s
    expect(t).toEqual({
      total: '0.456113000000000000',
      gh: '0.000000000000000000',
      cluster: 'cluster-one',
      names: 'kube-system,opencost,prometheus',
      secs: '172755.000000000000000000',
      focus_rows: '0',
    });
  });

  it('GPU allocations: __idle__ marked, usage ÷ request as utilization', async () => {
    const h = home();
    await ingestInto(h, [gpu('opencost-gpu.json')]);
    const rows = await q<Row>(
      h,
      str(`allocation, idle, gpu_hours::VARCHAR AS gh, gpu_cost_modelled::VARCHAR AS gc, utilization::VARCHAR AS u
       FROM telemetry ORDER BY allocation`),
    );
    expect(rows).toEqual([
      {
        allocation: '__idle__',
        idle: true,
        gh: '18.000000000000000000',
        gc: '54.000000000000000000',
        u: null,
      },
      {
        allocation: 'llm',
        idle: false,
        gh: '30.000000000000000000',
        gc: '90.000000000000000000',
        u: '0.800000000000000000',
      },
    ]);
  });
});
