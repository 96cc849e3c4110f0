#!/usr/bin/env node
// `npm run bench:kill`: crash safety, measured. Kills `aicost ingest` of a generated 100k-row LiteLLM CSV with
// SIGKILL at random points (anywhere, late, at the commit's first rename, right after the manifest swap), then runs one following command (a writer: `aicost doctor --fix` or an ingest of an
// already stored input, alternately) and checks that the data home equals the state before the ingest or the
// state after it (Σ BilledCost, Σ usage source_cost, row counts, manifest files and inputs), with no `.staging`,
// no unlisted Parquet, the writer lock free and `aicost doctor` healthy (docs/architecture.md#crash-safety).
//
//   node bench/kill-loop.mjs [--kills 12] [--rows 100000] [--seed 7]
//
// Exit 0 when every kill passed, 1 otherwise. Needs `npm run build` first (it runs bin/aicost.js).
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'aicost.js');
const { values } = parseArgs({
  options: {
    kills: { type: 'string', default: '12' },
    rows: { type: 'string', default: '100000' },
    seed: { type: 'string', default: '7' },
  },
});
const KILLS = Number(values.kills);
const ROWS = Number(values.rows);

// a small seeded PRNG (mulberry32): the same --seed gives the same kill points
let s = Number(values.seed) >>> 0;
function random() {
  s = (s + 0x6d2b79f5) >>> 0;
  let t = s;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

function cli(home, args) {
  const r = spawnSync(process.execPath, [BIN, '--data', home, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function query(home, sql) {
  const r = cli(home, ['query', '--format', 'json', sql]);
  if (r.code !== 0) throw new Error(`query failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout)[0];
}

/** What must be exactly "before" or "after": totals, row counts, the manifest's files and inputs. */
function state(home) {
  const focus = query(
    home,
    'SELECT COALESCE(SUM(BilledCost), 0)::VARCHAR AS billed, count(*)::VARCHAR AS n FROM focus',
  );
  const usage = query(
    home,
    'SELECT COALESCE(SUM(source_cost), 0)::VARCHAR AS cost, count(*)::VARCHAR AS n FROM usage',
  );
  const m = JSON.parse(readFileSync(join(home, 'manifest.json'), 'utf8'));
  return {
    focusBilledCost: focus.billed,
    focusRows: focus.n,
    usageSourceCost: usage.cost,
    usageRows: usage.n,
    files: m.files.map((f) => `${f.path} ${f.rows} ${JSON.stringify(f.totals)}`).sort(),
    inputs: m.inputs.map((i) => `${i.sha256} ${i.path}`).sort(),
  };
}

function parquetOnDisk(home) {
  const out = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.parquet')) out.push(relative(home, p));
    }
  };
  for (const d of ['focus', 'usage', 'allocated', 'commitments', 'telemetry'])
    if (existsSync(join(home, d))) walk(join(home, d));
  return out.sort();
}

/** Problems with the home after the following command; empty when clean. */
function leftovers(home) {
  const problems = [];
  if (existsSync(join(home, '.staging')) && readdirSync(join(home, '.staging')).length > 0)
    problems.push(`.staging holds ${readdirSync(join(home, '.staging')).join(', ')}`);
  const m = JSON.parse(readFileSync(join(home, 'manifest.json'), 'utf8'));
  const listed = new Set(m.files.map((f) => f.path));
  const unlisted = parquetOnDisk(home).filter((p) => !listed.has(p));
  if (unlisted.length) problems.push(`unlisted Parquet: ${unlisted.join(', ')}`);
  const doctor = cli(home, ['doctor', '--format', 'json']);
  const d = doctor.code === 0 ? JSON.parse(doctor.stdout) : null;
  if (!d) problems.push(`doctor exit ${doctor.code}: ${doctor.stderr.trim()}`);
  else if (d.lock.state !== 'free') problems.push(`lock ${d.lock.state}`);
  return problems;
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

async function main() {
  const work = join(ROOT, '.bench', 'kill-loop');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const csv = join(work, `spendlogs-${ROWS}.csv`);
  const base = join(work, 'base.csv');
  spawnSync(process.execPath, [
    join(ROOT, 'bench', 'generate-spendlogs.mjs'),
    '--rows',
    String(ROWS),
    '--out',
    csv,
  ]);
  spawnSync(process.execPath, [
    join(ROOT, 'bench', 'generate-spendlogs.mjs'),
    '--rows',
    '500',
    '--seed',
    '99',
    '--out',
    base,
  ]);

  // before: a home holding a small earlier ingest (plus a cost report, so focus/ has money)
  const beforeHome = join(work, 'before');
  const seed = cli(beforeHome, ['ingest', base, join(ROOT, 'fixtures', 'openai', 'costs_ungrouped.json')]);
  if (seed.code !== 0) throw new Error(`seeding failed: ${seed.stderr}`);
  const before = state(beforeHome);

  // after: the same home with the 100k-row ingest committed; its duration scales the kill points
  const afterHome = join(work, 'after');
  cpSync(beforeHome, afterHome, { recursive: true });
  const t0 = performance.now();
  const full = cli(afterHome, ['ingest', csv]);
  const fullMs = performance.now() - t0;
  if (full.code !== 0) throw new Error(`reference ingest failed: ${full.stderr}`);
  const after = state(afterHome);
  console.log(
    `reference ingest of ${ROWS} rows: ${(fullMs / 1000).toFixed(2)} s; before ${before.usageRows} usage rows, after ${after.usageRows}`,
  );

  const results = [];
  // until KILLS runs were really killed mid-ingest (a run that finishes first still counts as a check)
  for (let i = 0; results.filter((r) => r.killed).length < KILLS && i < KILLS * 3; i++) {
    const home = join(work, `kill-${i}`);
    cpSync(beforeHome, home, { recursive: true });
    // kill points, by turns: anywhere in the run; in its last fifth; the moment the commit renames its first
    // Parquet into the partition tree (found by polling), which is where a crash leaves unlisted files; and the
    // moment the new manifest appears (after the commit point, before the staging area is removed)
    const mode = ['random', 'late', 'commit', 'swap'][i % 4];
    const delay = Math.round((mode === 'late' ? 0.8 + random() * 0.25 : random()) * fullMs);
    const child = spawn(process.execPath, [BIN, '--data', home, 'ingest', csv], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    let done = false;
    exited.then(() => {
      done = true;
    });
    const t1 = performance.now();
    if (mode === 'commit') {
      const known = new Set(parquetOnDisk(home));
      while (!done && !parquetOnDisk(home).some((p) => !known.has(p)))
        await new Promise((r) => setTimeout(r, 2));
    } else if (mode === 'swap') {
      const old = readFileSync(join(home, 'manifest.json'), 'utf8');
      while (!done && readFileSync(join(home, 'manifest.json'), 'utf8') === old)
        await new Promise((r) => setTimeout(r, 2));
    } else await new Promise((r) => setTimeout(r, delay));
    const at = Math.round(performance.now() - t1);
    child.kill('SIGKILL');
    const { code, signal } = await exited;
    // what the kill left behind, for the record (the following command must clean it)
    const staged = existsSync(join(home, '.staging')) ? readdirSync(join(home, '.staging')).length : 0;
    const listedNow = new Set(
      JSON.parse(readFileSync(join(home, 'manifest.json'), 'utf8')).files.map((f) => f.path),
    );
    const unlistedNow = parquetOnDisk(home).filter((p) => !listedNow.has(p)).length;
    const following = i % 8 < 4 ? ['doctor', '--fix'] : ['ingest', base];
    const f = cli(home, following);
    const problems = f.code === 0 ? [] : [`${following.join(' ')} exit ${f.code}: ${f.stderr.trim()}`];
    const now = state(home);
    const matches = same(now, before) ? 'before' : same(now, after) ? 'after' : 'NEITHER';
    if (matches === 'NEITHER') problems.push(`state is neither: ${JSON.stringify(now)}`);
    problems.push(...leftovers(home));
    const killed =
      signal === 'SIGKILL'
        ? `${mode} kill at ${at} ms (left ${staged} staging, ${unlistedNow} unlisted Parquet)`
        : `${mode}: finished first (exit ${code}) at ${at} ms`;
    results.push({
      run: i + 1,
      mode,
      atMs: at,
      killed: signal === 'SIGKILL',
      leftStaging: staged,
      leftUnlisted: unlistedNow,
      following: following.join(' '),
      state: matches,
      problems,
    });
    console.log(
      `#${i + 1} ${killed}; then \`${following.join(' ')}\`: ${matches}${problems.length ? ` FAIL ${problems.join('; ')}` : ' ok'}`,
    );
    rmSync(home, { recursive: true, force: true });
  }
  const failed = results.filter((r) => r.problems.length > 0);
  const killed = results.filter((r) => r.killed).length;
  console.log(
    `${results.length} runs, ${killed} killed mid-ingest: ${results.filter((r) => r.state === 'before').length} before, ${results.filter((r) => r.state === 'after').length} after, ${failed.length} failed`,
  );
  rmSync(work, { recursive: true, force: true });
  process.exitCode = failed.length > 0 || killed < 10 ? 1 : 0;
}

await main();
