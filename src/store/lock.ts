// The writer lock: one writer per data home (docs/architecture.md#locking). Readers never take it.
//
// The lock is a folder `.lock.d/` of numbered epoch files. The highest epoch is the lock; it is held while its owner
// (host, pid, start time: process-id.ts) is alive and has not released it. Taking the lock means creating epoch M+1,
// where M is the highest epoch seen, with link(2): the file appears complete (owner already written) or not at all,
// and only one of several contenders can create a given number. So a stale lock is taken over atomically: two
// writers that both find epoch M dead both try M+1, exactly one succeeds, and the other then finds M+1 held.
// The highest epoch is never deleted (release rewrites it as released), so numbers never go back and a contender
// with an old view can never take a number someone else already holds.
import { randomBytes } from 'node:crypto';
import {
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { InputError } from '../errors.js';
import { fsyncDir, fsyncFile } from './fsync.js';
import { ownerAlive, type ProcessId, parseOwner, selfId, startHeartbeat } from './process-id.js';

export const LOCK_DIR = '.lock.d';

/** What an epoch file holds. */
interface Epoch {
  owner: ProcessId;
  since: string;
  released?: string;
}

/** Test seams: called between "found the lock free or stale" and "take it", to interleave contenders. */
export const lockHooks: { beforeTake?: (seenEpoch: number) => void } = {};

function epochs(dir: string): number[] {
  return readdirSync(dir)
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .sort((a, b) => a - b);
}

/** The highest epoch's owner and state; null when there is none. Unreadable content counts as stale. */
export function readHolder(
  home: string,
): { epoch: number; owner: ProcessId | null; since?: string; released: boolean; held: boolean } | null {
  const dir = join(home, LOCK_DIR);
  let list: number[];
  try {
    list = epochs(dir);
  } catch {
    return null;
  }
  const top = list.at(-1);
  if (top === undefined) return null;
  const path = join(dir, String(top));
  try {
    const e = JSON.parse(readFileSync(path, 'utf8')) as Epoch;
    const owner = parseOwner(e.owner);
    const held = !e.released && !!owner && ownerAlive(owner, statSync(path).mtimeMs);
    return { epoch: top, owner, since: e.since, released: !!e.released, held };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return readHolder(home);
    // written through link(2) after fsync, so garbage means a damaged disk, not a writer at work
    return { epoch: top, owner: null, released: false, held: false };
  }
}

/** A lock file left by aicost before 0.2 (`.lock`, a pid): honoured while that pid runs, removed once it is dead. */
function checkLegacyLock(home: string): void {
  const path = join(home, '.lock');
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch {
    return;
  }
  let pid: number | undefined;
  try {
    pid = (JSON.parse(raw) as { pid?: number }).pid;
  } catch {}
  if (pid && ownerAlive({ host: selfId().host, pid, start: null, boot: null, pidns: null }, 0))
    throw heldError(path, `pid ${pid}`);
  rmSync(path, { force: true });
}

function heldError(path: string, who: string, since?: string): InputError {
  return new InputError(
    `the data home is locked by another writer (${who}${since ? ` since ${since}` : ''})`,
    { file: path },
    'wait for the other aicost command to finish (a lock left by a crashed or killed aicost is taken over automatically)',
  );
}

function describeOwner(o: ProcessId | null): string {
  return o ? `pid ${o.pid} on ${o.host}` : 'unknown owner';
}

/** Takes the lock or throws an InputError (exit 2) naming the holder. Returns the release function. */
export function acquireLock(home: string): () => void {
  const dir = join(home, LOCK_DIR);
  mkdirSync(dir, { recursive: true });
  checkLegacyLock(home);
  const content = `${JSON.stringify({ owner: selfId(), since: new Date().toISOString() } satisfies Epoch)}\n`;
  for (let attempt = 0; attempt < 50; attempt++) {
    const holder = readHolder(home);
    if (holder?.held)
      throw heldError(join(dir, String(holder.epoch)), describeOwner(holder.owner), holder.since);
    const seen = holder?.epoch ?? 0;
    lockHooks.beforeTake?.(seen);
    const mine = seen + 1;
    const path = join(dir, String(mine));
    const tmp = join(dir, `.tmp-${randomBytes(6).toString('hex')}`);
    writeFileSync(tmp, content);
    fsyncFile(tmp);
    try {
      linkSync(tmp, path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      continue; // another contender took this number first: look again
    } finally {
      rmSync(tmp, { force: true });
    }
    // someone with a newer view already went further: ours is not the lock
    if ((epochs(dir).at(-1) ?? 0) > mine) {
      rmSync(path, { force: true });
      continue;
    }
    fsyncDir(dir);
    for (const n of epochs(dir)) if (n < mine) rmSync(join(dir, String(n)), { force: true });
    sweepTemps(dir);
    return holdLock(path, content);
  }
  throw new InputError('could not take the writer lock: too many writers competing', { file: dir });
}

/** Temp files of contenders killed between writing and linking (older than a minute, so not in use). */
function sweepTemps(dir: string): void {
  for (const n of readdirSync(dir))
    if (n.startsWith('.tmp-'))
      try {
        if (Date.now() - statSync(join(dir, n)).mtimeMs > 60_000) unlinkSync(join(dir, n));
      } catch {}
}

/** Keeps the heartbeat going while held; release rewrites the epoch as released (never deletes it). */
function holdLock(path: string, content: string): () => void {
  const stopBeat = startHeartbeat(path);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    stopBeat();
    try {
      // rewritten, not deleted: the highest epoch stays (see the header). If a writer elsewhere took over a lock it
      // thought stale, its epoch is higher and this rewrite of ours changes nothing.
      const e = JSON.parse(content) as Epoch;
      const tmp = join(dirname(path), `.tmp-${randomBytes(6).toString('hex')}`);
      writeFileSync(tmp, `${JSON.stringify({ ...e, released: new Date().toISOString() })}\n`);
      renameSync(tmp, path);
    } catch {
      // the next writer takes over a dead owner's lock anyway
    }
  };
}
