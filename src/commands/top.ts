// aicost top --by request|trace: the costliest requests or agent traces, with their tags.
import type { Command } from 'commander';
import { InputError } from '../errors.js';
import { output } from '../report/output.js';
import { formatFlag, globalOptions, jsonFlag, outputFormat } from './global.js';

export function register(program: Command): void {
  program
    .command('top')
    .description('List the costliest requests or agent traces (attributed invoice cost, else the estimate)')
    .option('--by <grain>', 'request | trace', 'request')
    .option('--limit <n>', 'how many', '10')
    .addOption(formatFlag(['table', 'json', 'csv']))
    .addOption(jsonFlag())
    .addHelpText(
      'after',
      "\nExamples:\n  $ aicost top --by trace --limit 5\n  $ aicost top --by request --format json\n\nEvery cost names its currency (the invoices' billing currency, USD for estimates); with several\ncurrencies each has its own top --limit, since amounts in different currencies are never compared or added.",
    )
    .action(async (opts, cmd: Command) => {
      const by = String(opts.by);
      if (by !== 'request' && by !== 'trace')
        throw new InputError(`--by must be request or trace, got "${by}"`);
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit <= 0)
        throw new InputError('--limit must be a positive whole number');
      const format = outputFormat(cmd);
      const { topSpenders } = await import('../analysis/top.js');
      const render = await import('../report/top-render.js');
      const rows = await topSpenders(globalOptions(cmd).data, by, limit);
      output.data(
        format === 'json'
          ? render.topJson(rows)
          : format === 'csv'
            ? render.topCsv(rows, by)
            : render.topTable(rows, by),
      );
    });
}
