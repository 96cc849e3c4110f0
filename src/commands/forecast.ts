// aicost forecast: month-end and horizon forecasts with P10-P90 intervals, per series (total or --by KEY), with the
// method chosen by backtest, and per prepaid commitment its balance and exhaustion date (docs/forecast.md).
import type { Command } from 'commander';
import { InputError } from '../errors.js';
import { output } from '../report/output.js';
import { formatFlag, globalOptions, jsonFlag, outputFormat } from './global.js';

const METHODS = ['auto', 'run-rate', 'linear', 'seasonal'] as const;

/** `30d`, `30` or `6w` -> days. */
function parseHorizon(v: unknown): number {
  const m = /^(\d+)\s*([dw]?)$/.exec(String(v).trim());
  const n = m ? Number(m[1]) * (m[2] === 'w' ? 7 : 1) : Number.NaN;
  if (!Number.isInteger(n) || n < 1 || n > 366)
    throw new InputError(`--horizon must be a number of days (1-366) such as 30d or 6w, got "${v}"`);
  return n;
}

export function register(program: Command): void {
  program
    .command('forecast')
    .description(
      'Forecast daily cost: month-end projection, P10/P50/P90 over a horizon, commitment exhaustion',
    )
    .option('--horizon <days>', 'days ahead: 30d, 6w, 90', '30d')
    .option('--by <key>', 'one forecast per value of a tag key (feature, team, ...), model or provider')
    .option('--method <method>', 'auto (by backtest) | run-rate | linear | seasonal', 'auto')
    .option('--currency <code>', 'billing currency to forecast (needed when the data has several)')
    .addOption(formatFlag(['table', 'json']))
    .addOption(jsonFlag())
    .addHelpText(
      'after',
      `
Examples:
  $ aicost forecast
  $ aicost forecast --horizon 90d --by feature
  $ aicost forecast --method seasonal --format json

Invoiced cost is EffectiveCost of the 'attributed' view (so --by feature uses the allocation); usage not invoiced
yet is forecast separately, never added. With under 14 days of history the forecast is a run rate, and says so.`,
    )
    .action(async (opts, cmd: Command) => {
      const format = outputFormat(cmd);
      const method = String(opts.method);
      if (!(METHODS as readonly string[]).includes(method))
        throw new InputError(`unknown --method "${method}" (${METHODS.join(', ')})`);
      const horizon = parseHorizon(opts.horizon);
      const { runForecast } = await import('../analysis/forecast-run.js');
      const render = await import('../report/forecast-render.js');
      const report = await runForecast(globalOptions(cmd).data, {
        horizon,
        method: method as (typeof METHODS)[number],
        by: opts.by,
        currency: opts.currency,
      });
      if (report.series.length === 0 && report.estimated.length === 0 && report.commitments.length === 0)
        throw new InputError(
          'no cost data to forecast',
          {},
          'ingest provider cost reports or gateway logs first',
        );
      output.data(format === 'json' ? JSON.stringify(report, null, 2) : render.forecastTable(report));
    });
}
