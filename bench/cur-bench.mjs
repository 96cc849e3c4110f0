#!/usr/bin/env node
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statfsSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';
import { runNode } from './child.mjs';
import { GENERATOR_VERSION, generateCur } from './generate-cur.mjs';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const WORK = join(REPO, '.bench');
const AICOST = join(REPO, 'bin', 'aicost.js');
const TARGETS = { aicostPeakRssBytes: 1.5e9, ratio: 1.5 };

function parseArgs(argv) {
  const o = { bytes: 5e9, threads: 0, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--size') {
      const m = /^(\d+(?:\.\d+)?)\s*(KB|MB|GB)?$/i.exec(argv[++i] ?? '');
      if (!m) throw new Error('--size needs a size such as 50MB or 5GB');
      o.bytes = Math.round(Number(m[1]) * { KB: 1e3, MB: 1e6, GB: 1e9 }[(m[2] ?? 'GB').toUpperCase()]);
    } else if (a === '--threads') o.threads = Number(argv[++i]);
    else if (a === '--keep') o.keep = true;
    else
      throw new Error(
        `unknown argument: ${a} (usage: node bench/cur-bench.mjs [--size 5GB] [--threads N] [--keep])`,
      );
  }
  return o;
}

/** A decimal's text without trailing fractional zeros (the stored total has 18 decimals, the generator's 10). */
const trim = (s) =>
  String(s)
    .replace(/(\.\d*?)0+$/, '$1')
    .replace(/\.$/, '');
const gb = (b) => (b >= 1e9 ? `${(b / 1e9).toFixed(2)} GB` : `${(b / 1e6).toFixed(1)} MB`);

/** The generated CSV (reused when the size and generator version match), and its gzip copy. */
async function inputs(bytes) {
  mkdirSync(WORK, { recursive: true });
  const csv = join(WORK, `cur-${bytes}.csv`);
  const meta = `${csv}.json`;
  let m = existsSync(meta) ? JSON.parse(readFileSync(meta, 'utf8')) : null;
  if (!m || m.version !== GENERATOR_VERSION || !existsSync(csv) || !existsSync(`${csv}.gz`)) {
    const free = statfsSync(WORK).bavail * statfsSync(WORK).bsize;
    // CSV + gzip copy (~1/8) + outputs (~1/10 each) + DuckDB spill: twice the CSV is generous
    if (free < bytes * 2)
      throw new Error(`not enough free disk under .bench/ (${gb(free)} free, ~${gb(bytes * 2)} needed)`);
    process.stderr.write(`generating ${gb(bytes)} of CUR CSV…\n`);
    m = await generateCur(csv, bytes);
    await pipeline(createReadStream(csv), createGzip({ level: 6 }), createWriteStream(`${csv}.gz`));
    writeFileSync(meta, JSON.stringify(m));
  }
  return { csv, gz: `${csv}.gz`, meta: m };
}

async function measure(file, meta, o, env) {
  const run = join(WORK, `cur-run-${Date.now()}`);
  mkdirSync(run, { recursive: true });
  try {
    const baseline = await runNode(
      [
        join(REPO, 'bench', 'cur-baseline.mjs'),
        '--csv',
        file,
        '--out',
        join(run, 'baseline.parquet'),
        ...(o.threads ? ['--threads', String(o.threads)] : []),
      ],
      { cwd: REPO, env },
    );
    if (baseline.code !== 0) throw new Error(`baseline failed: ${baseline.stderr}`);
    const aicost = await runNode([AICOST, 'ingest', file, '--data', join(run, 'home'), '--json'], {
      cwd: REPO,
      env,
    });
    if (aicost.code !== 0) throw new Error(`aicost failed (exit ${aicost.code}): ${aicost.stderr}`);
    const report = JSON.parse(aicost.stdout);
    const f = report.files?.[0] ?? {};
    const rec = f.reconciliation?.[0] ?? {};
    const reconciled = rec.stored !== undefined && trim(rec.stored) === trim(meta.unblendedTotal);
    return {
      file,
      bytes: statSync(file).size,
      rows: meta.rows,
      rowsOut: f.rowsOut,
      reconciled,
      storedTotal: rec.stored,
      expectedTotal: meta.unblendedTotal,
      baseline: { seconds: baseline.wallS, peakRss: baseline.peakRssBytes },
      aicost: { seconds: aicost.wallS, peakRss: aicost.peakRssBytes },
      ratio: aicost.wallS / baseline.wallS,
    };
  } finally {
    if (!o.keep) rmSync(run, { recursive: true, force: true });
  }
}

async function main() {
  let o;
  try {
    o = parseArgs(process.argv.slice(2));
    if (!existsSync(join(REPO, 'dist', 'cli.js'))) throw new Error('no dist/: run npm run build first');
  } catch (e) {
    process.stderr.write(`cur-bench: ${e.message}\n`);
    return 2;
  }
  const env = { ...process.env, ...(o.threads ? { AICOST_THREADS: String(o.threads) } : {}) };
  const { csv, gz, meta } = await inputs(o.bytes);
  const results = [];
  for (const file of [csv, gz]) results.push(await measure(file, meta, o, env));
  const lines = results.map(
    (r) =>
      `${r.file.endsWith('.gz') ? 'gzip ' : 'plain'}  ${gb(r.bytes)}  ${r.rows.toLocaleString('en-US')} rows  ` +
      `baseline ${r.baseline.seconds.toFixed(1)} s / ${gb(r.baseline.peakRss)}  ` +
      `aicost ${r.aicost.seconds.toFixed(1)} s / ${gb(r.aicost.peakRss)} peak RSS` +
      `${r.aicost.peakRss < TARGETS.aicostPeakRssBytes ? '' : ' (MISSES < 1.5 GB)'}  ratio ${r.ratio.toFixed(2)}  ` +
      `reconciled ${r.reconciled ? `yes (${r.storedTotal})` : `NO (${r.storedTotal} vs ${r.expectedTotal})`}`,
  );
  process.stdout.write(`CUR bench (${gb(o.bytes)} generated legacy CUR CSV):\n${lines.join('\n')}\n`);
  writeFileSync(
    join(WORK, `cur-results-${o.bytes}.json`),
    `${JSON.stringify({ targets: TARGETS, results }, null, 2)}\n`,
  );
  return results.every((r) => r.rowsOut === r.rows && r.reconciled) ? 0 : 1;
}

try {
  process.exitCode = await main();
} catch (e) {
  process.stderr.write(`cur-bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
}
