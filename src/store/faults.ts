// Injectable faults for tests of the write path (a full disk at a chosen point of a commit), since a small full
// filesystem cannot be mounted in CI. Set from a test through `faults`, or for a spawned CLI through
// AICOST_INJECT_FAULT=<point>:<errno>, e.g. `stage:ENOSPC` (docs/architecture.md#crash-leftovers). Unset, a
// check is one property read.

/** Where a write can be made to fail: staging a file, renaming staged files into place, writing the manifest. */
export type FaultPoint = 'stage' | 'rename' | 'manifest';

export const faults: { inject?: { point: FaultPoint; code: string } } = {};

function fromEnv(): { point: string; code: string } | undefined {
  const raw = process.env.AICOST_INJECT_FAULT;
  if (!raw) return undefined;
  const [point, code] = raw.split(':');
  return point && code ? { point, code } : undefined;
}

/** Throws the injected errno error when `point` is the one chosen. */
export function maybeFault(point: FaultPoint, path: string): void {
  const f = faults.inject ?? fromEnv();
  if (!f || f.point !== point) return;
  const messages: Record<string, string> = {
    ENOSPC: 'no space left on device',
    EDQUOT: 'disk quota exceeded',
    EIO: 'i/o error',
  };
  const e = new Error(
    `${f.code}: ${messages[f.code] ?? 'injected fault'}, write '${path}'`,
  ) as NodeJS.ErrnoException;
  e.code = f.code;
  e.path = path;
  throw e;
}
