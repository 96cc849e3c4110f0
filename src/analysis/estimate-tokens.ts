// The token side of an estimate (docs/estimate.md#calibration): the prompts' counts on a model, calibrated by
// --before-tokens when the model has no exact tokenizer, and observed token mixes carried from one tokenizer family to
// another by the ratio of their factors. Counts stay whole numbers, rounded half up in integers (tokenize.ts).
import { InputError } from '../errors.js';
import { TOKEN_CLASSES, type TokenClass } from '../usage/schema.js';
import { MONTH_DAYS } from './estimate-money.js';
import type { Tokens } from './estimate-traffic.js';
import type { EstimateOptions, ModelInfo } from './estimate-types.js';
import { encodingCount, scaleCount, type Tokenizer, tokenizerFor } from './tokenize.js';

/**
 * The prompts' tokens on the model. With --before-tokens on an approximate model, the before count is the
 * provider's own and the after count is scaled by the same ratio (after's encoding count × given ÷ before's).
 */
export async function countPrompts(o: EstimateOptions, t: Tokenizer, notes: string[]) {
  const rawBefore = await encodingCount(o.promptBefore!.text, t.encoding);
  const rawAfter = await encodingCount(o.promptAfter!.text, t.encoding);
  const factor100 = Math.round(t.factor * 100);
  if (o.beforeTokens !== undefined && t.exact)
    notes.push(`--before-tokens ignored: ${t.encoding} is this model's own tokenizer, so the count is exact`);
  if (o.beforeTokens === undefined || t.exact)
    return {
      before: scaleCount(rawBefore, factor100, 100),
      after: scaleCount(rawAfter, factor100, 100),
      calibration: null,
    };
  if (rawBefore === 0) throw new InputError('--before-tokens cannot calibrate an empty before prompt');
  const ratio = (o.beforeTokens / rawBefore).toFixed(4);
  return {
    before: o.beforeTokens,
    after: scaleCount(rawAfter, o.beforeTokens, rawBefore),
    calibration: `${t.encoding} count × ${ratio} (--before-tokens ${o.beforeTokens} ÷ ${rawBefore}), replacing the family factor`,
  };
}

/** Observed token counts moved from the observed model's tokenizer family to another's (factor ratio). */
export function rescale(tokens: Tokens, from: Tokenizer, to: Pick<Tokenizer, 'factor'>): Tokens {
  const [num, den] = [Math.round(to.factor * 100), Math.round(from.factor * 100)];
  if (num === den) return tokens;
  return Object.fromEntries(TOKEN_CLASSES.map((c) => [c, scaleCount(tokens[c], num, den)])) as Tokens;
}

/** Token counts of the window per 30-day month, rounded to whole tokens for the report. */
export function perMonth(tokens: Tokens, days: number): Record<TokenClass, number> {
  return Object.fromEntries(
    TOKEN_CLASSES.map((c) => [c, Math.round((tokens[c] * MONTH_DAYS) / days)]),
  ) as Record<TokenClass, number>;
}

/** How the observed counts were carried to each model that is not the observed one. */
export function tokenizerNotes(observedModel: string, sides: ModelInfo[]): string[] {
  const observed = tokenizerFor(observedModel);
  const notes: string[] = [];
  for (const { id, tokenizer: t } of sides)
    if (id === observedModel) continue;
    else if (Math.round(t.factor * 100) !== Math.round(observed.factor * 100))
      notes.push(
        `token counts scaled × ${t.factor}/${observed.factor} from the ${observed.family} to the ${t.family} tokenizer (approximate)`,
      );
    else if (t.family !== observed.family || t.encoding !== observed.encoding || !t.exact)
      notes.push(
        `observed token counts kept for ${t.family} (${t.encoding} × ${t.factor}): the tokenizers are assumed to count alike`,
      );
  return [...new Set(notes)];
}
