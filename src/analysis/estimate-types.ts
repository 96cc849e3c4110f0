// The report of `aicost estimate` (JSON `schema: 'aicost.estimate/1'`), its options and the option checks made at
// the library boundary. Conventions as in the other reports: money is a decimal string in USD rounded to 10^-6,
// counts and shares are numbers, days are ISO UTC (docs/estimate.md#json).
import { InputError } from '../errors.js';
import type { TokenClass } from '../usage/schema.js';
import type { Family, Tokenizer } from './tokenize.js';

export const ESTIMATE_SCHEMA = 'aicost.estimate/1';

/** A prompt's text and where it came from (a file path, `-` for stdin, `text:` for inline text). */
export interface PromptText {
  text: string;
  source: string;
}

export interface EstimateOptions {
  /** The `feature` tag value whose observed traffic is priced. */
  feature: string;
  /** Prompt change: the text before and after. */
  promptBefore?: PromptText;
  promptAfter?: PromptText;
  /** Price (and tokenize) the prompt change on this model instead of the feature's dominant one. */
  model?: string;
  /** The provider's own token count of the before prompt (e.g. its count-tokens API): calibrates approximate counts. */
  beforeTokens?: number;
  /** Model change: re-price the observed traffic (before defaults to the feature's dominant model). */
  modelBefore?: string;
  modelAfter?: string;
  /** Exceeded when the monthly increase is above this many USD, or this percent of the before cost. */
  thresholdAmount?: string;
  thresholdPct?: number;
  /** A rate card over the bundled price book (prices/book.yaml). */
  rateCard?: string;
}

export interface ModelInfo {
  /** The provider whose prices apply; null when the usage rows name none (priced as the first-party provider). */
  provider: string | null;
  id: string;
  source: 'observed' | 'option';
  /** Share of the feature's requests in the window that ran on this model (0 when it was not observed). */
  requests_share: number;
  tokenizer: Pick<Tokenizer, 'encoding' | 'factor' | 'exact' | 'method' | 'sources'> & { family: Family };
  /** List prices per 1M tokens at `priced_at` (null: no price). */
  price_per_1m: Record<TokenClass, string | null>;
}

export interface EstimateReport {
  schema: typeof ESTIMATE_SCHEMA;
  kind: 'prompt' | 'model';
  feature: string;
  currency: 'USD';
  /** Where the prices come from: the bundled book, or the book with a rate card. */
  basis: 'price-book' | 'rate-card';
  /** The day whose prices apply: the window's last day. */
  priced_at: string;
  /** The days the traffic was observed over (inclusive), at most 30. */
  window: { from: string; to: string; days: number };
  requests: { in_window: number; per_month: number };
  /** Shares of the feature's input tokens read from and written to the prompt cache. */
  cache: { read_share: number; write_share: number };
  /** exact: OpenAI's own BPE on both sides; approximate: a family factor or a calibration. */
  method: 'exact' | 'approximate';
  model: { before: ModelInfo; after: ModelInfo };
  /** Prompt change: tokens per request of each prompt on the model, and the delta. */
  prompt: {
    before: { source: string; tokens: number };
    after: { source: string; tokens: number };
    delta_per_request: number;
    /** How --before-tokens calibrated the count, or null. */
    calibration: string | null;
  } | null;
  /** Model change: the observed token mix per 30-day month on each model (scaled across tokenizer families). */
  tokens_per_month: { before: Record<TokenClass, number>; after: Record<TokenClass, number> } | null;
  monthly: { before: string; after: string; delta: string; delta_pct: number | null };
  threshold: { amount: string | null; pct: number | null; exceeded: boolean };
  notes: string[];
}

const DECIMAL = /^\d+(\.\d+)?$/;

/** Which change the options describe; anything else is an input error (exit 2) before the data home is read. */
export function checkOptions(o: EstimateOptions): 'prompt' | 'model' {
  if (!o.feature)
    throw new InputError('--feature is required', {}, 'the feature tag whose traffic is priced');
  const prompt = o.promptBefore !== undefined || o.promptAfter !== undefined;
  const model = o.modelBefore !== undefined || o.modelAfter !== undefined;
  if (prompt === model)
    throw new InputError(
      prompt ? 'give either a prompt change or a model change, not both' : 'nothing to estimate',
      {},
      'a prompt change: --prompt-before A --prompt-after B; a model change: --model-after M [--model-before M0]',
    );
  if (prompt && (o.promptBefore === undefined || o.promptAfter === undefined))
    throw new InputError('a prompt change needs both --prompt-before and --prompt-after');
  if (model && o.modelAfter === undefined) throw new InputError('a model change needs --model-after');
  if (model && (o.model !== undefined || o.beforeTokens !== undefined))
    throw new InputError('--model and --before-tokens apply to a prompt change only');
  if (o.beforeTokens !== undefined && !(Number.isInteger(o.beforeTokens) && o.beforeTokens > 0))
    throw new InputError(`--before-tokens must be a whole number above 0, got ${o.beforeTokens}`);
  if (o.thresholdAmount !== undefined && !DECIMAL.test(o.thresholdAmount))
    throw new InputError(`--threshold-amount must be a non-negative decimal, got "${o.thresholdAmount}"`);
  if (
    o.thresholdPct !== undefined &&
    !(Number.isFinite(o.thresholdPct) && o.thresholdPct >= 0 && o.thresholdPct <= 1e9)
  )
    throw new InputError(`--threshold-pct must be a non-negative number, got ${o.thresholdPct}`);
  return prompt ? 'prompt' : 'model';
}
