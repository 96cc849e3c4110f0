// aicost allocate: split invoiced cost onto features, teams, customers... as FOCUS 1.3 allocated rows + showback.
import type { Command } from 'commander';
import { InputError } from '../errors.js';
import { output } from '../report/output.js';
import { formatFlag, globalOptions, jsonFlag, outputFormat } from './global.js';

export function register(program: Command): void {
  program
    .command('allocate')
    .description(
      'Split invoiced AI cost onto usage keys (FOCUS 1.3 split-cost allocation) and print the showback',
    )
    .requiredOption(
      '--by <keys>',
      'tag key(s), model or provider, comma-separated (e.g. feature or team,customer)',
    )
    .option('--period <YYYY-MM>', 'billing month to allocate (default: everything stored)')
    .option('--from <date>', 'first UTC day (YYYY-MM-DD), inclusive')
    .option('--to <date>', 'last UTC day (YYYY-MM-DD), exclusive')
    .option(
      '--method <id>',
      'x-token-cost-v1 (default) | x-tokens-v1 | x-even-v1 | x-fixed-v1 | x-gpu-time-v1',
      'x-token-cost-v1',
    )
    .option('--weights <file>', 'x-fixed-v1: YAML/JSON map of key value -> weight')
    .option(
      '--output-weight <n>',
      'x-tokens-v1, x-gpu-time-v1: weight of an output token relative to an input token',
      '1',
    )
    // GPU clusters (docs/gpu.md#allocation)
    .option(
      '--idle <mode>',
      'x-gpu-time-v1: separate (default): idle GPU time is the (idle) row; spread: over the served usage',
      'separate',
    )
    .option(
      '--fallback <mode>',
      "none (default): an invoice line whose model has no usage that day stays unallocated; provider: spread it over the provider's usage of the day",
      'none',
    )
    .addOption(formatFlag(['table', 'json', 'csv']))
    .addOption(jsonFlag())
    .addHelpText(
      'after',
      `
Examples:
  $ aicost allocate --by feature
  $ aicost allocate --by team,customer --period 2025-08 --format json
  $ aicost allocate --by feature --method x-fixed-v1 --weights weights.yaml
  $ aicost allocate --by team --method x-gpu-time-v1 --idle spread      GPU clusters of the config (gpu.clusters)
  $ aicost query "SELECT AllocatedResourceId, SUM(EffectiveCost) FROM allocated GROUP BY 1"

Allocated rows replace their invoice lines in the view 'attributed' (Σ attributed = Σ focus). An invoice line matches
usage of its own model (by token class and day, then by day); a line naming a model nobody used that day stays
unallocated (AllocatedResourceId NULL) and is listed as "invoiced, no matching usage" unless --fallback provider.
Usage with no invoice yet is broken down by the same key as an estimate (USD), in its own table, never added.
Invoices billed in several currencies give one table block per currency, each with its own total: amounts in
different currencies are never added (every JSON/CSV line carries its currency).
Shared-resource rules in the config file (shared_resources) re-key build and query usage of a shared index and
split its maintenance by query share (docs/allocation.md#shared-resources).
x-gpu-time-v1 allocates the charges of the config's GPU clusters instead of invoice lines: telemetry splits each
charge's GPU-hours into busy and idle; busy time goes to the served self-hosted models' usage by weighted tokens,
idle time to the (idle) row or, with --idle spread, over the same usage (docs/gpu.md#allocation).`,
    )
    .action(async (opts, cmd: Command) => {
      const format = outputFormat(cmd);
      const outputWeight = Number(opts.outputWeight);
      if (!Number.isFinite(outputWeight) || outputWeight <= 0)
        throw new InputError('--output-weight must be a positive number');
      const { parseKeys } = await import('../analysis/allocate/keys.js');
      const { parseMethod } = await import('../analysis/allocate/methods.js');
      const { parsePeriod } = await import('../analysis/allocate/options.js');
      const { allocate } = await import('../analysis/allocate/run.js');
      const render = await import('../report/showback-render.js');
      const { loadConfig } = await import('../config.js');
      const g = globalOptions(cmd);
      const config = loadConfig(g.config);
      const result = await allocate({
        home: g.data,
        keys: parseKeys(String(opts.by)),
        method: parseMethod(opts.method),
        period: parsePeriod(opts),
        weightsFile: opts.weights,
        outputWeight,
        fallback: opts.fallback,
        sharedResources: config.shared_resources,
        gpuClusters: config.gpu?.clusters,
        idle: opts.idle,
      });
      output.data(
        format === 'json'
          ? render.showbackJson(result)
          : format === 'csv'
            ? render.showbackCsv(result)
            : render.showbackTable(result),
      );
    });
}
