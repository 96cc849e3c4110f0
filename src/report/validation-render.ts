// Pure renderers of a ValidationReport: the findings table with totals (text) and the versioned JSON model.
// The validator (focus/validate.ts) returns the report as data; only this module turns it into text.
import type { RuleResult, SampleRow, ValidationReport } from '../focus/validate.js';
import { count } from './format.js';
import { renderTable } from './table.js';

/** The report as JSON (schema `aicost.validate/1`), every rule included. */
export function renderValidationJson(report: ValidationReport): string {
  return JSON.stringify(report, null, 2);
}

/** The findings table (fail, then warning; at most `limit` rows), skip summary, totals and the verdict. */
export function renderValidationText(report: ValidationReport, limit = 50): string {
  const findings = report.results
    .filter((r) => r.status === 'fail' || r.status === 'warning')
    .sort((a, b) => rank(a) - rank(b) || a.id.localeCompare(b.id));
  const lines: string[] = [];
  if (findings.length) {
    const rows = findings
      .slice(0, limit)
      .map((r) => [
        r.id,
        r.column,
        r.status,
        r.scope === 'dataset' ? '-' : count(r.violations),
        r.scope === 'dataset' ? '-' : count(r.derived),
        r.scope === 'dataset' ? '-' : count(r.carried),
        describeFinding(r),
      ]);
    lines.push(
      renderTable(['rule', 'column', 'status', 'rows', 'derived', 'carried-over', 'samples / detail'], rows, {
        title: header(report),
      }),
    );
    if (findings.length > limit)
      lines.push(`... and ${findings.length - limit} more findings (--limit, or --format json)`);
  } else {
    lines.push(header(report), 'No findings.');
  }
  lines.push(skipSummary(report.results), totalsLine(report), verdict(report));
  return lines.join('\n');
}

function rank(r: RuleResult): number {
  if (r.status === 'fail' && (r.derived > 0 || r.scope === 'dataset')) return 0;
  return r.status === 'fail' ? 1 : 2;
}

function header(report: ValidationReport): string {
  const who = report.costSource
    ? 'rows with x_CostSource = focus are carried-over input (source-data findings)'
    : 'every row is subject data';
  const files = report.files
    ? ` (${count(report.files.length)} files${report.skippedFiles?.length ? `; ${count(report.skippedFiles.length)} skipped: ${report.skippedFiles.map((f) => `${f.path} (${f.reason})`).join(', ')}` : ''})`
    : '';
  return `FOCUS ${report.focusVersion} validation of ${report.relation}${files}: ${count(report.rows)} rows; ${who}`;
}

function describeFinding(r: RuleResult): string {
  const parts: string[] = [];
  if (r.scope === 'dataset') parts.push(r.reason ?? '');
  else parts.push(r.samples.map(sampleLabel).join('; '));
  if (r.scope === 'rows' && r.derived === 0 && r.carried > 0)
    parts.push('(carried-over: source data, not repaired)');
  if (r.overridden) parts.push('[overridden]');
  return parts.filter(Boolean).join(' ');
}

function sampleLabel(s: SampleRow): string {
  const where =
    s.x_RowId ?? (s.record !== undefined ? `${s.file ? `${s.file}:` : 'record '}${s.record}` : '');
  const file = s.x_SourceFile ? ` ${s.x_SourceFile}${s.x_SourceRecord ? `:${s.x_SourceRecord}` : ''}` : '';
  return `${where}${file}`.trim() || JSON.stringify(s.values ?? {});
}

function skipSummary(results: RuleResult[]): string {
  const groups = new Map<string, number>();
  for (const r of results) {
    if (r.status !== 'skipped') continue;
    const reason = r.reason ?? '';
    const key = reason.startsWith('dynamic')
      ? 'dynamic'
      : /not present|absent/.test(reason)
        ? 'column not present'
        : reason.startsWith('not applicable')
          ? 'not applicable'
          : 'not compiled';
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  const total = [...groups.values()].reduce((s, n) => s + n, 0);
  if (!total) return 'Skipped: none';
  return `Skipped: ${total} (${[...groups].map(([k, n]) => `${n} ${k}`).join(', ')})`;
}

function totalsLine(report: ValidationReport): string {
  const t = report.totals;
  return (
    `Totals: ${t.rules} rules: ${t.pass} pass, ${t.fail} fail, ${t.warning} warning, ${t.skipped} skipped; ` +
    `violating rows: ${count(t.derivedViolations)} derived, ${count(t.carriedViolations)} carried-over`
  );
}

function verdict(report: ValidationReport): string {
  const carriedOnly = report.totals.fail > 0 || report.totals.warning > 0;
  if (report.exitCode === 1) {
    return report.strict &&
      !report.results.some((r) => r.status === 'fail' && (r.derived > 0 || r.scope === 'dataset'))
      ? 'Result: FAIL (--strict: every finding counts)'
      : 'Result: FAIL (a MUST rule is broken by derived or subject data)';
  }
  return carriedOnly
    ? 'Result: OK (findings are carried-over source data or SHOULD-level only)'
    : 'Result: OK';
}
