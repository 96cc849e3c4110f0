// Test helpers: throwaway data homes and queries through the same library functions the CLI calls.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runQuery } from '../../src/analysis/query.js';
import { type IngestOptions, ingest } from '../../src/ingest/ingest.js';

export const FIX = join(import.meta.dirname, '..', '..', 'fixtures');
export const fixture = (...p: string[]) => join(FIX, ...p);

export function tmpHome(): { home: string; cleanup: () => void } {
  const home = mkdtempSync(join(tmpdir(), 'aicost-test-'));
  return { home, cleanup: () => rmSync(home, { recursive: true, force: true }) };
}

export function ingestInto(home: string, paths: string[], opts: Partial<IngestOptions> = {}) {
  return ingest({ home, paths, ...opts });
}

export async function q<T = Record<string, unknown>>(home: string, sql: string): Promise<T[]> {
  return (await runQuery(home, sql)).rows as T[];
}

export async function one<T = Record<string, unknown>>(home: string, sql: string): Promise<T> {
  const rows = await q<T>(home, sql);
  return rows[0] as T;
}

/** A `home()` that makes a fresh data home per call, all removed after the test file (register in the file scope). */
export function scratchHomes(afterAll: (fn: () => void) => void): () => string {
  const cleanups: (() => void)[] = [];
  afterAll(() => {
    for (const c of cleanups) c();
  });
  return () => {
    const h = tmpHome();
    cleanups.push(h.cleanup);
    return h.home;
  };
}
