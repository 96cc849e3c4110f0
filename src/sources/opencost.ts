// opencost: an OpenCost Allocation API response (`GET /allocation/compute?window=…&aggregate=…`; docs/gpu.md,
// fixtures/opencost/ORIGIN.md). `data` is an array with one map per step window, each mapping an aggregate name to an
// Allocation. Every allocation becomes one telemetry row: its covered range (`start`/`end`, UTC), the allocated
// GPU-hours, and OpenCost's *modelled* GPU and total cost, which come from list or custom prices and are never added
// to billed cost (summing them with the cloud bill double counts the node). `__idle__` rows are the cluster's
// unallocated capacity; their GPU-hours give a cluster's idle share when no utilization samples exist.
import { defineSource } from '../normalize/contract.js';
import { checks, DIVIDE_EXACT_MAX, decimal, divideExact, isoTime, MONEY, str } from '../normalize/ops.js';
import { lit, sql } from '../sql.js';

const NUMBERS = [
  'minutes',
  'gpuCount',
  'gpuHours',
  'gpuCost',
  'gpuCostAdjustment',
  'gpuRequestAverage',
  'gpuUsageAverage',
  'totalCost',
];

const usage = decimal('gpuUsageAverage');
const request = decimal('gpuRequestAverage');

export const opencost = defineSource({
  id: 'opencost',
  title: 'OpenCost Allocation API JSON (GPU-hours, modelled cost)',
  family: 'gpu',
  dataset: 'telemetry',
  detects: 'JSON response of OpenCost /allocation/compute (data: [{name: Allocation}], gpuHours, totalCost)',
  detect: [{ format: 'json', json: [/"data"\s*:/, /"gpuHours"\s*:/, /"totalCost"\s*:/] }],
  reader: () => ({
    kind: 'json',
    records: {
      path: ['data', '*', '{*}'],
      fields: {
        name: 'name',
        cluster: 'properties.cluster',
        node: 'properties.node',
        namespace: 'properties.namespace',
        pod: 'properties.pod',
        container: 'properties.container',
        start: 'start',
        end: 'end',
        ...Object.fromEntries(NUMBERS.map((n) => [n, n])),
      },
    },
    columns: {
      name: { type: 'VARCHAR', required: true },
      cluster: { type: 'VARCHAR' },
      node: { type: 'VARCHAR' },
      namespace: { type: 'VARCHAR' },
      pod: { type: 'VARCHAR' },
      container: { type: 'VARCHAR' },
      start: { type: 'VARCHAR', required: true },
      end: { type: 'VARCHAR', required: true },
      ...Object.fromEntries(NUMBERS.map((n) => [n, { type: 'VARCHAR' }])),
    },
  }),
  checks: [
    checks.required('name'),
    checks.isoTime('start'),
    checks.isoTime('end'),
    { column: 'end', bad: sql`${isoTime('end')} < ${isoTime('start')}`, problem: 'before start' },
    ...NUMBERS.map((n) => checks.number(n)),
    {
      column: 'gpuRequestAverage',
      bad: sql`${request} >= ${lit(DIVIDE_EXACT_MAX)}::${MONEY}`,
      problem: `not below ${DIVIDE_EXACT_MAX} GPUs`,
    },
  ],
  map: {
    timestamp: isoTime('start'),
    // microseconds as integers: epoch() is a DOUBLE and would not give whole seconds back exactly
    interval_seconds: sql`CAST(CAST(epoch_us(${isoTime('end')}) - epoch_us(${isoTime('start')}) AS DECIMAL(38,0)) * CAST('0.000001' AS DECIMAL(7,6)) AS DECIMAL(38,18))`,
    cluster: str('cluster'),
    node: str('node'),
    namespace: str('namespace'),
    pod: str('pod'),
    container: str('container'),
    allocation: str('name'),
    // utilization of the GPUs an allocation requested, when OpenCost has DCGM data (gpuUsageAverage)
    utilization: sql`CASE WHEN ${request} > 0 AND ${usage} >= 0 THEN ${divideExact(usage, request)} END`,
    gpu_hours: decimal('gpuHours'),
    gpu_cost_modelled: decimal('gpuCost'),
    total_cost_modelled: decimal('totalCost'),
    idle: sql`${str('name')} = '__idle__'`,
  },
  reconcile: [
    {
      measure: 'gpu_hours = gpuHours',
      source: sql`COALESCE(${decimal('gpuHours')}, 0)`,
      stored: sql`COALESCE("gpu_hours", 0)`,
    },
    {
      measure: 'gpu_cost_modelled = gpuCost',
      source: sql`COALESCE(${decimal('gpuCost')}, 0)`,
      stored: sql`COALESCE("gpu_cost_modelled", 0)`,
    },
    {
      measure: 'total_cost_modelled = totalCost',
      source: sql`COALESCE(${decimal('totalCost')}, 0)`,
      stored: sql`COALESCE("total_cost_modelled", 0)`,
    },
  ],
  // an allocation window re-queried replaces the rows it repeats
  replace: {
    kind: 'rows',
    key: ['cluster', 'allocation', 'node', 'namespace', 'pod', 'container', 'timestamp'],
  },
});
