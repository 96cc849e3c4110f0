// aicost gpu: per configured GPU cluster, reserved GPU-hours, utilization, idle cost, cost per 1M tokens served and
// the API price of comparable models (docs/gpu.md#aicost-gpu). Thin: options -> gpuSummary() -> gpu-render.
import type { Command } from 'commander';
import { output } from '../report/output.js';
import { formatFlag, globalOptions, jsonFlag, outputFormat } from './global.js';

export function register(program: Command): void {
  program
    .command('gpu')
    .description(
      'Per GPU cluster: reserved GPU-hours, utilization, idle cost, cost per 1M tokens served vs API prices',
    )
    .option('--period <YYYY-MM>', 'month to report (default: each cluster’s whole span of charges)')
    .option('--from <date>', 'first UTC day (YYYY-MM-DD), inclusive')
    .option('--to <date>', 'last UTC day (YYYY-MM-DD), exclusive')
    .option('--rate-card <file>', 'YAML rate card for the API prices compared against')
    .addOption(formatFlag(['table', 'json']))
    .addOption(jsonFlag())
    .addHelpText(
      'after',
      `
Examples:
  $ aicost gpu                                   every cluster of the config's gpu.clusters
  $ aicost gpu --period 2025-08 --format json
  $ aicost --config fleet.yaml gpu --from 2025-08-01 --to 2025-08-08

Clusters come from the config file (gpu.clusters: charges by ResourceId or Tags, telemetry by GPU UUID, node or
cluster, the self-hosted models served, compare_to API models; docs/gpu.md#configuration). Cost is what the
cluster's focus/ charges cost: EffectiveCost, or a purchase's BilledCost when no usage row amortizes it (pro rata
where a charge straddles the period). Utilization is the mean of the GPU samples (nvidia-smi, DCGM) in the span,
else OpenCost's allocated share of GPU-hours; idle cost = cost × (1 − utilization). Cost per 1M tokens = cost ÷
tokens the served models processed × 1,000,000. API prices are the price book's list prices; a token class the book
does not price makes that comparison unpriced, never free.
Exit codes: 0 ok; 2 no clusters configured, bad option or config.`,
    )
    .action(async (opts, cmd: Command) => {
      const g = globalOptions(cmd);
      const { parsePeriod } = await import('../analysis/allocate/options.js');
      const { gpuSummary } = await import('../analysis/gpu/summary.js');
      const { loadConfig } = await import('../config.js');
      const render = await import('../report/gpu-render.js');
      const period = parsePeriod(opts);
      const config = loadConfig(g.config);
      const report = await gpuSummary({
        home: g.data,
        clusters: config.gpu?.clusters ?? [],
        period,
        rateCard: opts.rateCard ?? config.rate_card,
      });
      output.data(outputFormat(cmd) === 'json' ? render.gpuJson(report) : render.gpuTable(report));
    });
}
