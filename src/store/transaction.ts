// Atomic writes per command (docs/architecture.md#the-data-home): stage files, validate and reconcile, fsync, rename
// into place, then swap the manifest with one rename. A failure at any point leaves the previous state intact.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { acquireLock } from './lock.js';
import { type Manifest, manifestPath, readManifest, type StoredFile } from './manifest.js';

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export class Transaction {
  /** The manifest as it will be committed; edit through the methods below. */
  readonly next: Manifest;
  private readonly staged: { staged: string; target: string }[] = [];
  private readonly removed = new Set<string>();
  private done = false;

  private constructor(
    readonly home: string,
    readonly stagingDir: string,
    private readonly release: () => void,
    readonly previous: Manifest,
  ) {
    this.next = structuredClone(previous);
  }

  /** Opens the data home for writing: creates it if needed, takes the lock, reads the manifest. */
  static begin(home: string): Transaction {
    mkdirSync(home, { recursive: true });
    const release = acquireLock(home);
    try {
      const previous = readManifest(home);
      const stagingDir = join(home, '.staging', randomBytes(6).toString('hex'));
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
    this.staged.push({ staged: stagedPath, target: file.path });
    this.next.files = this.next.files.filter((f) => f.path !== file.path);
    this.next.files.push(file);
  }

  /** Drops a stored file from the manifest; the file itself is deleted after the manifest swap. */
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

  /** fsync, rename staged files into place, swap the manifest, then delete what it no longer lists. */
  commit(): void {
    if (this.done) return;
    try {
      if (this.changed) {
        for (const s of this.staged) fsyncPath(s.staged);
        for (const s of this.staged) {
          const target = join(this.home, s.target);
          mkdirSync(dirname(target), { recursive: true });
          renameSync(s.staged, target);
        }
        const tmp = join(this.stagingDir, 'manifest.json.tmp');
        writeFileSync(tmp, `${JSON.stringify(this.next, null, 1)}\n`);
        fsyncPath(tmp);
        renameSync(tmp, manifestPath(this.home));
        const kept = new Set(this.next.files.map((f) => f.path));
        for (const r of this.removed) if (!kept.has(r)) rmSync(join(this.home, r), { force: true });
      }
    } finally {
      this.finish();
    }
  }

  /** Discards everything staged; the data home is unchanged. */
  abort(): void {
    if (!this.done) this.finish();
  }

  private finish(): void {
    this.done = true;
    rmSync(this.stagingDir, { recursive: true, force: true });
    this.release();
  }
}
