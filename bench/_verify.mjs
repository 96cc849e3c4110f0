import { DuckDBInstance } from '@duckdb/node-api';
import { SPENDLOGS_COLUMNS } from './generate-spendlogs.mjs';
const file = process.argv[2];
const i = await DuckDBInstance.create(':memory:'); const c = await i.connect();
const cols = SPENDLOGS_COLUMNS.map(([n, t]) => `'${n}': '${t}'`).join(', ');
const q = async (sql) => (await c.runAndReadAll(sql)).getRowObjectsJson();
await c.run(`CREATE TABLE t AS SELECT * FROM read_csv('${file}', header = true, columns = {${cols}}, store_rejects = true)`);
console.log('rejects', await q(`SELECT count(*) n FROM reject_errors`), await q(`SELECT * FROM reject_errors LIMIT 3`));
console.log(await q(`SELECT count(*) n, count(DISTINCT request_id) ids, count(*) FILTER (NOT json_valid(metadata)) bad_meta,
  count(*) FILTER (NOT json_valid(request_tags)) bad_tags, sum(spend)::VARCHAR spend, min(startTime)::VARCHAR t0, max(startTime)::VARCHAR t1,
  count(*) FILTER (total_tokens <> prompt_tokens + completion_tokens) bad_total,
  count(*) FILTER (coalesce(TRY_CAST(metadata->>'$.usage_object.prompt_tokens_details.cached_tokens' AS BIGINT),0) > prompt_tokens) bad_cached,
  count(*) FILTER (coalesce(TRY_CAST(metadata->>'$.usage_object.cache_read_input_tokens' AS BIGINT),0) + coalesce(TRY_CAST(metadata->>'$.usage_object.cache_creation_input_tokens' AS BIGINT),0) > prompt_tokens) bad_anth,
  count(DISTINCT model) models, count(DISTINCT session_id) sessions, count(*) FILTER (session_id IS NULL) nosession,
  count(*) FILTER (status='failure') failures, count(*) FILTER (endTime < startTime) bad_end,
  max(prompt_tokens) maxp, median(prompt_tokens) medp, quantile_cont(prompt_tokens, 0.99) p99p
  FROM t`));
console.log(await q(`SELECT custom_llm_provider, count(*) n, round(sum(spend),2)::VARCHAR usd FROM t GROUP BY 1 ORDER BY 2 DESC`));
console.log(await q(`SELECT n, count(*) sessions FROM (SELECT session_id, count(*) n FROM t WHERE session_id IS NOT NULL GROUP BY 1) GROUP BY 1 ORDER BY 1`));
console.log(await q(`SELECT cache_hit, count(*) FROM t GROUP BY 1`), await q(`SELECT cache_key IS NULL, count(*) FROM t GROUP BY 1`));
console.log(await q(`SELECT request_tags, count(*) n FROM t GROUP BY 1 ORDER BY 2 DESC LIMIT 5`));
