// aicost sources: the registry as a table (the README's sources table is generated from the same data).
import type { Command } from 'commander';
import { output } from '../report/output.js';

export async function sourcesTable(): Promise<
  { id: string; family: string; dataset: string; formats: string; detects: string }[]
> {
  const { SOURCES } = await import('../sources/index.js');
  return SOURCES.map((s) => ({
    id: s.id,
    family: s.family,
    dataset: s.dataset,
    formats: s.formats.join(', '),
    detects: s.detects,
  }));
}

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
      const { renderTable } = await import('../report/table.js');
      const rows = await sourcesTable();
      if (opts.json) output.data(JSON.stringify(rows, null, 2));
      else
        output.data(
          renderTable(
            ['id', 'family', 'dataset', 'formats', 'detects'],
            rows.map((r) => [r.id, r.family, r.dataset, r.formats, r.detects]),
          ),
        );
    });
}
