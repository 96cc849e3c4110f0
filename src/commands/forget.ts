// aicost forget: remove stored data through the manifest (never by hand), atomically.
import type { Command } from 'commander';
import { InputError } from '../errors.js';
import { output } from '../report/output.js';
import { formatFlag, globalOptions, jsonFlag, outputFormat } from './global.js';

export function register(program: Command): void {
  program
    .command('forget')
    .description('Remove stored data by source, input file or period (and the allocations built on it)')
    .option('--source <id>', 'every file of this source')
    .option('--file <path>', 'everything ingested from this input file (path as ingested, or its sha256)')
    .option('--period <YYYY-MM>', 'every focus/ billing period and usage/ day in this month')
    .addOption(formatFlag(['table', 'json']))
    .addOption(jsonFlag())
    .addHelpText(
      'after',
      '\nExamples:\n  $ aicost forget --source litellm\n  $ aicost forget --file exports/costs.json\n  $ aicost forget --period 2025-08 --source openai-costs',
    )
    .action(async (opts, cmd: Command) => {
      if (!opts.source && !opts.file && !opts.period)
        throw new InputError('say what to forget: --source, --file or --period');
      if (opts.period && !/^\d{4}-\d{2}$/.test(opts.period))
        throw new InputError(`--period must be YYYY-MM, got "${opts.period}"`);
      const { forget } = await import('../ingest/forget.js');
      const r = await forget({
        home: globalOptions(cmd).data,
        source: opts.source,
        file: opts.file,
        period: opts.period,
      });
      if (outputFormat(cmd) === 'json') output.data(JSON.stringify(r, null, 2));
      else output.data(`forgot ${r.files} files, ${r.rows} rows (${r.inputs} inputs)`);
    });
}
