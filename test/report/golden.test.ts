// Golden files of the report renderers (table, markdown, CSV), from a report model checked in as a fixture.
// `UPDATE_GOLDEN=1 npx vitest run test/report/golden.test.ts` rewrites them; review the diff before committing.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ReportSchema } from '../../src/report/model.js';
import { renderMarkdown } from '../../src/report/report-markdown.js';
import { renderReportCsv, renderReportTable } from '../../src/report/report-text.js';
import { fixture } from '../helpers/home.js';

const report = ReportSchema.parse(JSON.parse(readFileSync(fixture('report/focus-july.report.json'), 'utf8')));
const GOLDEN = join(import.meta.dirname, 'golden');

function golden(name: string, text: string): void {
  const path = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN || !existsSync(path)) writeFileSync(path, text);
  expect(text).toBe(readFileSync(path, 'utf8'));
}

it('renders the markdown summary', () => golden('report.md', renderMarkdown(report)));
it('renders the terminal table (no colour, no TTY)', () => golden('report.txt', renderReportTable(report)));
it('renders the CSV', () => golden('report.csv', renderReportCsv(report)));
