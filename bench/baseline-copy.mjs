#!/usr/bin/env node
// The speed baseline (bench/README.md): DuckDB's own typed CSV -> zstd Parquet COPY of a SpendLogs file, with the
// same `threads` and `memory_limit` aicost uses. ingest-bench.mjs runs it as a child process (its whole wall time
// and peak RSS are measured, like aicost's). Prints one JSON line: rows written, DuckDB threads, version.
//
//   node bench/baseline-copy.mjs --csv FILE --out FILE.parquet [--threads N] [--memory-limit 700MB]
import { DuckDBInstance } from '@duckdb/node-api';
import { SPENDLOGS_COLUMNS } from './generate-spendlogs.mjs';

const lit = (s) => `'${String(s).replaceAll("'", "''")}'`;

function parseArgs(argv) {
  const o = { csv: null, out: null, threads: 0, memoryLimit: '700MB' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--csv') o.csv = argv[++i];
    else if (a === '--out') o.out = argv[++i];
    else if (a === '--threads') o.threads = Number(argv[++i]);
    else if (a === '--memory-limit') o.memoryLimit = argv[++i];
    else throw new Error(`unknown argument: ${a}`);
  }
  if (!o.csv || !o.out) throw new Error('--csv and --out are required');
  if (!Number.isInteger(o.threads) || o.threads < 0) throw new Error('--threads must be a positive integer');
  return o;
}

/** The COPY statement: every column with its declared type (money DECIMAL, counts BIGINT, times TIMESTAMP). */
export function baselineSql(csv, out) {
  const columns = SPENDLOGS_COLUMNS.map(([name, type]) => `${lit(name)}: ${lit(type)}`).join(', ');
  return `COPY (SELECT * FROM read_csv(${lit(csv)}, header = true, columns = {${columns}}))
    TO ${lit(out)} (FORMAT parquet, COMPRESSION zstd)`;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const config = { memory_limit: o.memoryLimit };
  if (o.threads > 0) config.threads = String(o.threads);
  const instance = await DuckDBInstance.create(':memory:', config);
  const conn = await instance.connect();
  try {
    const t0 = performance.now();
    const res = await conn.runAndReadAll(baselineSql(o.csv, o.out));
    const copySeconds = (performance.now() - t0) / 1000;
    const rows = Number(res.getRows()[0]?.[0] ?? Number.NaN);
    const settings = (
      await conn.runAndReadAll(
        "SELECT current_setting('threads') AS threads, current_setting('memory_limit') AS memory_limit, version() AS version",
      )
    ).getRowObjectsJson()[0];
    process.stdout.write(
      `${JSON.stringify({
        rows,
        copySeconds,
        threads: Number(settings.threads),
        memoryLimit: settings.memory_limit,
        duckdb: settings.version,
      })}\n`,
    );
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

try {
  await main();
} catch (e) {
  process.stderr.write(`baseline-copy: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
}
