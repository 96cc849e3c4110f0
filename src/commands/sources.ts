// aicost sources: the registry as a table (the README's sources table is generated from the same data).
import type { Command } from 'commander';
import { output } from '../report/output.js';
import { renderTable } from '../report/table.js';
import { SOURCES } from '../sources/index.js';

export function sourcesTable(): { id: string; family: string; dataset: string; formats: string; detects: string }[] {
  return SOURCES.map((s) => ({ id: s.id, family: s.family, dataset: s.dataset, formats: s.formats.join(', '), detects: s.detects }));
}

export function register(program: Command): void {
  program
    .command('sources')
    .description('List the input formats aicost detects, and what each detects')
    .option('--json', 'as JSON')
    .addHelpText('after', '\nExample:\n  $ aicost sources\n  $ aicost ingest file.csv --source litellm   force one')
    .action((opts) => {
      const rows = sourcesTable();
      if (opts.json) output.data(JSON.stringify(rows, null, 2));
      else output.data(renderTable(['id', 'family', 'dataset', 'formats', 'detects'], rows.map((r) => [r.id, r.family, r.dataset, r.formats, r.detects])));
    });
}
