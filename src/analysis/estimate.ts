// `aicost estimate`: the monthly cost of a change before it ships, on the feature's observed traffic
// (docs/estimate.md). A prompt change is its token delta per request × requests per month × the price of an input
// token as the feature's cache mix pays it; a model change re-prices the observed token mix on another model.
// Everything is priced at list prices of the window's last day; the report says how each number was made.
import { loadPriceBook } from '../prices/book.js';
import { installPrices } from '../prices/install.js';
import { type Db, withDb } from '../store/duckdb.js';
import { TOKEN_CLASSES, type TokenClass } from '../usage/schema.js';
import {
  exceeds,
  inputShare,
  MONTH_DAYS,
  money,
  monthlyCost,
  per1m,
  percent,
  promptDelta,
} from './estimate-money.js';
import { countPrompts, perMonth, rescale, tokenizerNotes } from './estimate-tokens.js';
import {
  type ModelRef,
  observeFeature,
  type Prices,
  pricesAt,
  resolveModelId,
  type Traffic,
} from './estimate-traffic.js';
import {
  checkOptions,
  ESTIMATE_SCHEMA,
  type EstimateOptions,
  type EstimateReport,
  type ModelInfo,
} from './estimate-types.js';
import { tokenizerFor } from './tokenize.js';
import { attachViews } from './views.js';

export type * from './estimate-types.js';

interface Side {
  ref: ModelRef;
  prices: Prices;
  info: ModelInfo;
}

/** Estimates the monthly cost of a prompt or model change for one feature. */
export async function estimateChange(home: string, opts: EstimateOptions): Promise<EstimateReport> {
  const kind = checkOptions(opts);
  const book = opts.rateCard ? loadPriceBook({ rateCard: opts.rateCard }) : null;
  return withDb({}, async (db) => {
    await attachViews(db, home);
    await installPrices(db, { book });
    const traffic = await observeFeature(db, opts.feature);
    const top = traffic.models[0]!;
    const observed: ModelRef = { provider: top.provider ?? '', model: top.model };
    const side = async (raw: string | undefined): Promise<Side> => {
      const ref = raw === undefined ? observed : await resolveModelId(db, raw, top.provider);
      return describe(db, ref, raw === undefined ? 'observed' : 'option', traffic);
    };
    const notes = windowNotes(traffic, top.model);
    const base = {
      schema: ESTIMATE_SCHEMA,
      kind,
      feature: opts.feature,
      currency: 'USD',
      basis: book ? 'rate-card' : 'price-book',
      priced_at: traffic.to,
      window: { from: traffic.from, to: traffic.to, days: traffic.days },
      requests: {
        in_window: traffic.requests,
        per_month: Math.round((traffic.requests * MONTH_DAYS * 100) / traffic.days) / 100,
      },
      cache: {
        read_share: inputShare(traffic.tokens, ['cache_read']),
        write_share: inputShare(traffic.tokens, ['cache_write_5m', 'cache_write_1h', 'cache_write']),
      },
    } as const;
    const threshold = { amount: opts.thresholdAmount ?? null, pct: opts.thresholdPct ?? null };
    const finish = (before: bigint, after: bigint) => outcome(before, after, threshold, notes);

    if (kind === 'model') {
      const [before, after] = [await side(opts.modelBefore), await side(opts.modelAfter)];
      const observedTok = tokenizerFor(observed.model);
      const mixBefore = rescale(traffic.tokens, observedTok, before.info.tokenizer);
      const mixAfter = rescale(traffic.tokens, observedTok, after.info.tokenizer);
      const costBefore = monthlyCost(mixBefore, before.prices, traffic.days, before.ref.model);
      const costAfter = monthlyCost(mixAfter, after.prices, traffic.days, after.ref.model);
      notes.push(...substitutionNotes(before.ref.model, costBefore.substituted));
      notes.push(...substitutionNotes(after.ref.model, costAfter.substituted));
      notes.push(...tokenizerNotes(observed.model, [before.info, after.info]));
      const exact = [before, after].every(
        (s) =>
          s.info.tokenizer.exact && s.info.tokenizer.encoding === observedTok.encoding && observedTok.exact,
      );
      return {
        ...base,
        method: exact ? 'exact' : 'approximate',
        model: { before: before.info, after: after.info },
        prompt: null,
        tokens_per_month: {
          before: perMonth(mixBefore, traffic.days),
          after: perMonth(mixAfter, traffic.days),
        },
        ...finish(costBefore.units, costAfter.units),
        notes,
      };
    }

    const s = await side(opts.model);
    if (opts.model !== undefined && s.ref.model !== observed.model)
      notes.push(`priced as ${s.ref.model} (--model); the feature's traffic ran mostly on ${observed.model}`);
    const counted = await countPrompts(opts, s.info.tokenizer, notes);
    const delta = counted.after - counted.before;
    if (traffic.minInput !== null && counted.before > traffic.minInput)
      notes.push(
        `the before prompt (${counted.before} tokens) is longer than the feature's smallest request (${traffic.minInput} input tokens): is it the prompt this feature sends?`,
      );
    const current = monthlyCost(traffic.tokens, s.prices, traffic.days, s.ref.model);
    const change = promptDelta(delta, traffic.requests, traffic.days, traffic.tokens, s.prices, s.ref.model);
    notes.push(
      ...substitutionNotes(s.ref.model, [...new Set([...current.substituted, ...change.substituted])]),
    );
    return {
      ...base,
      method: s.info.tokenizer.exact && counted.calibration === null ? 'exact' : 'approximate',
      model: { before: s.info, after: s.info },
      prompt: {
        before: { source: opts.promptBefore!.source, tokens: counted.before },
        after: { source: opts.promptAfter!.source, tokens: counted.after },
        delta_per_request: delta,
        calibration: counted.calibration,
      },
      tokens_per_month: null,
      ...finish(current.units, current.units + change.units),
      notes,
    };
  });
}

/** The monthly figures and the threshold verdict, from exact before and after costs. */
function outcome(
  before: bigint,
  after: bigint,
  t: { amount: string | null; pct: number | null },
  notes: string[],
) {
  if (t.pct !== null && before === 0n) notes.push('--threshold-pct not checked: the current cost is 0');
  const delta = after - before;
  return {
    monthly: {
      before: money(before),
      after: money(after),
      delta: money(delta),
      delta_pct: percent(delta, before),
    },
    threshold: { ...t, exceeded: exceeds(delta, before, t.amount, t.pct) },
  };
}

async function describe(db: Db, ref: ModelRef, source: 'observed' | 'option', t: Traffic): Promise<Side> {
  const prices = await pricesAt(db, ref, t.to);
  const ran = t.models.filter((m) => m.model === ref.model).reduce((n, m) => n + m.requests, 0);
  const { family, encoding, factor, exact, method, sources } = tokenizerFor(ref.model);
  const price_per_1m = Object.fromEntries(
    TOKEN_CLASSES.map((c) => [c, per1m(prices[c])]),
  ) as ModelInfo['price_per_1m'];
  return {
    ref,
    prices,
    info: {
      provider: ref.provider || null,
      id: ref.model,
      source,
      requests_share: Math.round((ran / t.requests) * 10_000) / 10_000,
      tokenizer: { family, encoding, factor, exact, method, sources },
      price_per_1m,
    },
  };
}

function windowNotes(t: Traffic, model: string): string[] {
  const notes: string[] = [];
  if (t.days < MONTH_DAYS)
    notes.push(
      `only ${t.days} days of traffic (${t.from} .. ${t.to}): counts scaled × ${MONTH_DAYS}/${t.days}`,
    );
  const others = t.models.filter((m) => m.model !== model);
  if (others.length) {
    const share = others.reduce((n, m) => n + m.requests, 0) / t.requests;
    const names = others.slice(0, 3).map((m) => m.model);
    notes.push(
      `${Math.round(share * 1000) / 10}% of the requests ran on other models (${names.join(', ')}${others.length > 3 ? ', ...' : ''}); all are priced as one model`,
    );
  }
  return notes;
}

function substitutionNotes(model: string, classes: TokenClass[]): string[] {
  return classes.length
    ? [`${model} has no ${classes.join('/')} price: those tokens are priced as uncached input`]
    : [];
}
