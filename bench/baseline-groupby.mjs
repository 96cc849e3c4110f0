#!/usr/bin/env node
// The allocation baseline (bench/README.md): a plain DuckDB `GROUP BY tags->>'feature'` with token sums over the data
// home's usage Parquet, the floor any allocation by that key stands on. ingest-bench.mjs runs it as a child process,
// timed like aicost, so allocation is reported as a ratio to it. Prints one JSON line: groups, rows read.
//
//   node bench/baseline-groupby.mjs --home DIR --key feature [--threads N] [--memory-limit 700MB]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

const lit = (s) => `'${String(s).replaceAll("'", "''")}'`;

function parseArgs(argv) {
  const o = { home: null, key: 'feature', threads: 0, memoryLimit: '700MB' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--home') o.home = argv[++i];
    else if (a === '--key') o.key = argv[++i];
    else if (a === '--threads') o.threads = Number(argv[++i]);
    else if (a === '--memory-limit') o.memoryLimit = argv[++i];
    else throw new Error(`unknown argument: ${a}`);
  }
  if (!o.home) throw new Error('--home is required');
  return o;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const manifest = JSON.parse(readFileSync(join(o.home, 'manifest.json'), 'utf8'));
  const files = manifest.files.filter((f) => f.dataset === 'usage').map((f) => lit(join(o.home, f.path)));
  const config = { memory_limit: o.memoryLimit };
  if (o.threads > 0) config.threads = String(o.threads);
  const instance = await DuckDBInstance.create(':memory:', config);
  const conn = await instance.connect();
  try {
    const res = await conn.runAndReadAll(`SELECT count(*) AS groups, SUM(n)::BIGINT AS rows FROM (
        SELECT tags->>${lit(`$.${o.key}`)} AS k, SUM(input + cache_read + output) AS tokens, count(*) AS n
        FROM read_parquet([${files.join(', ')}], hive_partitioning = false) GROUP BY 1)`);
    const [groups, rows] = res.getRows()[0].map(Number);
    process.stdout.write(`${JSON.stringify({ groups, rows })}\n`);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

main().catch((e) => {
  process.stderr.write(`${e.stack ?? e}\n`);
  process.exit(1);
});
