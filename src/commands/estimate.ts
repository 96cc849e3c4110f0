// aicost estimate: the monthly cost of a prompt or model change on the observed traffic of a feature, before it ships
// (docs/estimate.md); with --threshold-amount / --threshold-pct, exit 1 when the increase exceeds them.
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import type { PromptText } from '../analysis/estimate-types.js';
import { ExitCode, InputError } from '../errors.js';
import { output } from '../report/output.js';
import { globalOptions } from './global.js';

const FORMATS = ['table', 'json', 'markdown'];

/**
 * A prompt option: `-` reads standard input, `text:...` is the text itself, anything else is a file path. A path is
 * never taken as text: a mistyped file name must fail, not be priced as a one-line prompt.
 */
function promptText(value: unknown, flag: string, stdin: { used: boolean }): PromptText | undefined {
  if (value === undefined) return undefined;
  const v = String(value);
  if (v === '-') {
    if (stdin.used) throw new InputError('only one of --prompt-before and --prompt-after can read stdin (-)');
    stdin.used = true;
    return { text: readFileSync(0, 'utf8'), source: 'stdin' };
  }
  if (v.startsWith('text:')) return { text: v.slice('text:'.length), source: 'text' };
  if (!existsSync(v) || !statSync(v).isFile())
    throw new InputError(
      `${flag}: no such file "${v}"`,
      {},
      'pass a file, - for standard input, or text:... for the prompt text itself',
    );
  return { text: readFileSync(v, 'utf8'), source: v };
}

function wholeNumber(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(String(value))) throw new InputError(`${flag} must be a whole number, got "${value}"`);
  return Number(value);
}

function pct(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const s = String(value).replace(/%$/, '');
  if (!/^\d+(\.\d+)?$/.test(s))
    throw new InputError(`--threshold-pct must be a non-negative number, got "${value}"`);
  return Number(s);
}

export function register(program: Command): void {
  program
    .command('estimate')
    .description('Estimate the monthly cost of a prompt or model change on the observed traffic of a feature')
    .option('--feature <name>', 'the feature tag whose traffic is priced (last 30 days of its data)')
    .option('--prompt-before <file>', 'the prompt now: a file, - for stdin, or text:...')
    .option('--prompt-after <file>', 'the prompt after the change (same forms)')
    .option(
      '--model <id>',
      'price a prompt change on this model (default: the dominant model of the feature)',
    )
    .option(
      '--before-tokens <n>',
      'the provider count of the before prompt (e.g. its count-tokens API): calibrates approximate counts',
    )
    .option(
      '--model-before <id>',
      'a model change: the model now (default: the dominant model of the feature)',
    )
    .option('--model-after <id>', 'a model change: the model to re-price the traffic on')
    .option('--threshold-amount <usd>', 'exit 1 when the monthly increase is above this amount')
    .option(
      '--threshold-pct <pct>',
      'exit 1 when the monthly increase is above this percent of the current cost',
    )
    .option('--rate-card <file>', 'YAML rate card over the bundled prices')
    .option('--format <format>', 'table | json | markdown', 'table')
    .addHelpText(
      'after',
      `
Examples:
  $ aicost estimate --feature support --prompt-before old.txt --prompt-after new.txt
  $ git show main:prompts/support.txt | aicost estimate --feature support --prompt-before - --prompt-after prompts/support.txt
  $ aicost estimate --feature support --model-after gpt-4.1-mini --format markdown
  $ aicost estimate --feature support --prompt-before old.txt --prompt-after new.txt --threshold-amount 50   # CI gate

OpenAI models are counted exactly (o200k_base / cl100k_base); other families are approximate and say how.`,
    )
    .action(async (opts, cmd: Command) => {
      const format = String(opts.format);
      if (!FORMATS.includes(format))
        throw new InputError(`unknown --format "${format}" (${FORMATS.join(', ')})`);
      const stdin = { used: false };
      const options = {
        feature: opts.feature === undefined ? '' : String(opts.feature),
        promptBefore: promptText(opts.promptBefore, '--prompt-before', stdin),
        promptAfter: promptText(opts.promptAfter, '--prompt-after', stdin),
        model: opts.model,
        beforeTokens: wholeNumber(opts.beforeTokens, '--before-tokens'),
        modelBefore: opts.modelBefore,
        modelAfter: opts.modelAfter,
        thresholdAmount: opts.thresholdAmount === undefined ? undefined : String(opts.thresholdAmount),
        thresholdPct: pct(opts.thresholdPct),
        rateCard: opts.rateCard,
      };
      const g = globalOptions(cmd);
      if (options.rateCard === undefined) {
        const { loadConfig } = await import('../config.js');
        options.rateCard = loadConfig(g.config).rate_card;
      }
      const { estimateChange } = await import('../analysis/estimate.js');
      const render = await import('../report/estimate-render.js');
      const report = await estimateChange(g.data, options);
      output.data(
        format === 'json'
          ? JSON.stringify(report, null, 2)
          : format === 'markdown'
            ? render.estimateMarkdown(report)
            : render.estimateTable(report),
      );
      if (report.threshold.exceeded) process.exitCode = ExitCode.checkFailed;
    });
}
