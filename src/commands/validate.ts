// aicost validate [PATH] [--view NAME]: FOCUS conformance as SQL, keyed by Requirements Model rule ids
// (docs/validation.md).
// Exit 1 when derived (or external subject) data breaks a MUST rule, 0 when the only findings are carried-over input
// data, 1 on any finding with --strict, 2 when the path cannot be read as a dataset.
import { type Command, Option } from 'commander';
import { CheckFailedError, InputError } from '../errors.js';
import { applicabilityCriteria } from '../focus/applicability.js';
import { output } from '../report/output.js';
import { formatFlag, globalOptions, jsonFlag, outputFormat } from './global.js';

interface ValidateFlags {
  view?: string;
  applicability?: string[];
  focusVersion: '1.2' | '1.3';
  strict?: boolean;
  limit: number;
}

const EMPTY_HINT: Record<string, string> = {
  focus: 'ingest provider cost reports or FOCUS files first: aicost ingest exports/',
  attributed: 'ingest provider cost reports or FOCUS files first: aicost ingest exports/',
  allocated: 'allocate invoiced cost first: aicost allocate --by feature',
  commitments: 'ingest a commitments file first (fixtures/commitments/bundles.csv shows the format)',
};

function parseLimit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InputError(`--limit must be a positive integer, got "${value}"`);
  return n;
}

export function register(program: Command): void {
  program
    .command('validate')
    .description('Check a FOCUS dataset against the FOCUS Requirements Model rules (one SQL query per rule)')
    .argument(
      '[path]',
      'a FOCUS CSV (.csv, .csv.gz, .csv.zst) or Parquet file, or a folder of them (nested and hive-partitioned folders too)',
    )
    .option(
      '--view <name>',
      'validate a view of the data home instead: focus, allocated, attributed, commitments',
    )
    .addOption(
      new Option('--focus-version <version>', 'FOCUS version of the rules')
        .choices(['1.2', '1.3'])
        .default('1.3'),
    )
    .option(
      '--applicability <criteria>',
      'applicability criteria the data supports, comma-separated, or ALL (config: validate.applicability)',
      (v: string, prev: string[] = []) => [...prev, ...v.split(',')],
    )
    .option('--strict', 'exit 1 on any finding, including carried-over input data and SHOULD-level warnings')
    .addOption(formatFlag(['table', 'json']))
    .addOption(jsonFlag())
    .option('--limit <n>', 'findings listed in the table', parseLimit, 50)
    .addHelpText(
      'after',
      `
Examples:
  $ aicost validate --view focus                      stored data; carried-over FOCUS input is reported, not failed
  $ aicost validate export.csv                        any FOCUS 1.3 CSV (read as text, types by castability)
  $ aicost validate export.parquet --focus-version 1.2 --format json
  $ aicost validate --view attributed --strict        any finding fails, source data included
  $ aicost validate --view commitments                prepaid bundles as FOCUS 1.3 Contract Commitment rows
  $ aicost validate aicost-data/focus                 a folder: the data home's own Parquet, a provider's export
  $ aicost validate export.csv.gz --applicability PUBLIC_PRICE_LIST_SUPPORTED,REGION_SUPPORTED

Exit codes: 0 conformant (or only carried-over findings), 1 a MUST rule is broken (any finding with --strict),
2 the path cannot be read as a dataset.`,
    )
    .addHelpText('after', applicabilityHelp)
    .action(async (path: string | undefined, flags: ValidateFlags, cmd: Command) => {
      const { validate } = await import('../analysis/validate.js');
      const render = await import('../report/validation-render.js');
      const report = await validate({
        path,
        view: flags.view,
        home: globalOptions(cmd).data,
        version: flags.focusVersion,
        strict: flags.strict ?? false,
        applicability: await applicability(flags, cmd),
      });
      // Every rule passes on no rows: an empty view is a mistake to report, not a green result.
      if (flags.view && report.rows === 0)
        throw new InputError(
          `view ${flags.view} is empty: there is nothing to validate`,
          {},
          EMPTY_HINT[flags.view],
        );
      output.data(
        outputFormat(cmd) === 'json'
          ? render.renderValidationJson(report)
          : render.renderValidationText(report, flags.limit),
      );
      if (report.exitCode !== 0) {
        const broken = report.results.filter((r) => r.status === 'fail' || r.status === 'warning').length;
        throw new CheckFailedError(`FOCUS validation failed: ${broken} rule(s) with findings`);
      }
    });
}

/** The criteria given by the flag, else by the config key; checked against the rules of the version. */
async function applicability(flags: ValidateFlags, cmd: Command): Promise<string[] | 'ALL'> {
  const { parseApplicability } = await import('../focus/applicability.js');
  if (flags.applicability)
    return parseApplicability(flags.applicability, flags.focusVersion, '--applicability');
  const { loadConfig } = await import('../config.js');
  const given = loadConfig(globalOptions(cmd).config).validate.applicability;
  return parseApplicability(given, flags.focusVersion, 'config key "validate.applicability"');
}

/** The criteria of the rules, for --help: read from focus-schemas/<version>/rules.csv when help is shown. */
function applicabilityHelp(): string {
  const all = applicabilityCriteria('1.3');
  const only13 = all.filter((c) => !applicabilityCriteria('1.2').includes(c));
  const lines = [
    '',
    'Applicability criteria (--applicability, or ALL): the features the data generator supports. A conditional',
    'column of a declared criterion must be present; rules of undeclared criteria are skipped. A column that is',
    'present declares its own criterion. The criteria of the FOCUS rules:',
  ];
  let line = ' ';
  for (const c of all) {
    if (line.length + c.length + 1 > 112) {
      lines.push(line);
      line = ' ';
    }
    line += ` ${c}`;
  }
  lines.push(line);
  if (only13.length) lines.push(`  (FOCUS 1.3 only: ${only13.join(', ')})`);
  return lines.join('\n');
}
