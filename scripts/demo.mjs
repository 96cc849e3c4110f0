// The quick start's main job: ingest every bundled fixture into ./aicost-data (embedded DuckDB, no server), then
// show what landed. Re-running it changes nothing (ingest is idempotent).
import { spawnSync } from 'node:child_process';

const bin = new URL('../bin/aicost.js', import.meta.url).pathname;
const run = (...args) => {
  const r = spawnSync(process.execPath, [bin, ...args], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
run(
  'ingest',
  'fixtures/openai',
  'fixtures/anthropic',
  'fixtures/litellm',
  'fixtures/focus',
  'fixtures/allocation',
  '--account',
  'demo-org',
);
run(
  'query',
  'SELECT x_SourceId, count(*) AS rows, SUM(BilledCost) AS billed_cost FROM focus GROUP BY 1 ORDER BY 1',
);
run('allocate', '--by', 'feature');
run('top', '--by', 'trace', '--limit', '5');
run(
  'query',
  'SELECT source_id, count(*) AS rows, SUM(input) AS input, SUM(cache_read) AS cache_read, SUM(output) AS output, SUM(cost_estimate) AS estimate FROM usage GROUP BY 1 ORDER BY 1',
);
