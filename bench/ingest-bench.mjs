#!/usr/bin/env node
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import {
  closeSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statfsSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// `npm run bench`: aicost's speed targets (bench/README.md), measured on generated LiteLLM SpendLogs CSV.
//   1. DuckDB's own typed `COPY (SELECT * FROM read_csv(...)) TO zstd Parquet` (bench/baseline-copy.mjs), and
//   2. the whole `aicost ingest` process on the same file, same threads, same memory_limit, same run,
// each in its own child process, timed by wall clock with peak RSS from /proc/<pid>/status (VmHWM, which counts
// DuckDB's native memory); plus `aicost --help` start-up time. It reports and writes .bench/results-<rows>.json;
// it does not gate: exit 0 even when a target is missed, 1 if a step crashed, 2 if it could not start.
//
//   node bench/ingest-bench.mjs [--rows N | --10m] [--threads N] [--keep]
import { writeInvoices } from './allocate-step.mjs';
import { runNode } from './child.mjs';
import { GENERATOR_VERSION, generateSpendLogs } from './generate-spendlogs.mjs';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const WORK = join(REPO, '.bench');
const AICOST = join(REPO, 'bin', 'aicost.js');
const SEED = '42';
const MEMORY_LIMIT = '700MB'; // aicost's default (src/store/duckdb.ts); the baseline gets the same

// Disk per row, measured at 1M rows with generator v1: CSV ~963 B; baseline zstd Parquet ~86 B (deleted before
// aicost runs); aicost's data home peaks at ~1,030 B during the ingest (staged input + DuckDB temp files) and ends
// at ~86 B. Rounded up: the check must not pass a run that then fills the disk.
const CSV_BYTES_PER_ROW = 1000;
const OUTPUT_BYTES_PER_ROW = 1300;
const DISK_SLACK = 256e6;

// allocateS: allocate and report over 10M usage rows in under 5 s
const TARGETS = { ratio: 1.5, aicostPeakRssBytes: 1.5e9, helpMs: 300, allocateS: 5 };

class Crash extends Error {}

function usage() {
  return `usage: npm run bench -- [--rows N | --10m] [--threads N] [--keep]

  --rows N     rows of generated LiteLLM SpendLogs CSV (default 1,000,000)
  --10m        10,000,000 rows
  --threads N  DuckDB threads for both runs (default: DuckDB's default, the number of cores)
  --keep       keep this run's outputs under .bench/run-<rows>/ (the generated CSV is always kept for reuse)
`;
}

function parseArgs(argv) {
  const o = { rows: 1_000_000, threads: 0, keep: false, help: false };
  const num = (v, flag) => {
    const n = Number(
      String(v ?? '')
        .replaceAll('_', '')
        .replaceAll(',', ''),
    );
    if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${flag} needs a positive whole number, got ${v}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--rows') o.rows = num(argv[++i], '--rows');
    else if (a.startsWith('--rows=')) o.rows = num(a.slice(7), '--rows');
    else if (a === '--10m') o.rows = 10_000_000;
    else if (a === '--threads') o.threads = num(argv[++i], '--threads');
    else if (a.startsWith('--threads=')) o.threads = num(a.slice(10), '--threads');
    else if (a === '--keep') o.keep = true;
    else if (a === '--help' || a === '-h') o.help = true;
    else throw new Error(`unknown argument: ${a}`);
  }
  return o;
}

const fmtInt = (n) => Math.round(n).toLocaleString('en-US');
const fmtMB = (b) => (b === null || b === undefined ? '?' : `${fmtInt(b / 1e6)} MB`);
const fmtGB = (b) => `${(b / 1e9).toFixed(1)} GB`;
const log = (s) => process.stderr.write(`${s}\n`);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function dirBytes(p) {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.size;
  let n = 0;
  for (const e of readdirSync(p)) n += dirBytes(join(p, e));
  return n;
}

function childEnv(threads) {
  const env = { ...process.env };
  // reproducible: no inherited aicost settings; threads only when asked for
  for (const k of ['AICOST_THREADS', 'AICOST_MEMORY_LIMIT', 'AICOST_DATA', 'AICOST_CONFIG']) delete env[k];
  if (threads > 0) env.AICOST_THREADS = String(threads);
  env.NO_COLOR = '1';
  return env;
}

function checkDisk(rows, reuseBytes) {
  const st = statfsSync(WORK);
  const free = Number(st.bavail) * Number(st.bsize);
  const need =
    (reuseBytes === null ? rows * CSV_BYTES_PER_ROW : 0) + rows * OUTPUT_BYTES_PER_ROW + DISK_SLACK;
  if (free < need) {
    log(
      `bench: not enough free disk for ${fmtInt(rows)} rows in ${WORK}: needs about ${fmtGB(need)} ` +
        `(${reuseBytes === null ? `CSV ~${CSV_BYTES_PER_ROW} B/row + ` : 'reusing the CSV; '}outputs ~${OUTPUT_BYTES_PER_ROW} B/row), ` +
        `${fmtGB(free)} free. Free some space, delete old files in .bench/, or run fewer rows (--rows N).`,
    );
    return false;
  }
  log(`disk: ${fmtGB(free)} free, about ${fmtGB(need)} needed`);
  return true;
}

/** The generated CSV for `rows`, reused when its sidecar says same generator version, rows, seed and size. */
function cachedCsv(rows) {
  const csv = join(WORK, `spendlogs-${rows}.csv`);
  const meta = `${csv}.json`;
  try {
    const m = JSON.parse(readFileSync(meta, 'utf8'));
    if (
      m.generatorVersion === GENERATOR_VERSION &&
      m.rows === rows &&
      m.seed === SEED &&
      statSync(csv).size === m.bytes
    ) {
      return { csv, meta, bytes: m.bytes };
    }
  } catch {
    // none or stale
  }
  return { csv, meta, bytes: null };
}

async function generate(csv, meta, rows) {
  rmSync(meta, { force: true });
  const tmp = `${csv}.tmp`;
  const stream = createWriteStream(tmp, { highWaterMark: 1 << 24 });
  const t0 = performance.now();
  const tty = process.stderr.isTTY;
  let last = 0;
  const bytes = await generateSpendLogs({
    rows,
    stream,
    seed: SEED,
    onProgress: (done) => {
      const pct = Math.floor((done / rows) * 100);
      if (tty && pct !== last) {
        last = pct;
        process.stderr.write(`\rgenerating ${fmtInt(rows)} rows: ${pct}%`);
      }
    },
  });
  stream.end();
  await once(stream, 'finish');
  if (tty) process.stderr.write('\r\x1b[K');
  renameSync(tmp, csv);
  writeFileSync(
    meta,
    `${JSON.stringify({ generatorVersion: GENERATOR_VERSION, rows, seed: SEED, bytes }, null, 2)}\n`,
  );
  const s = (performance.now() - t0) / 1000;
  log(`generated ${csv} (${fmtMB(bytes)}) in ${s.toFixed(1)} s`);
  return bytes;
}

/** Reads the file once so both runs start from the page cache (the first would otherwise pay for the disk). */
function warmPageCache(file) {
  const t0 = performance.now();
  const fd = openSync(file, 'r');
  const buf = Buffer.allocUnsafe(8 << 20);
  let total = 0;
  try {
    for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) total += n;
  } finally {
    closeSync(fd);
  }
  log(`read ${fmtMB(total)} to warm the page cache in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

function timeStartup(args, n) {
  const once_ = () => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: childEnv(0),
    });
    const ms = performance.now() - t0;
    if (r.status !== 0)
      throw new Crash(`node ${args.join(' ')} exited ${r.status}: ${String(r.stderr).trim()}`);
    return ms;
  };
  once_(); // warm-up, not counted
  const samples = Array.from({ length: n }, once_);
  return { medianMs: median(samples), samplesMs: samples };
}

function gitCommit() {
  const r = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: REPO, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

function table(rows) {
  const widths = rows[0].map((_, j) => Math.max(...rows.map((r) => String(r[j]).length)));
  const line = (r) =>
    r.map((c, j) => (j === 0 ? String(c).padEnd(widths[j]) : String(c).padStart(widths[j]))).join('   ');
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('   '), ...rows.slice(1).map(line)].join('\n');
}

async function bench(o) {
  if (!existsSync(join(REPO, 'dist', 'cli.js'))) {
    log(
      'bench: aicost is not built (dist/cli.js is missing): run `npm run build` first, then `npm run bench`.',
    );
    return 2;
  }
  mkdirSync(WORK, { recursive: true });
  const runDir = join(WORK, `run-${o.rows}`);
  rmSync(runDir, { recursive: true, force: true });

  // (a) disk, (b) the CSV
  const cached = cachedCsv(o.rows);
  if (!checkDisk(o.rows, cached.bytes)) return 2;
  let csvBytes = cached.bytes;
  if (csvBytes === null) csvBytes = await generate(cached.csv, cached.meta, o.rows);
  else {
    log(`reusing ${cached.csv} (${fmtMB(csvBytes)}, generator v${GENERATOR_VERSION})`);
    warmPageCache(cached.csv);
  }
  mkdirSync(runDir, { recursive: true });

  const results = {
    rows: o.rows,
    csv: { path: cached.csv, bytes: csvBytes, generatorVersion: GENERATOR_VERSION, seed: SEED },
    threadsRequested: o.threads || null,
    memoryLimit: MEMORY_LIMIT,
    machine: {
      cpus: availableParallelism(),
      totalMemBytes: totalmem(),
      node: process.version,
      platform: process.platform,
      loadAvgAtStart: loadavg(),
    },
    gitCommit: gitCommit(),
    startedAt: new Date().toISOString(),
    targets: TARGETS,
  };

  // --help start-up
  log('timing `aicost --help` and `node -e 0` (median of 5)...');
  const help = timeStartup([AICOST, '--help'], 5);
  const bare = timeStartup(['-e', '0'], 5);
  results.help = {
    medianMs: help.medianMs,
    samplesMs: help.samplesMs,
    nodeBareMedianMs: bare.medianMs,
    nodeBareSamplesMs: bare.samplesMs,
  };

  // (c) baseline
  const env = childEnv(o.threads);
  const parquet = join(runDir, 'baseline.parquet');
  const baseArgs = [
    join(REPO, 'bench', 'baseline-copy.mjs'),
    '--csv',
    cached.csv,
    '--out',
    parquet,
    '--memory-limit',
    MEMORY_LIMIT,
  ];
  if (o.threads) baseArgs.push('--threads', String(o.threads));
  log('running the DuckDB COPY baseline...');
  const base = await runNode(baseArgs, { cwd: runDir, env });
  if (base.code !== 0)
    throw new Crash(`baseline COPY failed (exit ${base.code ?? base.signal}):\n${base.stderr.trim()}`);
  const baseInfo = JSON.parse(base.stdout.trim().split('\n').pop());
  if (baseInfo.rows !== o.rows)
    throw new Crash(`baseline COPY wrote ${baseInfo.rows} rows, expected ${o.rows}`);
  results.baseline = {
    wallS: base.wallS,
    copyS: baseInfo.copySeconds,
    peakRssBytes: base.peakRssBytes,
    rowsPerS: o.rows / base.wallS,
    parquetBytes: dirBytes(parquet),
    threads: baseInfo.threads,
    duckdb: baseInfo.duckdb,
  };
  rmSync(parquet, { force: true }); // free the disk before aicost runs
  log(`  ${base.wallS.toFixed(2)} s, peak RSS ${fmtMB(base.peakRssBytes)}`);

  // (d) the whole aicost process
  const home = join(runDir, 'aicost-data');
  log('running aicost ingest...');
  const ing = await runNode([AICOST, 'ingest', cached.csv, '--data', home, '--json'], { cwd: runDir, env });
  if (ing.code !== 0) {
    throw new Crash(
      `aicost ingest failed (exit ${ing.code ?? ing.signal}):\n${ing.stderr.trim()}\n${ing.stdout.trim()}`.trim(),
    );
  }
  let report;
  try {
    report = JSON.parse(ing.stdout);
  } catch {
    throw new Crash(`aicost ingest printed no JSON report:\n${ing.stdout.slice(0, 2000)}`);
  }
  const file = report.files?.[0] ?? {};
  results.aicost = {
    wallS: ing.wallS,
    peakRssBytes: ing.peakRssBytes,
    rowsPerS: o.rows / ing.wallS,
    dataHomeBytes: dirBytes(home),
    status: file.status,
    rowsIn: file.rowsIn,
    rowsOut: file.rowsOut,
    rejected: file.rejected,
    warnings: file.warnings ?? [],
  };
  if (file.status !== 'ingested' || file.rowsIn !== o.rows) {
    throw new Crash(
      `aicost ingest reported status ${file.status}, ${file.rowsIn} rows in (expected ${o.rows})`,
    );
  }
  log(`  ${ing.wallS.toFixed(2)} s, peak RSS ${fmtMB(ing.peakRssBytes)}`);

  // (d2) allocation: a month of invoice lines for the generated traffic, then the whole `aicost allocate` process
  log('building invoice lines and running aicost allocate --by feature...');
  const inv = await writeInvoices(runNode, { aicost: AICOST, home, dir: runDir, env });
  const invIngest = await runNode([AICOST, 'ingest', ...inv.files, '--data', home, '--account', 'bench'], {
    cwd: runDir,
    env,
  });
  if (invIngest.code !== 0) throw new Crash(`invoice ingest failed:\n${invIngest.stderr.trim()}`);
  const alloc = await runNode([AICOST, 'allocate', '--by', 'feature', '--format', 'json', '--data', home], {
    cwd: runDir,
    env,
  });
  if (alloc.code !== 0) throw new Crash(`aicost allocate failed:\n${alloc.stderr.trim()}`);
  const allocReport = JSON.parse(alloc.stdout);
  // the floor: a plain DuckDB GROUP BY of the same key over the same usage Parquet, same threads and memory
  const threadArgs = o.threads ? ['--threads', String(o.threads)] : [];
  const floor = await runNode(
    [join(REPO, 'bench', 'baseline-groupby.mjs'), '--home', home, '--key', 'feature', ...threadArgs],
    { cwd: runDir, env },
  );
  if (floor.code !== 0) throw new Crash(`group-by baseline failed:\n${floor.stderr.trim()}`);
  // a high-cardinality key: one allocated row per invoice line and customer
  log('running aicost allocate --by customer...');
  const cust = await runNode([AICOST, 'allocate', '--by', 'customer', '--format', 'json', '--data', home], {
    cwd: runDir,
    env,
  });
  if (cust.code !== 0) throw new Crash(`aicost allocate --by customer failed:\n${cust.stderr.trim()}`);
  const custReport = JSON.parse(cust.stdout);
  results.allocate = {
    wallS: alloc.wallS,
    peakRssBytes: alloc.peakRssBytes,
    invoiceLines: inv.lines,
    originRows: allocReport.originRows,
    allocatedRows: allocReport.allocatedRows,
    conserved: allocReport.pool.EffectiveCost === allocReport.allocated.EffectiveCost,
    groupByBaselineS: floor.wallS,
    ratioToGroupBy: alloc.wallS / floor.wallS,
    byCustomer: {
      wallS: cust.wallS,
      peakRssBytes: cust.peakRssBytes,
      allocatedRows: custReport.allocatedRows,
      conserved: custReport.pool.EffectiveCost === custReport.allocated.EffectiveCost,
    },
  };
  log(
    `  ${alloc.wallS.toFixed(2)} s for ${fmtInt(inv.lines)} invoice lines, peak RSS ${fmtMB(alloc.peakRssBytes)}; ` +
      `GROUP BY baseline ${floor.wallS.toFixed(2)} s; --by customer ${cust.wallS.toFixed(2)} s, ${fmtInt(custReport.allocatedRows)} rows`,
  );

  // (e) report
  const ratio = ing.wallS / base.wallS;
  const pass = (ok) => (ok ? 'PASS' : 'MISS');
  results.ratio = ratio;
  results.pass = {
    ratio: ratio <= TARGETS.ratio,
    aicostPeakRss: ing.peakRssBytes !== null && ing.peakRssBytes < TARGETS.aicostPeakRssBytes,
    help: help.medianMs < TARGETS.helpMs,
    allocate: results.allocate.wallS < TARGETS.allocateS && results.allocate.conserved,
    allocateByCustomer:
      results.allocate.byCustomer.wallS < TARGETS.allocateS &&
      results.allocate.byCustomer.peakRssBytes < TARGETS.aicostPeakRssBytes &&
      results.allocate.byCustomer.conserved,
  };
  results.finishedAt = new Date().toISOString();
  results.machine.loadAvgAtEnd = loadavg();

  const threads = o.threads || `${baseInfo.threads} (DuckDB default)`;
  const out = [
    '',
    `aicost bench: ${fmtInt(o.rows)} LiteLLM SpendLogs rows, ${fmtMB(csvBytes)} CSV; threads ${threads}, memory_limit ${MEMORY_LIMIT}; ${baseInfo.duckdb}, node ${process.version}`,
    '',
    table([
      ['', 'wall s', 'rows/s', 'peak RSS', 'target', 'result'],
      [
        'DuckDB COPY baseline',
        base.wallS.toFixed(2),
        fmtInt(o.rows / base.wallS),
        fmtMB(base.peakRssBytes),
        '',
        '',
      ],
      ['aicost ingest', ing.wallS.toFixed(2), fmtInt(o.rows / ing.wallS), fmtMB(ing.peakRssBytes), '', ''],
      [
        'ratio aicost / baseline',
        `${ratio.toFixed(2)}x`,
        '',
        '',
        `<= ${TARGETS.ratio}x`,
        pass(results.pass.ratio),
      ],
      [
        'aicost peak RSS',
        '',
        '',
        fmtMB(ing.peakRssBytes),
        `< ${fmtMB(TARGETS.aicostPeakRssBytes)}`,
        pass(results.pass.aicostPeakRss),
      ],
      [
        'aicost --help',
        `${help.medianMs.toFixed(1)} ms`,
        '',
        '',
        `< ${TARGETS.helpMs} ms`,
        pass(results.pass.help),
      ],
      ['  (node -e 0, for context)', `${bare.medianMs.toFixed(1)} ms`, '', '', '', ''],
      [
        `aicost allocate (${fmtInt(o.rows)} usage rows, ${fmtInt(inv.lines)} invoice lines)`,
        results.allocate.wallS.toFixed(2),
        '',
        fmtMB(results.allocate.peakRssBytes),
        `< ${TARGETS.allocateS} s, conserved`,
        pass(results.pass.allocate),
      ],
      [
        `  plain DuckDB GROUP BY feature (ratio ${results.allocate.ratioToGroupBy.toFixed(1)}x)`,
        results.allocate.groupByBaselineS.toFixed(2),
        '',
        '',
        '',
        '',
      ],
      [
        `aicost allocate --by customer (${fmtInt(results.allocate.byCustomer.allocatedRows)} allocated rows)`,
        results.allocate.byCustomer.wallS.toFixed(2),
        '',
        fmtMB(results.allocate.byCustomer.peakRssBytes),
        `< ${TARGETS.allocateS} s, conserved`,
        pass(results.pass.allocateByCustomer),
      ],
    ]),
    '',
    `aicost: ${fmtInt(file.rowsIn)} rows in, ${fmtInt(file.rowsOut)} out, ${fmtInt(file.rejected)} rejected; ` +
      `data home ${fmtMB(results.aicost.dataHomeBytes)}; baseline Parquet ${fmtMB(results.baseline.parquetBytes)}`,
  ];
  // other processes competing for the cores make both timings noisy (the ratio less so): say so
  const load = Math.max(results.machine.loadAvgAtStart[0], results.machine.loadAvgAtEnd[0]);
  if (load > results.machine.cpus + 0.5) {
    out.push(
      `note: load average reached ${load.toFixed(1)} on ${results.machine.cpus} cores: other processes were busy, timings are noisy`,
    );
  }
  process.stdout.write(`${out.join('\n')}\n`);

  // (f) results
  const resultsPath = join(WORK, `results-${o.rows}.json`);
  writeFileSync(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
  log(`\nresults: ${resultsPath}`);
  if (o.keep) log(`kept: ${runDir}`);
  else rmSync(runDir, { recursive: true, force: true });
  log(
    `the input CSV stays for reuse: ${cached.csv} (${fmtMB(csvBytes)}); rm -rf .bench to reclaim the space`,
  );
  return 0;
}

async function main() {
  let o;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (e) {
    log(`bench: ${e.message}\n\n${usage()}`);
    return 2;
  }
  if (o.help) {
    process.stdout.write(usage());
    return 0;
  }
  try {
    return await bench(o);
  } catch (e) {
    log(`\nbench: a step crashed: ${e instanceof Crash ? e.message : (e?.stack ?? String(e))}`);
    return 1;
  }
}

process.exitCode = await main();
