#!/usr/bin/env node
// The CUR bench's baseline (cur-bench.mjs): DuckDB's own typed CSV -> zstd Parquet COPY of a generated legacy CUR
// file (plain or gzip; DuckDB decompresses it), with the memory_limit aicost uses. Money, rates and amounts are
// DECIMAL(38,18), the four dates TIMESTAMP, everything else VARCHAR. Prints one JSON line: rows written.
//
//   node bench/cur-baseline.mjs --csv FILE --out FILE.parquet [--threads N] [--memory-limit 700MB]
import { DuckDBInstance } from '@duckdb/node-api';
import { CUR_DECIMAL, CUR_HEADER, CUR_TIMESTAMP } from './generate-cur.mjs';

const lit = (s) => `'${String(s).replaceAll("'", "''")}'`;
const args = process.argv.slice(2);
const arg = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const csv = arg('--csv');
const out = arg('--out');
const threads = Number(arg('--threads', '0'));
const config = { memory_limit: arg('--memory-limit', '700MB') };
if (threads > 0) config.threads = String(threads);

const type = (c) =>
  CUR_DECIMAL.includes(c) ? 'DECIMAL(38,18)' : CUR_TIMESTAMP.includes(c) ? 'TIMESTAMP' : 'VARCHAR';
const columns = CUR_HEADER.map((c) => `${lit(c)}: ${lit(type(c))}`).join(', ');
try {
  const instance = await DuckDBInstance.create(':memory:', config);
  const conn = await instance.connect();
  const res = await conn.runAndReadAll(
    `COPY (SELECT * FROM read_csv(${lit(csv)}, header = true, columns = {${columns}})) TO ${lit(out)} (FORMAT parquet, COMPRESSION zstd)`,
  );
  process.stdout.write(`${JSON.stringify({ rows: Number(res.getRows()[0]?.[0]) })}\n`);
  conn.closeSync();
  instance.closeSync();
} catch (e) {
  process.stderr.write(`cur-baseline: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
}
