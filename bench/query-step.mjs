// The output targets (bench/README.md): `aicost query "SELECT * FROM usage" --format csv` streams with peak RSS under
// 300 MB over 1M usage rows, JSON the same, and a 100,000-row `--format table` renders in seconds. Needs a data home
// with usage rows, such as the one `npm run bench -- --rows 1000000 --keep` leaves in .bench/run-1000000/aicost-data.
//   node bench/query-step.mjs [--data DIR] [--table-rows N]
// Output is counted and dropped as it arrives (never held), so the parent's memory is not part of the measurement.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const REPO = join(import.meta.dirname, '..');
const AICOST = join(REPO, 'bin', 'aicost.js');
const TARGET_RSS = 300e6;
const TARGET_TABLE_S = 10;

function args(argv) {
  const o = { data: join(REPO, '.bench', 'run-1000000', 'aicost-data'), tableRows: 100_000 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--data') o.data = argv[++i];
    else if (argv[i] === '--table-rows') o.tableRows = Number(argv[++i]);
    else
      throw new Error(
        `unknown argument ${argv[i]}\nusage: node bench/query-step.mjs [--data DIR] [--table-rows N]`,
      );
  }
  return o;
}

/** Runs aicost; wall time, peak RSS (VmHWM from /proc, polled), bytes and lines written to stdout, exit code. */
function run(cliArgs) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const env = { ...process.env, NO_COLOR: '1' };
    delete env.AICOST_THREADS;
    const child = spawn(process.execPath, [AICOST, ...cliArgs], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let peak = 0;
    const poll = () => {
      try {
        const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peak = Math.max(peak, Number(m[1]) * 1024);
      } catch {}
    };
    const timer = setInterval(poll, 50);
    let bytes = 0;
    let lines = 0;
    let stderr = '';
    child.stdout.on('data', (d) => {
      bytes += d.length;
      for (let i = d.indexOf(10); i >= 0; i = d.indexOf(10, i + 1)) lines++;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(timer);
      resolve({
        code,
        wallS: (performance.now() - t0) / 1000,
        peakRssBytes: peak || null,
        bytes,
        lines,
        stderr,
      });
    });
  });
}

const mb = (b) => (b === null ? '?' : `${Math.round(b / 1e6)} MB`);

async function main() {
  const o = args(process.argv.slice(2));
  if (!existsSync(join(REPO, 'dist', 'cli.js'))) throw new Error('run `npm run build` first');
  if (!existsSync(join(o.data, 'manifest.json')))
    throw new Error(
      `no data home at ${o.data}: run \`npm run bench -- --rows 1000000 --keep\` or pass --data`,
    );
  const steps = [
    ['csv', ['query', 'SELECT * FROM usage', '--format', 'csv']],
    ['json', ['query', 'SELECT * FROM usage', '--format', 'json']],
    ['table', ['query', `SELECT * FROM usage LIMIT ${o.tableRows}`]],
    ['table-all', ['query', `SELECT * FROM usage LIMIT ${o.tableRows}`, '--max-rows', '0']],
  ];
  const results = { data: o.data, finishedAt: null, steps: {} };
  const lines = [];
  for (const [name, cli] of steps) {
    const r = await run(['--data', o.data, ...cli]);
    if (r.code !== 0) throw new Error(`aicost ${cli.join(' ')} exited ${r.code}:\n${r.stderr}`);
    results.steps[name] = {
      args: cli,
      wallS: r.wallS,
      peakRssBytes: r.peakRssBytes,
      bytes: r.bytes,
      lines: r.lines,
    };
    lines.push(
      `${name.padEnd(9)} ${r.wallS.toFixed(2).padStart(7)} s  peak RSS ${mb(r.peakRssBytes).padStart(7)}  ${mb(r.bytes).padStart(8)} out, ${r.lines} lines`,
    );
  }
  const csv = results.steps.csv;
  results.pass = {
    csvPeakRss: csv.peakRssBytes !== null && csv.peakRssBytes < TARGET_RSS,
    jsonPeakRss: results.steps.json.peakRssBytes !== null && results.steps.json.peakRssBytes < TARGET_RSS,
    table: results.steps.table.wallS < TARGET_TABLE_S && results.steps['table-all'].wallS < TARGET_TABLE_S,
  };
  results.finishedAt = new Date().toISOString();
  const verdict = (ok) => (ok ? 'PASS' : 'MISS');
  process.stdout.write(
    [
      `aicost query over ${o.data}`,
      ...lines,
      `csv peak RSS < ${mb(TARGET_RSS)}: ${verdict(results.pass.csvPeakRss)}; json: ${verdict(results.pass.jsonPeakRss)}; ` +
        `${o.tableRows}-row table < ${TARGET_TABLE_S} s: ${verdict(results.pass.table)}`,
      '',
    ].join('\n'),
  );
  const out = join(REPO, '.bench', 'query-results.json');
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`results: ${out}\n`);
}

main().catch((e) => {
  process.stderr.write(`bench: ${e.message}\n`);
  process.exitCode = 1;
});
