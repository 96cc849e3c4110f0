// nvidia-smi: `nvidia-smi --query-gpu=timestamp,uuid,index,name,utilization.gpu,... --format=csv -l 5` written to a
// file (docs/gpu.md, fixtures/nvidia-smi/ORIGIN.md). One sample per GPU per line. The header carries units
// (`utilization.gpu [%]`) and so does every value (`87 %`, `50234 MiB`) unless `nounits`; values are padded with a
// space; unsupported fields print `[N/A]` or `[Not Supported]` (NULL here); the timestamp is local time without a
// zone, read in the ingest's --timezone (config gpu.timezone; UTC by default).
import { defineSource, type InputColumn } from '../normalize/contract.js';
import { checks, integer, str } from '../normalize/ops.js';
import {
  badUnitNumber,
  localTime,
  localTimestamp,
  percentRatio,
  unitNumber,
} from '../normalize/telemetry-ops.js';
import { sql } from '../sql.js';

/** Query fields read, by their name without the unit suffix nvidia-smi adds to the header. */
const FIELDS: Record<string, { required?: boolean; unit?: string }> = {
  timestamp: { required: true },
  uuid: { required: true },
  index: {},
  name: {},
  'utilization.gpu': { required: true, unit: '%' },
  'utilization.memory': { unit: '%' },
  'memory.used': { unit: 'MiB' },
  'memory.total': { unit: 'MiB' },
  'power.draw': { unit: 'W' },
};
const reader: Record<string, InputColumn> = Object.fromEntries(
  Object.entries(FIELDS).map(([c, f]) => [c, { type: 'VARCHAR', required: f.required }]),
);
/** The header spells a field with its unit (`memory.used [MiB]`) unless `--format=csv,nounits` dropped it. */
const aliases = Object.fromEntries(
  Object.entries(FIELDS)
    .filter(([, f]) => f.unit)
    .map(([c, f]) => [c, [`${c} [${f.unit}]`]]),
);
const ratio = (name: string) => percentRatio(unitNumber(name));

export const nvidiaSmi = defineSource({
  id: 'nvidia-smi',
  title: 'nvidia-smi --query-gpu CSV (GPU utilization samples)',
  family: 'gpu',
  dataset: 'telemetry',
  detects:
    'CSV from nvidia-smi --query-gpu with timestamp, uuid and utilization.gpu [%] (units in values, [N/A])',
  detect: [{ format: 'csv', header: { all: ['timestamp', 'uuid', 'utilization.gpu'] } }],
  aliases,
  reader: () => ({ kind: 'csv', columns: reader }),
  checks: [
    checks.required('uuid'),
    {
      column: 'timestamp',
      bad: sql`${localTimestamp('timestamp')} IS NULL`,
      problem: 'not a time (nvidia-smi prints YYYY/MM/DD HH:MM:SS.mmm)',
    },
    { column: 'utilization.gpu', bad: badUnitNumber('utilization.gpu'), problem: 'not a percentage' },
    {
      column: 'utilization.gpu',
      bad: sql`${unitNumber('utilization.gpu')} NOT BETWEEN 0 AND 100`,
      problem: 'utilization outside 0-100 %',
    },
    ...['utilization.memory', 'memory.used', 'memory.total', 'power.draw'].map((c) => ({
      column: c,
      bad: badUnitNumber(c),
      problem: 'not a number',
    })),
  ],
  map: {
    timestamp: localTime('timestamp'),
    gpu_uuid: str('uuid'),
    gpu_index: sql`CAST(${integer('index')} AS INTEGER)`,
    gpu_model: str('name'),
    utilization: ratio('utilization.gpu'),
    memory_utilization: ratio('utilization.memory'),
    memory_used_mib: unitNumber('memory.used'),
    memory_total_mib: unitNumber('memory.total'),
    power_watts: unitNumber('power.draw'),
  },
  reconcile: [
    {
      measure: 'samples with a utilization reading',
      source: sql`CASE WHEN ${unitNumber('utilization.gpu')} IS NULL THEN 0 ELSE 1 END`,
      stored: sql`CASE WHEN "utilization" IS NULL THEN 0 ELSE 1 END`,
    },
  ],
  // a GPU has one sample per time: a re-collected overlapping file replaces the samples it repeats
  replace: { kind: 'rows', key: ['gpu_uuid', 'timestamp'] },
});
