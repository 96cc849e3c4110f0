// aicost sources: the registry as a table (the README's sources table is generated from the same rows).
import type { Command } from 'commander';
import { output } from '../report/output.js';
import { formatFlag, jsonFlag, outputFormat } from './global.js';

export function register(program: Command): void {
  program
    .command('sources')
    .description('List the input formats aicost detects, and what each detects')
    .addOption(formatFlag(['table', 'json']))
    .addOption(jsonFlag())
    .addHelpText(
      'after',
      '\nExample:\n  $ aicost sources\n  $ aicost ingest file.csv --source litellm   force one',
    )
    .action(async (_opts, cmd: Command) => {
      const { listSources, renderSourcesTable } = await import('../report/sources.js');
      const rows = await listSources();
      output.data(outputFormat(cmd) === 'json' ? JSON.stringify(rows, null, 2) : renderSourcesTable(rows));
    });
}
