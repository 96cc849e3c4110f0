// aicost report: one versioned report model (docs/report.md) rendered as a table, markdown (CI job summary or PR
// comment), JSON (the CI artifact, re-renderable with --from-json), CSV or self-contained HTML; --fail-on turns
// budget, anomaly and validation findings into exit 1, with the report still written.
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ExitCode, InputError } from '../errors.js';
import { output } from '../report/output.js';
import { FAIL_RULES, parseFailOn } from './fail-on.js';
import { globalOptions } from './global.js';

const FORMATS = ['table', 'markdown', 'json', 'csv', 'html'] as const;

async function render(
  format: (typeof FORMATS)[number],
  report: import('../report/model.js').Report,
): Promise<string> {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  if (format === 'markdown') return (await import('../report/report-markdown.js')).renderMarkdown(report);
  if (format === 'csv') return (await import('../report/report-text.js')).renderReportCsv(report);
  if (format === 'html') return (await import('../report/html.js')).renderHtml(report);
  return (await import('../report/report-text.js')).renderReportTable(report);
}

function fromJson(path: string) {
  return import('../report/model.js').then(({ ReportSchema, REPORT_SCHEMA }) => {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new InputError(`not a readable report JSON (${(e as Error).message.split('\n')[0]})`, {
        file: path,
      });
    }
    const parsed = ReportSchema.safeParse(raw);
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      throw new InputError(`not an ${REPORT_SCHEMA} report: ${i?.path.join('.')}: ${i?.message}`, {
        file: path,
      });
    }
    return parsed.data;
  });
}

export function register(program: Command): void {
  program
    .command('report')
    .description(
      'Report AI spend: totals, breakdowns, movers, unit economics, forecast, budgets, anomalies, coverage',
    )
    .option('--period <period>', 'YYYY-MM or YYYY-MM-DD..YYYY-MM-DD (default: the month of the latest data)')
    .option(
      '--compare <what>',
      'previous (the period before) | none | FILE (an earlier report JSON)',
      'previous',
    )
    .option('--by <key>', 'key of the main breakdown and the movers: a tag key, model or provider', 'feature')
    .option('--format <format>', FORMATS.join(' | '), 'table')
    .option('--out <file>', 'write the report to FILE instead of standard output')
    .option(
      '--from-json <file>',
      're-render a report JSON of an earlier run instead of reading the data home',
    )
    .option(
      '--fail-on <rules>',
      `exit 1 when a rule trips: ${FAIL_RULES.join(',')} (the report is still written)`,
    )
    .addHelpText(
      'after',
      `
Examples:
  $ aicost report
  $ aicost report --format markdown --fail-on budget,anomaly >> "$GITHUB_STEP_SUMMARY"
  $ aicost report --format json --out report.json && aicost report --from-json report.json --format html --out report.html
  $ aicost report --period 2025-08 --compare last-month.json --by team

examples/github-actions.yml runs it in CI: job summary, PR comment, JSON artifact.`,
    )
    .action(async (opts, cmd: Command) => {
      const format = String(opts.format) as (typeof FORMATS)[number];
      if (!FORMATS.includes(format))
        throw new InputError(`unknown --format "${format}" (${FORMATS.join(', ')})`);
      const failOn = parseFailOn(opts.failOn, FAIL_RULES);
      const g = globalOptions(cmd);
      let report: import('../report/model.js').Report;
      if (opts.fromJson) report = await fromJson(String(opts.fromJson));
      else {
        const { loadConfig } = await import('../config.js');
        const config = loadConfig(g.config);
        const { buildReport } = await import('../analysis/report/build.js');
        try {
          report = await buildReport(g.data, {
            period: opts.period,
            compare: opts.compare,
            by: opts.by,
            budgets: config.budgets,
          });
        } catch (e) {
          // nothing to report on is a failed gate under --fail-on, an input error otherwise
          if (e instanceof InputError && failOn.size > 0 && /no cost or usage data/.test(e.message)) {
            output.error(`${e.message} (--fail-on: failing the check)`);
            process.exitCode = ExitCode.checkFailed;
            return;
          }
          throw e;
        }
      }
      const text = await render(format, report);
      if (opts.out) writeFileSync(String(opts.out), text);
      else output.data(text);
      const tripped = [...failOn].filter((rule) => report.checks[rule] === 'fail');
      if (tripped.length) {
        output.note(`--fail-on: ${tripped.join(', ')} tripped`);
        process.exitCode = ExitCode.checkFailed;
      }
    });
}
