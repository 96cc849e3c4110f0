// Explicit command registry. Each command module exports `register(program)`.
import type { Command } from 'commander';
import { register as allocate } from './allocate.js';
import { register as anomalies } from './anomalies.js';
import { register as budgets } from './budgets.js';
import { register as doctor } from './doctor.js';
import { register as estimate } from './estimate.js';
import { register as forecast } from './forecast.js';
import { register as forget } from './forget.js';
import { register as gpu } from './gpu.js';
import { register as ingest } from './ingest.js';
import { register as query } from './query.js';
import { register as report } from './report.js';
import { register as sources } from './sources.js';
import { register as top } from './top.js';
import { register as validate } from './validate.js';

export function registerCommands(program: Command): void {
  for (const r of [
    ingest,
    sources,
    allocate,
    top,
    query,
    validate,
    forget,
    doctor,
    forecast,
    budgets,
    anomalies,
    report,
    estimate,
    gpu, // GPU clusters (docs/gpu.md)
  ])
    r(program);
}
