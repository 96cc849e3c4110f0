// Counting a prompt's tokens for a model, offline (docs/estimate.md#tokenization). OpenAI models are counted exactly
// with their own BPE encoding (gpt-tokenizer bundles the rank files, so nothing is downloaded). No other vendor
// publishes an offline tokenizer for its current models, so their counts are the OpenAI count scaled by a family
// factor taken from the vendor's own published characters-per-token figure, and are labelled approximate.
import { modelFamilyProvider } from '../prices/names.js';

export type Encoding = 'o200k_base' | 'cl100k_base';
export type Family = 'openai' | 'anthropic' | 'google' | 'llama' | 'mistral' | 'other';

/** How a model's tokens are counted: the encoding's count × factor, rounded to a whole token. */
export interface Tokenizer {
  family: Family;
  encoding: Encoding;
  factor: number;
  /** True only when the encoding is the model's own tokenizer (factor 1). */
  exact: boolean;
  /** One line saying how the count is made, for the report. */
  method: string;
  /** Public sources of the factor (none when exact, or when no figure is published). */
  sources: string[];
}

/** OpenAI's rule of thumb for its tokenizers: about 4 characters of English per token. */
const OPENAI_TOKENS = 'https://help.openai.com/en/articles/4936856-what-are-tokens-and-how-to-count-them';

/**
 * Families without an offline tokenizer. The factor is OpenAI's characters per token over the vendor's, both
 * published rules of thumb for English text; where no vendor figure exists the factor is 1 and says so.
 */
const APPROXIMATE: Record<Exclude<Family, 'openai'>, Omit<Tokenizer, 'family' | 'exact'>> = {
  anthropic: {
    encoding: 'o200k_base',
    // Anthropic's glossary: "a token approximately represents 3.5 English characters"; 4 / 3.5 = 1.142857...
    factor: 1.14,
    method: 'o200k_base count × 1.14 (Claude ~3.5 characters per token vs OpenAI ~4)',
    sources: ['https://platform.claude.com/docs/en/about-claude/glossary', OPENAI_TOKENS],
  },
  google: {
    encoding: 'o200k_base',
    factor: 1,
    method: 'o200k_base count × 1 (Gemini ~4 characters per token, as OpenAI)',
    sources: ['https://ai.google.dev/gemini-api/docs/tokens', OPENAI_TOKENS],
  },
  llama: {
    // Llama 3's vocabulary is cl100k_base's 100K tokens plus 28K non-English ones, "with no impact on English
    // tokenization" (The Llama 3 Herd of Models, section 3.1): for English text the cl100k_base count is close.
    encoding: 'cl100k_base',
    factor: 1,
    method: 'cl100k_base count (Llama 3 extends cl100k_base with 28K non-English tokens)',
    sources: ['https://arxiv.org/abs/2407.21783'],
  },
  mistral: {
    encoding: 'o200k_base',
    factor: 1,
    method: 'o200k_base count × 1 (uncalibrated: Mistral publishes no characters-per-token figure)',
    sources: [],
  },
  other: {
    encoding: 'o200k_base',
    factor: 1,
    method: 'o200k_base count × 1 (uncalibrated: no tokenizer known for this model)',
    sources: [],
  },
};

/** The cl100k_base generation of OpenAI models (GPT-4 and GPT-3.5 chat, the embeddings); newer ones use o200k_base. */
const CL100K = /^(gpt-4($|-)|gpt-3\.5|text-embedding-)/;

/** The tokenizer family of a canonical model id, whichever provider hosts it (Claude on Bedrock is Claude). */
export function familyOf(model: string): Family {
  const id = model.toLowerCase();
  if (modelFamilyProvider(id) === 'openai') return 'openai';
  if (id.includes('claude')) return 'anthropic';
  if (/gemini|gemma/.test(id)) return 'google';
  if (/llama-?3/.test(id)) return 'llama';
  if (modelFamilyProvider(id) === 'mistral' || /mistral|mixtral/.test(id)) return 'mistral';
  return 'other';
}

export function tokenizerFor(model: string): Tokenizer {
  const family = familyOf(model);
  if (family === 'openai') {
    const encoding: Encoding = CL100K.test(model.toLowerCase()) ? 'cl100k_base' : 'o200k_base';
    return { family, encoding, factor: 1, exact: true, method: `exact (${encoding})`, sources: [] };
  }
  return { family, exact: false, ...APPROXIMATE[family] };
}

/**
 * Tokens of `text` in an encoding, as plain text: special-token spellings such as `<|endoftext|>` count as the
 * characters they are (a prompt file is text, not control tokens). The encoding is loaded on first use (~0.2 s).
 */
export async function encodingCount(text: string, encoding: Encoding): Promise<number> {
  const mod =
    encoding === 'o200k_base'
      ? await import('gpt-tokenizer/encoding/o200k_base')
      : await import('gpt-tokenizer/encoding/cl100k_base');
  return mod.countTokens(text, { disallowedSpecial: new Set() });
}

/** round(n × num ÷ den) half up, in integers: 25 × 1.14 is 28.5, which a float would make 28.499999999999996. */
export function scaleCount(n: number, num: number, den: number): number {
  return Math.floor((2 * n * num + den) / (2 * den));
}

/** Tokens of `text` for a model under its tokenizer: the encoding's count × factor, rounded half up. */
export async function countFor(text: string, t: Tokenizer): Promise<number> {
  const n = await encodingCount(text, t.encoding);
  return scaleCount(n, Math.round(t.factor * 100), 100);
}
