// The writer lock (src/store/lock.ts): a stale lock is taken over by exactly one of two contenders, a lock is never
// seen half-written, and a dead owner is recognised by its start time even when its pid is alive (PID 1 in a
// container, a reused pid) or it ran elsewhere (heartbeat).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { acquireLock, LOCK_DIR, lockHooks, readHolder } from '../../src/store/lock.js';
import { type ProcessId, selfId } from '../../src/store/process-id.js';
import { scratchHomes } from '../helpers/home.js';

const home = scratchHomes(afterAll);
afterEach(() => {
  lockHooks.beforeTake = undefined;
});

/** A pid that has certainly exited: a child we waited for. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '0']);
  return r.pid as number;
}

function writeEpoch(
  h: string,
  n: number,
  owner: ProcessId,
  opts: { released?: boolean; ageMs?: number } = {},
) {
  mkdirSync(join(h, LOCK_DIR), { recursive: true });
  const path = join(h, LOCK_DIR, String(n));
  writeFileSync(
    path,
    JSON.stringify({ owner, since: '2026-01-01T00:00:00Z', ...(opts.released ? { released: 'x' } : {}) }),
  );
  if (opts.ageMs) {
    const t = new Date(Date.now() - opts.ageMs);
    utimesSync(path, t, t);
  }
}

function epochsOf(h: string): string[] {
  return readdirSync(join(h, LOCK_DIR)).sort();
}

describe('stale lock takeover', () => {
  it('two writers that both find a dead writer lock: exactly one takes it', () => {
    const h = home();
    writeEpoch(h, 7, { ...selfId(), pid: deadPid() });
    const outcomes: string[] = [];
    // A has seen epoch 7 dead; before A takes, B (who also saw 7 dead) runs to completion
    lockHooks.beforeTake = (seen) => {
      lockHooks.beforeTake = undefined;
      expect(seen).toBe(7);
      acquireLock(h);
      outcomes.push('B took it');
    };
    expect(() => acquireLock(h)).toThrow(InputError);
    outcomes.push('A refused');
    expect(outcomes).toEqual(['B took it', 'A refused']);
    expect(epochsOf(h)).toEqual(['8']);
    const holder = readHolder(h);
    expect(holder?.held).toBe(true);
    expect(holder?.owner?.pid).toBe(process.pid);
  });

  it('a contender delayed past the winner release takes the next epoch, not the winner one', () => {
    const h = home();
    writeEpoch(h, 3, { ...selfId(), pid: deadPid() });
    lockHooks.beforeTake = () => {
      lockHooks.beforeTake = undefined;
      const releaseB = acquireLock(h);
      releaseB();
    };
    const releaseA = acquireLock(h);
    expect(epochsOf(h)).toEqual(['5']);
    expect(readHolder(h)).toMatchObject({ epoch: 5, held: true, released: false });
    releaseA();
    expect(readHolder(h)).toMatchObject({ epoch: 5, held: false, released: true });
  });

  it('a live writer keeps the lock; a released lock is free', () => {
    const h = home();
    const release = acquireLock(h);
    expect(() => acquireLock(h)).toThrow(/locked by another writer \(pid \d+ on /);
    release();
    const again = acquireLock(h);
    expect(epochsOf(h)).toEqual(['2']);
    again();
  });
});

describe('dead owners', () => {
  it('a lock of aicost as PID 1 in a restarted container (same pid, other start time) is taken over', () => {
    const h = home();
    // PID 1 is alive on this machine, but it is not the process that wrote the lock
    writeEpoch(h, 1, { ...selfId(), pid: 1, start: '1' });
    const release = acquireLock(h);
    expect(epochsOf(h)).toEqual(['2']);
    release();
  });

  it('our own pid with another start time is a reused pid, not us', () => {
    const h = home();
    writeEpoch(h, 4, { ...selfId(), start: `${selfId().start}9` });
    acquireLock(h)();
    expect(epochsOf(h)).toEqual(['5']);
  });

  it('a lock from another host is held while its heartbeat is fresh and taken over when it stops', () => {
    const h = home();
    const foreign = { host: 'other-host', pid: 42, start: '1', boot: 'b', pidns: null };
    writeEpoch(h, 1, foreign);
    expect(() => acquireLock(h)).toThrow(/pid 42 on other-host/);
    writeEpoch(h, 1, foreign, { ageMs: 10 * 60_000 });
    acquireLock(h)();
    expect(epochsOf(h)).toEqual(['2']);
  });

  it('a writer killed before publishing leaves no lock (a temp file at most), and unreadable epochs are stale', () => {
    const h = home();
    mkdirSync(join(h, LOCK_DIR));
    writeFileSync(join(h, LOCK_DIR, '.tmp-abc'), '');
    writeFileSync(join(h, LOCK_DIR, '3'), '');
    acquireLock(h)();
    expect(epochsOf(h)).toEqual(['.tmp-abc', '4']);
  });

  it('an empty legacy .lock file (killed between create and write) no longer blocks', () => {
    const h = home();
    writeFileSync(join(h, '.lock'), '');
    acquireLock(h)();
    expect(readdirSync(h).sort()).toEqual([LOCK_DIR]);
  });

  it('a writer killed with SIGKILL while holding the lock is taken over by the next one', async () => {
    const h = home();
    const src = join(import.meta.dirname, '..', '..', 'src', 'store', 'lock.ts');
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `import(${JSON.stringify(src)}).then((m) => { m.acquireLock(${JSON.stringify(h)}); console.log('held'); setInterval(() => {}, 1000); })`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    expect(() => acquireLock(h)).toThrow(new RegExp(`pid ${child.pid} on`));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const release = acquireLock(h);
    expect(readHolder(h)?.owner?.pid).toBe(process.pid);
    release();
    expect(JSON.parse(readFileSync(join(h, LOCK_DIR, '2'), 'utf8')).released).toBeTruthy();
  });
});
