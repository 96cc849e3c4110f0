// aicost budgets: each budget of the config file with its actual spend, the projection at the period's end and the
// threshold state; under --fail-on budget, exit 1 when a budget is at or past its fail_at threshold.
import type { Command } from 'commander';
import { ExitCode, InputError } from '../errors.js';
import { output } from '../report/output.js';
import { parseDay, parseFailOn } from './fail-on.js';
import { formatFlag, globalOptions, jsonFlag, outputFormat } from './global.js';

const EXAMPLE = `budgets:
  - name: all-ai
    amount: 25000
    period: month          # month | quarter | year
    scope: { team: search } # optional: tags, provider, model
    thresholds: [50, 75, 90, 100]
    fail_at: 100`;

export function register(program: Command): void {
  program
    .command('budgets')
    .description('Show every budget of the config file: actual, forecast at period end, threshold state')
    .option('--as-of <day>', 'evaluate as of this UTC day (default: the last day the invoiced data covers)')
    .option('--fail-on <rules>', 'budget: exit 1 when a budget is at or past its fail_at threshold')
    .addOption(formatFlag(['table', 'json']))
    .addOption(jsonFlag())
    .addHelpText(
      'after',
      `
Examples:
  $ aicost budgets
  $ aicost budgets --fail-on budget --format json      # in CI: exit 1 when a budget is at fail_at

Budgets live in the config file (--config, or ./aicost.config.yaml):
${EXAMPLE}`,
    )
    .action(async (opts, cmd: Command) => {
      const format = outputFormat(cmd);
      const failOn = parseFailOn(opts.failOn, ['budget']);
      const asOf = parseDay(opts.asOf, '--as-of');
      const g = globalOptions(cmd);
      const { loadConfig } = await import('../config.js');
      const config = loadConfig(g.config);
      if (config.budgets.length === 0)
        throw new InputError('no budgets in the config file', {}, `add a budgets: list, e.g.\n${EXAMPLE}`);
      const { evaluateBudgets } = await import('../analysis/budgets.js');
      const render = await import('../report/budgets-render.js');
      const report = await evaluateBudgets(g.data, config.budgets, asOf);
      output.data(format === 'json' ? JSON.stringify(report, null, 2) : render.budgetsTable(report));
      if (failOn.has('budget') && report.budgets.some((b) => b.state === 'failing'))
        process.exitCode = ExitCode.checkFailed;
    });
}
