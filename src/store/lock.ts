// The writer lock: one writer per data home. Readers never lock (they read the manifest's committed files).
import { closeSync, existsSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock or throws an InputError (exit 2) naming the holder. A lock left by a dead process is taken over. */
export function acquireLock(home: string): () => void {
  const path = join(home, '.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, JSON.stringify({ pid: process.pid, since: new Date().toISOString() }));
      closeSync(fd);
      return () => {
        if (existsSync(path)) unlinkSync(path);
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let holder: { pid?: number; since?: string } = {};
      try {
        holder = JSON.parse(readFileSync(path, 'utf8'));
      } catch {
        // unreadable lock content: treat as held by an unknown writer
      }
      if (holder.pid && holder.pid !== process.pid && !alive(holder.pid)) {
        unlinkSync(path);
        continue;
      }
      throw new InputError(
        `the data home is locked by another writer (pid ${holder.pid ?? '?'} since ${holder.since ?? '?'})`,
        { file: path },
        'wait for the other aicost command to finish; remove the .lock file only if no aicost process is running',
      );
    }
  }
  throw new InputError('could not take the writer lock', { file: path });
}
