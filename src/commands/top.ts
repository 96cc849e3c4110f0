// aicost top --by request|trace: the costliest requests or agent traces, with their tags.
import type { Command } from 'commander';
import { InputError } from '../errors.js';
import { output } from '../report/output.js';
import { formatFlag, jsonFlag, outputFormat } from './format.js';
import { globalOptions } from './global.js';

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
      '\nExamples:\n  $ aicost top --by trace --limit 5\n  $ aicost top --by request --format json',
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
      const { renderCsv, renderTable } = await import('../report/table.js');
      const rows = await topSpenders(globalOptions(cmd).data, by, limit);
      const head = [by, 'requests', 'models', 'tokens', 'cost', 'basis', 'tags', 'first'];
      const cells = rows.map((r) => [
        r.id,
        r.requests,
        r.models ?? '',
        r.tokens,
        r.cost ?? 'unpriced',
        r.basis,
        r.tags ?? '',
        r.first,
      ]);
      if (format === 'json') output.data(JSON.stringify(rows, null, 2));
      else if (format === 'csv') output.data(renderCsv(head, cells));
      else output.data(renderTable(head, cells));
    });
}
