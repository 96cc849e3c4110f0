// The price book: the bundled prices/book.yaml plus an optional user rate card, flattened to one row per
// (provider, model, unit, tier, period), with the aliases that resolve raw model ids to canonical snapshot ids.
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TokenClass } from '../usage/schema.js';
import { normalizeDecimal, shiftDecimal } from './decimal.js';
import {
  clipRow,
  contextLevelOf,
  contextLevels,
  overlaps,
  type PriceRow,
  type PriceSegment,
  pickRow,
  priceSegments,
} from './effective.js';
import {
  bedrockIdVariants,
  cleanModelId,
  KNOWN_PROVIDERS,
  normalizeProvider,
  normalizeServiceTier,
} from './names.js';
import {
  type LoadedPriceFile,
  OTHER_UNITS,
  PRICED_TOKEN_CLASSES,
  type PriceUnit,
  priceFileError,
  readPriceFile,
} from './schema.js';

export type { PriceRow, PriceSegment } from './effective.js';
export type { PriceUnit } from './schema.js';

/** The bundled price book, located relative to this module (works from src/ and from dist/). */
export const BOOK_PATH = fileURLToPath(new URL('../../prices/book.yaml', import.meta.url));

/** One id under which a model is requested, for one provider. `region` is the Bedrock profile the id implies. */
export interface ModelAlias {
  provider: string;
  alias: string;
  model: string;
  region: string | null;
}

export interface ResolvedModel {
  /** The normalized provider; for a null provider, the model's first-party provider when the id is known. */
  provider: string | null;
  /** Canonical (dated snapshot) id, or the cleaned raw id when unknown. */
  model: string;
  /** True when the book has prices for this model under this provider. */
  known: boolean;
}

type Located = PriceRow & { path: readonly PropertyKey[]; file: LoadedPriceFile };

/**
 * Loads the bundled book and, if given, a rate card (same format) whose prices win over the book's for the same
 * provider, model, unit, tier, context tier and profile over the rate card's period. Throws InputError naming the
 * file, key path and line of the first problem.
 */
export function loadPriceBook(opts: { rateCard?: string } = {}): PriceBook {
  const book = readPriceFile(BOOK_PATH);
  const bookRows = flatten(book, true);
  const aliases = new Map<string, ModelAlias>();
  addAliases(book, aliases, (_p, m) => m);
  let rows: Located[] = bookRows;
  if (opts.rateCard) {
    const card = readPriceFile(opts.rateCard);
    // A rate card may name a model by any alias the book knows; it then prices the canonical model.
    const canonical = (p: string, m: string) => aliases.get(key(p, m))?.model ?? m;
    const cardRows = flatten(card, false, canonical);
    addAliases(card, aliases, canonical, true);
    rows = [...bookRows.flatMap((r) => clipByCard(r, cardRows)), ...cardRows];
  }
  checkOverlaps(rows);
  return new PriceBook(
    rows.map(({ path: _path, file: _file, ...row }) => row),
    [...aliases.values()],
  );
}

function key(provider: string, alias: string): string {
  return `${provider}\u0000${alias}`;
}

/** Flattens a price file to rows: one per unit price, per profile of the entry. */
function flatten(
  loaded: LoadedPriceFile,
  isBook: boolean,
  canonical: (provider: string, model: string) => string = (_p, m) => m,
): Located[] {
  const { data } = loaded;
  const rows: Located[] = [];
  for (const [provider, models] of Object.entries(data.providers)) {
    if (normalizeProvider(provider) !== provider)
      throw priceFileError(
        loaded,
        ['providers', provider],
        `write the provider id as '${normalizeProvider(provider)}'`,
      );
    for (const [modelKey, entry] of Object.entries(models)) {
      if (cleanModelId(modelKey) !== modelKey)
        throw priceFileError(
          loaded,
          ['providers', provider, modelKey],
          `write the model id as '${cleanModelId(modelKey)}'`,
        );
      const model = canonical(provider, modelKey);
      for (const [i, price] of entry.prices.entries()) {
        const path = ['providers', provider, modelKey, 'prices', i] as const;
        const source = price.source ?? (isBook ? undefined : `rate card ${basename(loaded.file)}`);
        if (!source) throw priceFileError(loaded, [...path, 'source'], 'every price needs a source');
        const sourceId = source.split(' ')[0]!;
        if (isBook && data.sources && !(sourceId in data.sources))
          throw priceFileError(
            loaded,
            [...path, 'source'],
            `unknown source '${sourceId}' (not listed under sources)`,
          );
        const regions = price.region === undefined ? [null] : [price.region].flat();
        const units: [PriceUnit, string][] = [
          ...PRICED_TOKEN_CLASSES.flatMap((c) => {
            const v = price.per_1m_tokens?.[c];
            return v === undefined ? [] : [[c, shiftDecimal(v, 6)] as [PriceUnit, string]];
          }),
          ...OTHER_UNITS.flatMap((u) => {
            const v = price.per_unit?.[u];
            return v === undefined ? [] : [[u, normalizeDecimal(v)] as [PriceUnit, string]];
          }),
        ];
        for (const region of regions)
          for (const [unit, value] of units)
            rows.push({
              provider,
              model,
              unit,
              price: value,
              valid_from: price.valid_from,
              valid_to: price.valid_to ?? null,
              service_tier: price.service_tier ?? null,
              min_context_tokens: price.min_context_tokens ?? null,
              region: region?.toLowerCase() ?? null,
              source,
              origin: isBook ? 'book' : 'rate-card',
              path,
              file: loaded,
            });
      }
    }
  }
  return rows;
}

/** Registers every canonical id and alias (Bedrock ids with their profile and version variants). */
function addAliases(
  loaded: LoadedPriceFile,
  into: Map<string, ModelAlias>,
  canonical: (provider: string, model: string) => string,
  override = false,
): void {
  const pending: { path: readonly PropertyKey[]; provider: string; id: string; model: string }[] = [];
  for (const [provider, models] of Object.entries(loaded.data.providers))
    for (const modelKey of Object.keys(models))
      pending.push({
        path: ['providers', provider, modelKey],
        provider,
        id: modelKey,
        model: canonical(provider, modelKey),
      });
  for (const [provider, models] of Object.entries(loaded.data.providers))
    for (const [modelKey, entry] of Object.entries(models))
      for (const [i, alias] of (entry.aliases ?? []).entries())
        pending.push({
          path: ['providers', provider, modelKey, 'aliases', i],
          provider,
          id: cleanModelId(alias),
          model: canonical(provider, modelKey),
        });
  const added = new Set<string>();
  for (const { path, provider, id, model } of pending) {
    const variants = provider === 'aws-bedrock' ? bedrockIdVariants(id) : [{ alias: id, region: null }];
    for (const { alias, region } of variants) {
      const k = key(provider, alias);
      const existing = into.get(k);
      const mine = added.has(k);
      if (existing && existing.model !== model && (mine || !override))
        throw priceFileError(loaded, path, `'${alias}' already names ${existing.model} for ${provider}`);
      if (!existing || override) into.set(k, { provider, alias, model, region });
      added.add(k);
    }
  }
}

/** Cuts a book row's period where a rate card row with the same key applies. */
function clipByCard(row: Located, cardRows: readonly Located[]): Located[] {
  let pieces: Located[] = [row];
  for (const c of cardRows) {
    if (!sameKey(row, c)) continue;
    pieces = pieces.flatMap((p) =>
      overlaps(p, c) ? (clipRow(p, c.valid_from, c.valid_to) as Located[]) : [p],
    );
  }
  return pieces;
}

function sameKey(a: PriceRow, b: PriceRow): boolean {
  return (
    a.provider === b.provider &&
    a.model === b.model &&
    a.unit === b.unit &&
    a.service_tier === b.service_tier &&
    a.min_context_tokens === b.min_context_tokens &&
    a.region === b.region
  );
}

function checkOverlaps(rows: readonly Located[]): void {
  const groups = new Map<string, Located[]>();
  for (const r of rows) {
    const k = [r.provider, r.model, r.unit, r.service_tier, r.min_context_tokens, r.region].join('\u0000');
    const group = groups.get(k) ?? [];
    const clash = group.find((g) => overlaps(g, r));
    if (clash)
      throw priceFileError(
        r.file,
        r.path,
        `${r.unit} price for ${r.provider}/${r.model} overlaps the period of ${clash.file === r.file ? '' : `${basename(clash.file.file)} `}${clash.path.join('.')}`,
        'Periods for the same provider, model, unit, tier and region must not overlap: end one with valid_to.',
      );
    group.push(r);
    groups.set(k, group);
  }
}

/** The resolved price book. Build it with {@link loadPriceBook}. */
export class PriceBook {
  private readonly byAlias = new Map<string, ModelAlias>();
  /** Provider-less ids: the first provider (first-party first) that knows the id. */
  private readonly byGlobalAlias = new Map<string, ModelAlias>();
  private readonly byModel = new Map<string, PriceRow[]>();

  constructor(
    /** Every list price, per single unit. */
    readonly rows: readonly PriceRow[],
    /** Every id (canonical ids included, lowercase) under which each provider's models are requested. */
    readonly aliases: readonly ModelAlias[],
  ) {
    for (const a of aliases) this.byAlias.set(key(a.provider, a.alias), a);
    for (const a of [...aliases].sort(
      (x, y) => providerRank(x.provider) - providerRank(y.provider) || x.provider.localeCompare(y.provider),
    ))
      if (!this.byGlobalAlias.has(a.alias)) this.byGlobalAlias.set(a.alias, a);
    for (const r of rows) {
      const k = key(r.provider, r.model);
      this.byModel.set(k, [...(this.byModel.get(k) ?? []), r]);
    }
  }

  /** The ids that resolve without a provider, each with the provider whose prices apply. */
  globalAliases(): ModelAlias[] {
    return [...this.byGlobalAlias.values()];
  }

  /** Rows of one model (any tier, period, profile). */
  rowsOf(provider: string, model: string): readonly PriceRow[] {
    return this.byModel.get(key(provider, model)) ?? [];
  }

  /** Time segments of one model's prices for a service tier, Bedrock profile and context level (0 = base tier). */
  segments(
    provider: string,
    model: string,
    tier: string | null,
    region: string | null,
    context = 0,
  ): PriceSegment[] {
    return priceSegments(this.rowsOf(provider, model), tier, region, context);
  }

  /** 0 (base tier) and the long-context thresholds of one model's prices, ascending. */
  contextLevels(provider: string, model: string): number[] {
    return contextLevels(this.rowsOf(provider, model));
  }

  /**
   * Resolves a raw model id: lowercased, gateway prefixes stripped, then through the provider's aliases. Without a
   * provider the first-party provider that knows the id is used. Unknown ids keep the cleaned raw id (unpriced).
   */
  resolveModel(provider: string | null, raw: string): ResolvedModel {
    const p = normalizeProvider(provider);
    const id = cleanModelId(raw);
    const hit = p === null ? this.byGlobalAlias.get(id) : this.byAlias.get(key(p, id));
    if (hit) return { provider: hit.provider, model: hit.model, known: true };
    return { provider: p, model: this.byGlobalAlias.get(id)?.model ?? id, known: false };
  }

  /**
   * The price row for one unit at a request time, or null when unpriced. A service-tier price is preferred over
   * the default tier, a Bedrock-profile price over the any-profile one; `cache_write` uses the 5-minute write price.
   * `contextTokens` is the request's input incl. cache: above a long-context threshold, that tier's price applies.
   */
  lookup(
    provider: string | null,
    model: string,
    unit: TokenClass | PriceUnit,
    at: Date,
    serviceTier?: string | null,
    contextTokens = 0,
  ): PriceRow | null {
    const resolved = this.resolveModel(provider, model);
    if (!resolved.known || resolved.provider === null) return null;
    const id = cleanModelId(model);
    const region =
      (provider === null ? this.byGlobalAlias.get(id) : this.byAlias.get(key(resolved.provider, id)))
        ?.region ?? null;
    const priced: PriceUnit = unit === 'cache_write' ? 'cache_write_5m' : unit;
    const day = at.toISOString().slice(0, 10);
    const rows = this.rowsOf(resolved.provider, resolved.model);
    const context = contextLevelOf(rows, contextTokens);
    return pickRow(rows, priced, day, normalizeServiceTier(serviceTier), region, context) ?? null;
  }
}

function providerRank(provider: string): number {
  const i = KNOWN_PROVIDERS.indexOf(provider);
  return i < 0 ? KNOWN_PROVIDERS.length : i;
}
