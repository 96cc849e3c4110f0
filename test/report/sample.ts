// The hand-made report model the renderer tests use (fixtures/report/ORIGIN.md).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Report, ReportSchema } from '../../src/report/model.js';

export const SAMPLE_PATH = join(import.meta.dirname, '..', '..', 'fixtures', 'report', 'sample-report.json');

/** The sample as stored, not yet checked against the schema. */
export const rawSample = (): unknown => JSON.parse(readFileSync(SAMPLE_PATH, 'utf8'));

export const loadSample = (): Report => ReportSchema.parse(rawSample());
