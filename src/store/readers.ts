// Reader leases: how a writer knows which retired files a running reader may still open
// (docs/architecture.md#readers-and-writers).
//
// A reader writes `.readers/<id>.json` (its owner and a generation) BEFORE it reads the manifest, then records the
// generation of the manifest it read. A writer retires the files a commit drops (manifest `retired`, with that
// commit's generation G) and deletes one only when every live lease holds a generation >= G: such a reader read a
// manifest that no longer lists the file. Because the lease exists before the reader's manifest read, and the
// writer lists leases after its manifest swap, a reader the writer did not see can only have read the new manifest.
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { type Manifest, readManifest } from './manifest.js';
import {
  FOREIGN_STALE_MS,
  ownerAlive,
  type ProcessId,
  parseOwner,
  selfId,
  startHeartbeat,
} from './process-id.js';

export const READERS_DIR = '.readers';

interface Lease {
  owner: ProcessId;
  generation: number;
  since: string;
}

function writeLease(path: string, lease: Lease): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, JSON.stringify(lease));
  renameSync(tmp, path);
}

/**
 * Registers a reader, then reads the manifest. The lease lives until `release` (and dies with the process: a
 * dead reader's lease is ignored and removed by the next writer). A data home that cannot be written (read-only
 * media) is read without a lease: no writer can delete anything there either.
 */
export function openSnapshot(home: string): { manifest: Manifest; release: () => void } {
  const dir = join(home, READERS_DIR);
  const path = join(dir, `${randomBytes(8).toString('hex')}.json`);
  const since = new Date().toISOString();
  let leased = false;
  try {
    // never create a data home just to read it: one that does not exist has nothing a writer could delete
    if (!existsSync(home)) throw new Error('no data home');
    mkdirSync(dir, { recursive: true });
    // generation 0 until the manifest is read: protects everything retired meanwhile
    writeLease(path, { owner: selfId(), generation: 0, since });
    leased = true;
  } catch {}
  let manifest: Manifest;
  try {
    manifest = readManifest(home);
  } catch (e) {
    if (leased) rmSync(path, { force: true });
    throw e;
  }
  if (!leased) return { manifest, release: () => {} };
  writeLease(path, { owner: selfId(), generation: manifest.generation, since });
  const stopBeat = startHeartbeat(path);
  const release = () => {
    stopBeat();
    process.off('exit', release);
    rmSync(path, { force: true });
  };
  process.once('exit', release);
  return { manifest, release };
}

/**
 * The lowest generation any live reader may be using, or Infinity when there is none. Dead readers' leases are
 * removed on the way (only writers call this, under the lock).
 */
export function oldestLiveReader(home: string): number {
  const dir = join(home, READERS_DIR);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return Number.POSITIVE_INFINITY;
  }
  let oldest = Number.POSITIVE_INFINITY;
  for (const n of names) {
    const path = join(dir, n);
    try {
      if (n.endsWith('.tmp')) {
        // a reader killed between writing and renaming its lease; a live one renames within microseconds
        if (Date.now() - statSync(path).mtimeMs > 60_000) rmSync(path, { force: true });
        continue;
      }
      const lease = JSON.parse(readFileSync(path, 'utf8')) as Lease;
      const owner = parseOwner(lease.owner);
      if (owner && ownerAlive(owner, statSync(path).mtimeMs)) oldest = Math.min(oldest, lease.generation);
      else rmSync(path, { force: true });
    } catch (e) {
      // vanished (the reader ended), or unreadable (a damaged disk): kept as the oldest until it is clearly stale
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      try {
        if (Date.now() - statSync(path).mtimeMs > FOREIGN_STALE_MS) rmSync(path, { force: true });
        else oldest = 0;
      } catch {}
    }
  }
  return oldest;
}
