// aicost ingest PATH...: thin wrapper over ingest(); prints per file source, rows and the reconciliation.
import type { Command } from 'commander';
import type { IngestReport } from '../ingest/ingest.js';
import { output } from '../report/output.js';
import { formatFlag, globalOptions, jsonFlag, outputFormat } from './global.js';

async function render(report: IngestReport): Promise<string> {
  const { renderTable } = await import('../report/table.js');
  const { count } = await import('../report/format.js');
  const rows = report.files.map((f) => {
    const money = f.reconciliation[0];
    return [
      f.path,
      f.sourceId ?? '?',
      f.status,
      count(f.rowsIn),
      count(f.rowsOut),
      count(f.rejected),
      money
        ? `${trimZeros(money.source)} = ${trimZeros(money.stored)}`
        : f.status === 'ingested'
          ? `${f.reconciliation.length} checks ok`
          : '',
    ];
  });
  // the reconciliation stays exact: it is the proof that nothing was lost or rounded on the way in
  const by = (status: string) => report.files.filter((f) => f.status === status).length;
  const parts = [
    [by('ingested'), report.dryRun ? 'would be stored' : 'stored'],
    [by('unchanged'), 'unchanged (ingested before)'],
    [by('failed'), 'failed'],
  ].filter(([n]) => n);
  const n = report.files.length;
  const title = `${report.dryRun ? 'Dry run' : 'Ingest'} of ${count(n)} file${n === 1 ? '' : 's'}: ${parts.map(([k, what]) => `${count(k)} ${what}`).join(', ')}`;
  return renderTable(
    ['file', 'source', 'status', 'rows in', 'rows out', 'rejected', 'source total = stored total'],
    rows,
    { title },
  );
}

export function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

export function register(program: Command): void {
  program
    .command('ingest')
    .description('Normalize provider bills, usage reports, gateway logs and FOCUS files into the data home')
    .argument(
      '<paths...>',
      'files, folders (walked; non-data files are skipped), glob patterns, or - for standard input',
    )
    .option('--source <id>', 'skip detection and read every file as this source (see aicost sources)')
    .option('--account <id>', 'BillingAccountId for sources whose data carries none')
    .option('--dry-run', 'read, check and reconcile, but store nothing')
    .option('--keep-going', 'commit the good files even if some fail (still exits 2 naming the bad ones)')
    .option(
      '--replace-period',
      'generic FOCUS input: replace stored rows of the same billing period instead of adding',
    )
    .option('--rate-card <file>', 'YAML rate card overriding bundled prices for cost estimates')
    .option(
      '--hash-tags <keys>',
      'tag keys whose values are stored only as salted hashes (e.g. customer_email)',
    )
    // GPU telemetry (docs/gpu.md): nvidia-smi prints local times without a zone
    .option(
      '--timezone <zone>',
      'IANA zone of nvidia-smi local times (default: config gpu.timezone, else UTC)',
    )
    .addOption(formatFlag(['table', 'json']))
    .addOption(jsonFlag())
    .addHelpText(
      'after',
      `
Examples:
  $ aicost ingest exports/                                  every supported file under exports/, auto-detected
  $ aicost ingest costs.json usage.json --account org-123
  $ aicost ingest spendlogs.csv --source litellm --dry-run
  $ aicost ingest spendlogs.csv.gz usage.json.zst           gzip and zstd, found by content
  $ cat spendlogs.csv | aicost ingest - --source litellm    standard input
  $ aicost ingest 'exports/**/*.csv'                        a pattern the shell did not expand
  $ aicost ingest cur/my-report/20250101-20250201/          an AWS CUR or Data Exports delivery
  $ aicost ingest gpu-smi.csv --timezone Europe/Berlin      nvidia-smi samples taken in Berlin local time

Each file prints its source, rows in/out/rejected and the source total against the stored FOCUS total; an
ingest whose totals do not reconcile exactly fails. Bad input exits 2 and leaves the data home unchanged.

Compressed files (.gz, .zst) are recognised by their first bytes, whatever their name; unzip .zip archives first.
"-" reads standard input once; detection runs on it too, but --source is the reliable way. A glob pattern that
matches nothing is an error; if it ends in an extension (*.csv) its files count as named (one that is not a
supported input is an error), otherwise (exports/*) they are treated like a walked folder (non-data skipped).
A folder holding a delivery manifest (AWS <report>-Manifest.json) is read as one input: the data files the
manifest lists, together; a listed file that is missing is an error. JSON Schemas and OpenAPI files found in a
folder are skipped with a warning.`,
    )
    .action(async (paths: string[], opts, cmd: Command) => {
      const g = globalOptions(cmd);
      // the library is imported lazily so `aicost --help` stays fast
      const { ingest } = await import('../ingest/ingest.js');
      const { loadConfig } = await import('../config.js');
      const config = loadConfig(g.config);
      const report = await ingest({
        home: g.data,
        paths,
        source: opts.source,
        account: opts.account ?? config.account,
        hashTags: [...config.hash_tags, ...(opts.hashTags ? String(opts.hashTags).split(',') : [])],
        denyTags: config.deny_tags,
        dryRun: opts.dryRun,
        keepGoing: opts.keepGoing,
        replacePeriod: opts.replacePeriod,
        rateCard: opts.rateCard ?? config.rate_card,
        timezone: opts.timezone ?? config.gpu?.timezone,
        onProgress: (m) => (m ? output.progress(m) : output.progressDone()),
      });
      if (outputFormat(cmd) === 'json') {
        output.data(JSON.stringify(report, null, 2));
        return;
      }
      output.data(await render(report));
      for (const f of report.files) {
        for (const w of f.warnings) output.warn(`${f.path}: ${w}`);
        for (const n of f.notes) output.note(`${f.path}: ${n}`);
      }
      for (const s of report.skipped) output.warn(`skipped ${s.path}: ${s.reason}`);
      for (const w of report.warnings) output.warn(w);
      if (report.dryRun) output.note('dry run: nothing stored');
    });
}
