// Atomic writes per command (docs/architecture.md#the-data-home): stage files, validate and reconcile, fsync, rename
// into place, then swap the manifest with one rename. A failure at any point leaves the previous state intact.
// Files a commit drops are retired, not deleted: readers that still use the previous manifest can open them until
// a later writer finds no such reader left (store/readers.ts). Each writer first removes what crashed writers left.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { maybeFault } from './faults.js';
import { fsyncDir, fsyncFile } from './fsync.js';
import { assertFilesIntact } from './integrity.js';
import { deletableRetired, pruneEmptyDirs, removeLeftovers, STAGING_DIR } from './leftovers.js';
import { acquireLock } from './lock.js';
import { type Manifest, manifestPath, readManifest, type StoredFile } from './manifest.js';

export interface BeginOptions {
  /**
   * Refuse to start when a listed file is missing or truncated (default true): a writer building on it would fail
   * deep inside DuckDB. Off for the repairs (`forget`, `doctor --fix`), which must work on such a home.
   */
  checkFiles?: boolean;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export class Transaction {
  /** The manifest as it will be committed; edit through the methods below. */
  readonly next: Manifest;
  private readonly staged: { staged: string; target: string }[] = [];
  private readonly removed = new Set<string>();
  private done = false;
  private readonly onSignal: (signal: NodeJS.Signals) => void;

  private constructor(
    readonly home: string,
    readonly stagingDir: string,
    private readonly release: () => void,
    readonly previous: Manifest,
  ) {
    this.next = structuredClone(previous);
    // Ctrl-C or a service manager's TERM: drop staging and the lock, then die of the same signal as before
    this.onSignal = (signal) => {
      this.abort();
      process.kill(process.pid, signal);
    };
    for (const s of SIGNALS) process.once(s, this.onSignal);
  }

  /** Opens the data home for writing: creates it if needed, takes the lock, reads the manifest, removes leftovers. */
  static begin(home: string, opts: BeginOptions = {}): Transaction {
    mkdirSync(home, { recursive: true });
    const release = acquireLock(home);
    try {
      const previous = readManifest(home);
      if (opts.checkFiles !== false) assertFilesIntact(home, previous);
      const stagingDir = join(home, STAGING_DIR, randomBytes(6).toString('hex'));
      removeLeftovers(home, previous);
      mkdirSync(stagingDir, { recursive: true });
      return new Transaction(home, stagingDir, release, previous);
    } catch (e) {
      release();
      throw e;
    }
  }

  /** A fresh path inside the staging area for a file about to be written. */
  stagePath(name: string): string {
    const p = join(this.stagingDir, name);
    mkdirSync(dirname(p), { recursive: true });
    return p;
  }

  /** Registers a staged file to become `file.path` on commit. */
  addFile(stagedPath: string, file: StoredFile): void {
    maybeFault('stage', stagedPath);
    this.staged.push({ staged: stagedPath, target: file.path });
    this.next.files = this.next.files.filter((f) => f.path !== file.path);
    this.next.files.push(file);
  }

  /** Drops a stored file from the manifest; the file itself is retired (deleted once no reader can use it). */
  removeFile(path: string): void {
    this.next.files = this.next.files.filter((f) => f.path !== path);
    this.removed.add(path);
  }

  get changed(): boolean {
    return (
      this.staged.length > 0 ||
      this.removed.size > 0 ||
      JSON.stringify(this.next) !== JSON.stringify(this.previous)
    );
  }

  /**
   * fsync, rename staged files into place, swap the manifest (the commit point), fsync the folders; then delete
   * the retired files no reader can still use. A failure before the swap undoes the renames.
   */
  commit(): void {
    if (this.done) return;
    try {
      if (this.changed) this.swap();
    } finally {
      this.finish();
    }
  }

  private swap(): void {
    const listedBefore = new Set([
      ...this.previous.files.map((f) => f.path),
      ...this.previous.retired.map((r) => r.path),
    ]);
    const placed: string[] = [];
    try {
      for (const s of this.staged) fsyncFile(s.staged);
      const dirs = new Set<string>();
      for (const s of this.staged) {
        const target = join(this.home, s.target);
        mkdirSync(dirname(target), { recursive: true });
        maybeFault('rename', target);
        renameSync(s.staged, target);
        if (!listedBefore.has(s.target)) placed.push(s.target);
        dirs.add(dirname(target));
      }
      for (const d of dirs) fsyncDir(d);
      const generation = this.previous.generation + 1;
      const kept = new Set(this.next.files.map((f) => f.path));
      this.next.generation = generation;
      this.next.retired = [
        ...this.previous.retired.filter((r) => !kept.has(r.path) && existsSync(join(this.home, r.path))),
        ...[...this.removed].filter((r) => !kept.has(r)).map((path) => ({ path, generation })),
      ];
      const tmp = join(this.stagingDir, 'manifest.json.tmp');
      maybeFault('manifest', tmp);
      writeFileSync(tmp, `${JSON.stringify(this.next, null, 1)}\n`);
      fsyncFile(tmp);
      renameSync(tmp, manifestPath(this.home));
    } catch (e) {
      // not committed: the files renamed in are listed nowhere, so they go (the next writer would remove them too)
      for (const p of placed) rmSync(join(this.home, p), { force: true });
      pruneEmptyDirs(this.home, placed);
      throw e;
    }
    fsyncDir(this.home);
    // committed: what no reader can still use goes now; the rest waits for a later writer
    try {
      const gone = deletableRetired(this.home, this.next);
      for (const p of gone) rmSync(join(this.home, p), { force: true });
      pruneEmptyDirs(this.home, gone);
    } catch {
      // best effort: the next writer retries
    }
  }

  /** Discards everything staged; the data home is unchanged. */
  abort(): void {
    if (!this.done) this.finish();
  }

  private finish(): void {
    this.done = true;
    for (const s of SIGNALS) process.off(s, this.onSignal);
    try {
      rmSync(this.stagingDir, { recursive: true, force: true });
      try {
        rmdirSync(dirname(this.stagingDir)); // .staging itself, when no other transaction left anything
      } catch {}
    } finally {
      this.release();
    }
  }
}
