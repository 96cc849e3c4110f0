// aicost doctor: the manifest against the files on disk (docs/architecture.md#repair). Reports listed files that are
// missing, truncated or hold another row count than recorded, and what crashes left (staging, unlisted Parquet,
// retired files, a stale lock). `fix` drops the broken files with everything from the same input (so that input
// can simply be ingested again) and what was built on them, records the repair in the manifest, and removes the
// leftovers.
import { join, resolve } from 'node:path';
import { type Db, lit, withDb } from '../store/duckdb.js';
import { type BrokenFile, brokenFiles } from '../store/integrity.js';
import { deletableRetired, retiredOnDisk, stagingLeftovers, unlistedParquet } from '../store/leftovers.js';
import { readHolder } from '../store/lock.js';
import type { Manifest, StoredFile } from '../store/manifest.js';
import { openSnapshot } from '../store/readers.js';
import { Transaction } from '../store/transaction.js';
import { removeStoredFiles } from './remove-files.js';

export interface DoctorProblem {
  path: string;
  problem: string;
  dataset: string;
  rows: number;
  /** The input the rows came from (an allocation run id for allocated files). */
  input: string;
}

export interface DoctorReport {
  schema: 'aicost.doctor';
  version: 1;
  home: string;
  generation: number;
  files: number;
  inputs: number;
  broken: DoctorProblem[];
  leftovers: { staging: number; unlisted: string[]; retiredWaiting: number; retiredDeletable: number };
  lock: { state: 'free' | 'held' | 'stale'; owner: string | null };
  /** With --fix: what was dropped and removed. */
  fixed?: {
    files: DoctorProblem[];
    inputs: { path: string; sha256: string }[];
    rows: number;
    staging: number;
    unlisted: number;
    retired: number;
  };
}

/** Files whose footer row count differs from the manifest's (checked only on files that look intact). */
async function rowMismatches(db: Db, home: string, files: StoredFile[]): Promise<BrokenFile[]> {
  const out: BrokenFile[] = [];
  for (const file of files) {
    try {
      const r = await db.one<{ n: string }>(
        `SELECT COALESCE(SUM(num_rows), 0)::VARCHAR AS n FROM parquet_file_metadata(${lit(join(home, file.path))})`,
      );
      const n = Number(r?.n ?? 0);
      if (n !== file.rows) out.push({ file, problem: `holds ${n} rows, the manifest lists ${file.rows}` });
    } catch (e) {
      out.push({ file, problem: `unreadable Parquet (${(e as Error).message.split('\n')[0]})` });
    }
  }
  return out;
}

async function findBroken(home: string, manifest: Manifest): Promise<BrokenFile[]> {
  const shallow = brokenFiles(home, manifest.files);
  const bad = new Set(shallow.map((b) => b.file.path));
  const deep = await withDb({}, (db) =>
    rowMismatches(
      db,
      home,
      manifest.files.filter((f) => !bad.has(f.path)),
    ),
  );
  return [...shallow, ...deep];
}

function describe(manifest: Manifest, b: BrokenFile): DoctorProblem {
  const input = manifest.inputs.find((i) => i.sha256 === b.file.inputSha256);
  return {
    path: b.file.path,
    problem: b.problem,
    dataset: b.file.dataset,
    rows: b.file.rows,
    input: input?.path ?? b.file.inputSha256,
  };
}

/** Checks the data home; with `fix`, repairs it (a writer: takes the lock). */
export async function doctor(opts: { home: string; fix?: boolean }): Promise<DoctorReport> {
  const home = resolve(opts.home);
  const holder = readHolder(home);
  const lock: DoctorReport['lock'] = {
    state: !holder || holder.released ? 'free' : holder.held ? 'held' : 'stale',
    owner: holder?.owner && !holder.released ? `pid ${holder.owner.pid} on ${holder.owner.host}` : null,
  };
  // a reader lease, so a writer running meanwhile does not delete files from under the checks
  const { manifest, release } = openSnapshot(home);
  let broken: DoctorProblem[];
  try {
    broken = (await findBroken(home, manifest)).map((b) => describe(manifest, b));
  } finally {
    release();
  }
  const deletable = deletableRetired(home, manifest).length;
  const report: DoctorReport = {
    schema: 'aicost.doctor',
    version: 1,
    home,
    generation: manifest.generation,
    files: manifest.files.length,
    inputs: manifest.inputs.length,
    broken,
    leftovers: {
      staging: lock.state === 'held' ? 0 : stagingLeftovers(home).length,
      unlisted: lock.state === 'held' ? [] : unlistedParquet(home, manifest),
      retiredWaiting: retiredOnDisk(home, manifest).length - deletable,
      retiredDeletable: deletable,
    },
    lock,
  };
  if (opts.fix) report.fixed = await repair(home, report.leftovers);
  return report;
}

/** Drops every broken file with the rest of its input, and the input record, in one transaction. */
async function repair(
  home: string,
  seen: DoctorReport['leftovers'],
): Promise<NonNullable<DoctorReport['fixed']>> {
  // begin removes the leftovers (staging, unlisted Parquet, retired files no reader uses)
  const tx = Transaction.begin(home, { checkFiles: false });
  try {
    const broken = await findBroken(home, tx.next);
    const sources = new Set(broken.map((b) => b.file.inputSha256));
    const gone = tx.next.files.filter((f) => sources.has(f.inputSha256));
    const problems = new Map(broken.map((b) => [b.file.path, b.problem]));
    const dropped = gone.map((f) =>
      describe(tx.next, { file: f, problem: problems.get(f.path) ?? 'same input as a broken file' }),
    );
    const inputs = tx.next.inputs
      .filter((i) => sources.has(i.sha256))
      .map((i) => ({ path: i.path, sha256: i.sha256 }));
    if (gone.length > 0) {
      await removeStoredFiles(tx, new Set(gone.map((f) => f.path)));
      tx.next.inputs = tx.next.inputs.filter((i) => !sources.has(i.sha256));
      tx.next.repairs.push({
        at: new Date().toISOString(),
        files: gone.map((f) => ({
          path: f.path,
          problem: problems.get(f.path) ?? 'same input as a broken file',
          dataset: f.dataset,
          rows: f.rows,
          totals: f.totals,
          inputSha256: f.inputSha256,
        })),
        inputs,
      });
    }
    tx.commit();
    return {
      files: dropped,
      inputs,
      rows: gone.reduce((s, f) => s + f.rows, 0),
      staging: seen.staging,
      unlisted: seen.unlisted.length,
      retired: seen.retiredDeletable,
    };
  } catch (e) {
    tx.abort();
    throw e;
  }
}
