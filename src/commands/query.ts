// aicost query "SQL": read-only SQL over the data home's views.
import type { Command } from 'commander';
import { InputError } from '../errors.js';
import { output } from '../report/output.js';
import { globalOptions } from './global.js';

export function register(program: Command): void {
  program
    .command('query')
    .description('Run SQL over the views focus, usage, allocated, attributed, usage_attributed, commitments')
    .argument('<sql>', 'a SELECT statement')
    .option('--format <format>', 'table | csv | json', 'table')
    .addHelpText(
      'after',
      `
Examples:
  $ aicost query "SELECT SUM(BilledCost) FROM focus"
  $ aicost query "SELECT x_SourceId, x_Model, SUM(BilledCost) AS cost FROM focus GROUP BY ALL ORDER BY cost DESC"
  $ aicost query "SELECT tags->>'feature' AS feature, SUM(input + output) FROM usage GROUP BY 1" --format csv`,
    )
    .action(async (sql: string, opts, cmd: Command) => {
      const format = String(opts.format);
      if (!['table', 'csv', 'json'].includes(format))
        throw new InputError(`unknown --format "${format}" (table, csv, json)`);
      const { runQuery } = await import('../analysis/query.js');
      const { renderCsv, renderTable } = await import('../report/table.js');
      const { columns, rows } = await runQuery(globalOptions(cmd).data, sql);
      if (format === 'json') output.data(JSON.stringify(rows, null, 2));
      else if (format === 'csv')
        output.data(
          renderCsv(
            columns,
            rows.map((r) => columns.map((c) => cellText(r[c]))),
          ),
        );
      else
        output.data(
          renderTable(
            columns,
            rows.map((r) => columns.map((c) => cellText(r[c]) ?? 'NULL')),
          ),
        );
    });
}

function cellText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}
