// The fixture folders' expected.json files (fixtures/README.md): what ingesting each data file must store, computed
// from the raw vendor files by scripts/fixture-expected.py. Read by test/sources/expected.test.ts and
// test/sources/registry.test.ts.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIX } from './home.js';

/** One entry of an expected.json (`files` or `deliveries`). */
export interface ExpectedEntry {
  source: string;
  dataset: 'focus' | 'usage';
  rows: number;
  /** records the source skips (agent and tool spans, non-model observations) */
  skipped?: number;
  /** exact SUM(x)::VARCHAR per money column; null when no row has a value */
  totals: Record<string, string | null>;
  /** usage rows: tokens per class */
  tokens?: Record<string, number>;
  /** deliveries only: the manifest that makes the folder one input */
  manifest?: string;
}

export interface ExpectedFile {
  about: string;
  files: Record<string, ExpectedEntry>;
  deliveries?: Record<string, ExpectedEntry>;
}

/** Every fixture folder with an expected.json, and its contents. */
export function expectedFolders(): { folder: string; expected: ExpectedFile }[] {
  return readdirSync(FIX)
    .filter((d) => existsSync(join(FIX, d, 'expected.json')))
    .sort()
    .map((folder) => ({
      folder,
      expected: JSON.parse(readFileSync(join(FIX, folder, 'expected.json'), 'utf8')) as ExpectedFile,
    }));
}
