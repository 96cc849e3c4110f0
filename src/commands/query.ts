// aicost query "SQL": read-only SQL over the data home's views. CSV and JSON stream (DuckDB writes them while the
// query runs, memory stays flat at millions of rows); the table shows the first --max-rows rows and says how many
// there are.
import type { Command } from 'commander';
import { InputError } from '../errors.js';
import { output } from '../report/output.js';
import { formatFlag, globalOptions, jsonFlag, outputFormat } from './global.js';

const MAX_ROWS = 1000;

export function register(program: Command): void {
  program
    .command('query')
    .description(
      'Run SQL over the views focus, usage, allocated, attributed, usage_attributed, commitments, telemetry',
    )
    .argument('<sql>', 'a SELECT statement')
    .addOption(formatFlag(['table', 'csv', 'json']))
    .addOption(jsonFlag())
    .option('--max-rows <n>', `rows a table shows (0: all); csv and json have every row`, String(MAX_ROWS))
    .addHelpText(
      'after',
      `
Examples:
  $ aicost query "SELECT SUM(BilledCost) FROM focus"
  $ aicost query "SELECT x_SourceId, x_Model, SUM(BilledCost) AS cost FROM focus GROUP BY ALL ORDER BY cost DESC"
  $ aicost query "SELECT tags->>'feature' AS feature, SUM(input + output) FROM usage GROUP BY 1" --format csv
  $ aicost query "SELECT * FROM usage" --format csv > usage.csv      streamed: any number of rows

CSV cells that a spreadsheet would run as a formula (=, +, -, @ first) get a leading '. JSON is an array of
objects; BIGINT and DECIMAL values are strings (exact), times ISO 8601 UTC.`,
    )
    .action(async (sql: string, opts, command: Command) => {
      const format = outputFormat(command);
      const maxRows = Number(opts.maxRows);
      if (!Number.isInteger(maxRows) || maxRows < 0)
        throw new InputError(`--max-rows must be a whole number (0: all), got "${opts.maxRows}"`);
      const home = globalOptions(command).data;
      const { exportQuery, previewQuery } = await import('../analysis/query-stream.js');
      if (format === 'table') {
        const { renderTable } = await import('../report/table.js');
        const { count, trimDecimal } = await import('../report/format.js');
        const p = await previewQuery(home, sql, maxRows);
        // DECIMAL(38,18) pads 18 digits: the table drops trailing zeros (exact still, just shorter)
        const decimal = p.types.map((t) => t.startsWith('DECIMAL'));
        const title = `Query result: ${count(p.total)} row${p.total === 1 ? '' : 's'}`;
        output.data(
          renderTable(
            p.columns,
            p.rows.map((r) =>
              r.map((v, i) =>
                decimal[i] && typeof v === 'string' ? trimDecimal(v) : (cellText(v) ?? 'NULL'),
              ),
            ),
            { title },
          ),
        );
        if (p.rows.length < p.total)
          output.note(`showing ${count(p.rows.length)} of ${count(p.total)} rows; use --format csv for all`);
        return;
      }
      if (await exportQuery(home, sql, format, (s) => output.stream(s))) return;
      // SHOW, PRAGMA, several statements, or a query that does not bind: run it whole (small results; real errors)
      const { runQuery } = await import('../analysis/query.js');
      const { columns, rows } = await runQuery(home, sql);
      if (format === 'json') output.data(JSON.stringify(rows, null, 2));
      else {
        const { renderCsv } = await import('../report/table.js');
        output.data(
          renderCsv(
            columns,
            rows.map((r) => columns.map((c) => cellText(r[c]))),
          ),
        );
      }
    });
}

function cellText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}
