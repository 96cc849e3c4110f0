// aicost anomalies: daily cost against a robust same-weekday baseline, runaway requests, cost per request week over
// week, each with its driver; under --fail-on anomaly, exit 1 when any is found (docs/anomalies.md).
import type { Command } from 'commander';
import { ExitCode, InputError } from '../errors.js';
import { output } from '../report/output.js';
import { parseDay, parseFailOn } from './fail-on.js';
import { formatFlag, globalOptions, jsonFlag, outputFormat } from './global.js';

const positive = (v: unknown, flag: string): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new InputError(`${flag} must be a non-negative number, got "${v}"`);
  return n;
};

export function register(program: Command): void {
  program
    .command('anomalies')
    .description(
      'Find cost anomalies (robust same-weekday baseline), runaway requests and cost-per-request jumps',
    )
    .option('--by <key>', 'a tag key (feature, team, ...), model or provider (default: the total)')
    .option(
      '--currency <code>',
      'only costs in this currency (default: every currency, each detected on its own)',
    )
    .option('--since <day>', 'first UTC day reported (default: a week before --until)')
    .option('--until <day>', 'last UTC day reported (default: the last day with usage)')
    .option('--runaway-tokens <n>', 'a request with more tokens than this is a runaway', '50000')
    .option('--min-impact <amount>', 'an anomaly must cost at least this much extra (currency units)', '5')
    .option('--min-impact-pct <pct>', 'and at least this percent above the baseline', '50')
    .option('--fail-on <rules>', 'anomaly: exit 1 when any anomaly is found')
    .addOption(formatFlag(['table', 'json']))
    .addOption(jsonFlag())
    .addHelpText(
      'after',
      `
Examples:
  $ aicost anomalies --by feature
  $ aicost anomalies --since 2025-08-01 --format json
  $ aicost anomalies --by model --fail-on anomaly      # in CI: exit 1 when something trips
  $ aicost anomalies --currency EUR                    # only costs billed in EUR

Each anomaly names its driver: request volume, tokens per request, price, model mix or cache-hit rate, with each
factor's share of the change (Shapley decomposition). Costs in different currencies (invoices billed in EUR and in
USD, price-book estimates in USD) are separate series with their own baselines, never added; each anomaly names
its currency.`,
    )
    .action(async (opts, cmd: Command) => {
      const format = outputFormat(cmd);
      const failOn = parseFailOn(opts.failOn, ['anomaly']);
      const since = parseDay(opts.since, '--since');
      const until = parseDay(opts.until, '--until');
      if (since && until && since > until) throw new InputError(`--since ${since} is after --until ${until}`);
      const { detectAnomalies } = await import('../analysis/anomalies/index.js');
      const render = await import('../report/anomalies-render.js');
      const report = await detectAnomalies(globalOptions(cmd).data, {
        by: opts.by,
        currency: opts.currency === undefined ? undefined : String(opts.currency).toUpperCase(),
        since,
        until,
        runawayTokens: positive(opts.runawayTokens, '--runaway-tokens'),
        minImpact: {
          absolute: positive(opts.minImpact, '--min-impact'),
          relative: (positive(opts.minImpactPct, '--min-impact-pct') ?? 50) / 100,
        },
      });
      output.data(format === 'json' ? JSON.stringify(report, null, 2) : render.anomaliesTable(report));
      if (failOn.has('anomaly') && report.anomalies.length > 0) process.exitCode = ExitCode.checkFailed;
    });
}
