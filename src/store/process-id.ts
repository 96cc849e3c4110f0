// Who owns a lock or a reader lease, and whether that owner is still running (docs/architecture.md#locking).
// A pid alone is not an identity: pids are reused, and aicost running as PID 1 in a container sees "PID 1 is alive"
// forever after a restart. An owner is host + boot + pid namespace + pid + the process's start time, so a
// reused pid (or a restarted container's PID 1) reads as a different, dead owner.
import { readFileSync, readlinkSync, utimesSync } from 'node:fs';
import { hostname } from 'node:os';

export interface ProcessId {
  host: string;
  pid: number;
  /** Start time in clock ticks since boot (/proc/<pid>/stat field 22); null where /proc is missing. */
  start: string | null;
  /** Kernel boot id; a different one on the same host means the machine rebooted. */
  boot: string | null;
  /** PID namespace (`pid:[4026531836]`): containers sharing a host name cannot see each other's pids. */
  pidns: string | null;
}

/**
 * How long a foreign owner (another host or container, whose pid cannot be probed) stays alive without a heartbeat.
 * Owners touch their file every HEARTBEAT_MS.
 */
export const FOREIGN_STALE_MS = 120_000;
export const HEARTBEAT_MS = 10_000;

/** Touches `path` every HEARTBEAT_MS while the process runs (without keeping it alive); returns the stop function. */
export function startHeartbeat(path: string): () => void {
  const beat = setInterval(() => {
    try {
      const now = new Date();
      utimesSync(path, now, now);
    } catch {}
  }, HEARTBEAT_MS);
  beat.unref();
  return () => clearInterval(beat);
}

function readOr(path: string): string | null {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
}

/** Field 22 of /proc/<pid>/stat; the command name (field 2) may hold spaces and parentheses, so split after it. */
export function processStart(pid: number): string | null {
  const stat = readOr(`/proc/${pid}/stat`);
  if (!stat) return null;
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return rest[19] ?? null;
}

let self: ProcessId | undefined;

/** This process's identity. */
export function selfId(): ProcessId {
  if (!self) {
    let pidns: string | null = null;
    try {
      pidns = readlinkSync('/proc/self/ns/pid');
    } catch {}
    self = {
      host: hostname(),
      pid: process.pid,
      start: processStart(process.pid),
      boot: readOr('/proc/sys/kernel/random/boot_id'),
      pidns,
    };
  }
  return self;
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when `owner` is this very process. */
export function isSelf(owner: ProcessId): boolean {
  const me = selfId();
  return owner.host === me.host && owner.pid === me.pid && owner.start === me.start && owner.boot === me.boot;
}

/**
 * Whether `owner` may still be running. On this machine and pid namespace: its pid exists with the same start time.
 * Elsewhere (another host, another container): its heartbeat (`touchedMs`, the file's mtime) is recent.
 */
export function ownerAlive(owner: ProcessId, touchedMs: number, nowMs = Date.now()): boolean {
  const me = selfId();
  if (owner.host === me.host && owner.boot && me.boot && owner.boot !== me.boot) return false; // rebooted
  const local = owner.host === me.host && (owner.pidns ?? me.pidns) === me.pidns;
  if (!local) return nowMs - touchedMs < FOREIGN_STALE_MS;
  if (!Number.isInteger(owner.pid) || owner.pid <= 0 || !pidExists(owner.pid)) return false;
  if (owner.start && me.start) return processStart(owner.pid) === owner.start;
  return true;
}

/** Parses an owner record written by selfId(); null when it is not one. */
export function parseOwner(raw: unknown): ProcessId | null {
  const o = raw as Partial<ProcessId> | null;
  if (!o || typeof o.host !== 'string' || typeof o.pid !== 'number') return null;
  return {
    host: o.host,
    pid: o.pid,
    start: o.start ?? null,
    boot: o.boot ?? null,
    pidns: o.pidns ?? null,
  };
}
