// The allocation target (bench/README.md: under 5 s over 10M usage rows): after the ingest, a month of provider invoice
// lines is built from the generated traffic (OpenAI Costs API page grouped by line_item, Anthropic cost report grouped
// by description, one line per day, model and token class) and the whole `aicost allocate --by feature` process is
// timed.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Builds the invoice files from the data home's usage; returns their paths and the number of lines. */
export async function writeInvoices(runNode, { aicost, home, dir, env }) {
  const sql = `SELECT provider, model, strftime("date", '%Y-%m-%d') AS d,
      SUM(input)::VARCHAR AS input, SUM(cache_read)::VARCHAR AS cache_read, SUM(output)::VARCHAR AS output
    FROM usage WHERE provider IN ('openai', 'anthropic') AND model IS NOT NULL GROUP BY ALL ORDER BY ALL`;
  const r = await runNode([aicost, 'query', sql, '--format', 'json', '--data', home], { cwd: dir, env });
  if (r.code !== 0) throw new Error(`aicost query failed: ${r.stderr}`);
  const rows = JSON.parse(r.stdout);
  const openai = new Map();
  const anthropic = new Map();
  let lines = 0;
  // invoice amounts: tokens at a flat 1.1 USD per 1M (exact decimal text; the bench times, it does not price)
  const usd = (tokens) =>
    (BigInt(tokens) * 11n)
      .toString()
      .padStart(8, '0')
      .replace(/(\d{7})$/, '.$1');
  for (const row of rows) {
    const day = Date.parse(`${row.d}T00:00:00Z`) / 1000;
    const classes = [
      ['input', row.input, 'input', 'uncached_input_tokens'],
      ['cache_read', row.cache_read, 'cached input', 'cache_read_input_tokens'],
      ['output', row.output, 'output', 'output_tokens'],
    ];
    for (const [, tokens, oaName, anName] of classes) {
      if (tokens === '0') continue;
      lines++;
      if (row.provider === 'openai') {
        if (!openai.has(day)) openai.set(day, []);
        openai
          .get(day)
          .push(
            `{"object":"organization.costs.result","amount":{"value":${usd(tokens)},"currency":"usd"},"line_item":"${row.model}, ${oaName}","project_id":null,"api_key_id":null,"quantity":${tokens},"quantity_unit":"tokens"}`,
          );
      } else {
        if (!anthropic.has(row.d)) anthropic.set(row.d, []);
        // cents as a decimal string
        anthropic.get(row.d).push(
          `{"currency":"USD","amount":"${(BigInt(tokens) * 11n)
            .toString()
            .padStart(6, '0')
            .replace(
              /(\d{5})$/,
              '.$1',
            )}","workspace_id":null,"description":"${row.model} ${anName}","cost_type":"tokens","model":"${row.model}","service_tier":"standard","token_type":"${anName}"}`,
        );
      }
    }
  }
  const oa = [...openai.entries()].map(
    ([d, res]) =>
      `{"object":"bucket","start_time":${d},"end_time":${d + 86400},"results":[${res.join(',')}]}`,
  );
  const an = [...anthropic.entries()].map(
    ([d, res]) =>
      `{"starting_at":"${d}T00:00:00Z","ending_at":"${d}T23:59:59Z","results":[${res.join(',')}]}`,
  );
  const files = [join(dir, 'openai_costs.json'), join(dir, 'anthropic_cost_report.json')];
  writeFileSync(files[0], `{"object":"page","data":[${oa.join(',')}],"has_more":false,"next_page":null}`);
  writeFileSync(files[1], `{"data":[${an.join(',')}],"has_more":false,"next_page":null}`);
  return { files, lines };
}
