// The child processes the benchmarks time (ingest-bench.mjs, cur-bench.mjs): wall time from spawn to exit and peak
// RSS from /proc/<pid>/status (VmHWM, the kernel's high-water mark, so DuckDB's native memory counts).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';

const POLL_MS = 50;

/** Peak RSS (VmHWM) of a running process, polled from /proc; the last value read before exit is the peak. */
export function watchPeakRss(pid) {
  let peak = null;
  const read = () => {
    try {
      const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak ?? 0, Number(m[1]) * 1024);
    } catch {
      // gone (or no /proc): keep the last value
    }
  };
  read();
  const timer = setInterval(read, POLL_MS);
  return {
    read,
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}

/** Runs `node args...` as a child; wall time from spawn to exit, peak RSS, captured output. */
export async function runNode(args, { cwd, env }) {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const rss = watchPeakRss(child.pid);
  const out = [];
  const err = [];
  child.stdout.on('data', (d) => out.push(d));
  child.stderr.on('data', (d) => err.push(d));
  const [code, signal] = await new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (c, s) => resolve([c, s]));
  });
  const wallS = (performance.now() - t0) / 1000;
  const peakRssBytes = rss.stop();
  if (child.stdout.readable || child.stderr.readable) await once(child, 'close');
  return {
    code,
    signal,
    wallS,
    peakRssBytes,
    stdout: Buffer.concat(out).toString('utf8'),
    stderr: Buffer.concat(err).toString('utf8'),
  };
}
