// aicost sources: the registry as a table (the README's sources table is generated from the same rows).
import type { Command } from 'commander';
import { output } from '../report/output.js';

export function register(program: Command): void {
  program
    .command('sources')
    .description('List the input formats aicost detects, and what each detects')
    .option('--json', 'as JSON')
    .addHelpText(
      'after',
      '\nExample:\n  $ aicost sources\n  $ aicost ingest file.csv --source litellm   force one',
    )
    .action(async (opts) => {
      const { listSources, renderSourcesTable } = await import('../report/sources.js');
      const rows = await listSources();
      output.data(opts.json ? JSON.stringify(rows, null, 2) : renderSourcesTable(rows));
    });
}
