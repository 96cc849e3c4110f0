// The quick start's main job (`npm ci && npm run demo`): ingest one sample of every input format aicost reads into
// ./aicost-data (embedded DuckDB, no server), then walk through what it gives: the FOCUS totals, the allocation
// showback, the costliest traces, the forecast and a budget check. Re-running it changes nothing: ingest skips what
// it has stored, and the allocation run is the same run.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = fileURLToPath(new URL('../bin/aicost.js', import.meta.url));
const config = 'scripts/demo.config.yaml';
const bold =
  process.stdout.isTTY && process.env.NO_COLOR === undefined ? (s) => `\x1b[1m${s}\x1b[22m` : (s) => s;

// The data files by format, named one by one: folders would also hand ingest their ORIGIN.md and expected.json.
const INPUTS = [
  ['OpenAI Costs API (invoice lines)', 'fixtures/openai/costs_by_line_item.json'],
  ['Anthropic cost report', 'fixtures/anthropic/cost_report.json'],
  ['LiteLLM gateway spend logs (CSV), tagged by feature', 'fixtures/litellm/spendlogs.csv'],
  ['OpenAI Costs API, a second project', 'fixtures/allocation/openai_costs.json'],
  ['Anthropic cost report, a second workspace', 'fixtures/allocation/anthropic_cost_report.json'],
  ['LiteLLM spend logs for those', 'fixtures/allocation/gateway_spendlogs.csv'],
  ['OpenAI Usage API', 'fixtures/openai/usage_completions.json'],
  ['Anthropic usage report', 'fixtures/anthropic/usage_report_messages.json'],
  ['Helicone export', 'fixtures/helicone/export.jsonl'],
  ['gateway CSV (any gateway, documented columns)', 'fixtures/gateway-csv/extra-columns.csv'],
  ['Langfuse trace export', 'fixtures/langfuse/trace_export_langgraph-2025-08-22.json'],
  ['OpenTelemetry GenAI spans (OTLP JSON)', 'fixtures/otel-genai/agent-trace.json'],
  ['a FOCUS export (a cloud bill)', 'fixtures/focus/focus10_sample_40rows.csv'],
  ['prepaid commitments (token bundles)', 'fixtures/commitments/bundles.csv'],
  ['OpenAI costs paid from a bundle', 'fixtures/commitments/openai_costs_exhausted.json'],
  ['AWS Cost and Usage Report, legacy CSV (real sample)', 'fixtures/aws/legacy_cur_sample.csv'],
  ['AWS CUR 2.0: Bedrock tokens, an RI, a savings plan', 'fixtures/aws/cur2_constructed.csv'],
  ['Azure EA cost details, actual (real sample)', 'fixtures/azure/ea_actualcost_small.csv'],
  ['Azure EA cost details, amortized (joined, not added)', 'fixtures/azure/ea_amortizedcost_small.csv'],
  ['Azure FOCUS export with Azure OpenAI token meters', 'fixtures/azure/aoai_token_meters_constructed.csv'],
  ['Google Cloud billing export (BigQuery rows)', 'fixtures/gcp/billing_export_constructed.jsonl'],
  ['GPU reservations (aicost CSV)', 'fixtures/gpu/reservations.csv'],
  ['GPU cloud charges (FOCUS)', 'fixtures/gpu/cloud-gpu-focus.csv'],
  ['nvidia-smi --query-gpu samples', 'fixtures/gpu/nvidia-smi-fleet.csv'],
  ['DCGM exporter scrape', 'fixtures/gpu/dcgm-fleet.prom'],
  ['OpenCost allocation API', 'fixtures/gpu/opencost-gpu.json'],
  ['self-hosted model traffic (gateway CSV)', 'fixtures/gpu/selfhosted-gateway.csv'],
];

let step = 0;
function section(title, why) {
  step++;
  process.stdout.write(`\n${bold(`== ${step}. ${title}`)}\n${why ? `${why}\n` : ''}\n`);
}

/** Runs aicost; `ok` lists the exit codes that are part of the story (1 = a check failed, as budgets may). */
function aicost(args, ok = [0]) {
  const shown = args.map((a) => (/[\s"'*]/.test(a) ? `'${a}'` : a)).join(' ');
  process.stdout.write(`$ aicost ${shown}\n`);
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, stdio: 'inherit' });
  if (!ok.includes(r.status ?? 1)) process.exit(r.status ?? 1);
}

section(
  'Ingest one sample of every supported format',
  `${INPUTS.map(([what, file]) => `  ${file.padEnd(58)} ${what}`).join('\n')}\n` +
    'Each file reconciles exactly (source total = stored total). A warning names usage aicost could not price\n' +
    '(a model the bundled price book lacks): those rows are stored all the same.',
);
aicost(['ingest', ...INPUTS.map(([, file]) => file), '--config', config]);

section('FOCUS totals by source', 'Every bill, whatever its format, is now FOCUS 1.3 rows in ./aicost-data.');
aicost([
  'query',
  'SELECT x_SourceId AS source, BillingCurrency AS currency, count(*) AS rows, SUM(BilledCost) AS billed, SUM(EffectiveCost) AS effective FROM focus GROUP BY ALL ORDER BY ALL',
]);

section(
  'Allocation showback by feature',
  "Invoice lines split onto the gateway's feature tags, August 2025.",
);
aicost(['allocate', '--by', 'feature', '--period', '2025-08']);

section(
  'A GPU cluster',
  `The llama-pool cluster of ${config}: its reservation and volume, split into busy and idle time by telemetry.`,
);
aicost(['gpu', '--config', config]);
aicost(['allocate', '--by', 'team', '--method', 'x-gpu-time-v1', '--period', '2025-08', '--config', config]);

section(
  'Cloud commitments',
  'RIs and savings plans from the cloud exports, as FOCUS 1.3 Contract Commitment rows.',
);
aicost([
  'query',
  'SELECT x_SourceId AS source, ContractCommitmentType AS type, ContractCommitmentCategory AS category, ContractCommitmentCost AS cost, ContractCommitmentQuantity AS quantity, ContractCommitmentUnit AS unit FROM commitments ORDER BY ALL',
]);

section('The costliest agent traces');
aicost(['top', '--by', 'trace', '--limit', '5']);

section('Forecast', 'Month-end and 30-day projections with P10-P90, and when each prepaid bundle runs out.');
aicost(['forecast']);

section('Budget check', `Budgets from ${config}; in CI, --fail-on budget makes a failing one exit 1.`);
aicost(['budgets', '--config', config], [0, 1]);

process.stdout.write(
  `\n${bold('Next steps')}\n` +
    '  npx aicost query "SELECT * FROM usage_attributed LIMIT 20"     any SQL over the views\n' +
    '  npx aicost query "SELECT * FROM focus" --format csv > focus.csv  every row, streamed\n' +
    '  npx aicost ingest ~/exports/                                     your own exports (README: Getting your data)\n' +
    '  npx aicost validate --view focus                                 FOCUS 1.3 conformance\n' +
    '  rm -rf aicost-data                                               start over\n',
);
