// The price book and rate card file format (one zod schema, types derived) and its YAML reader, which turns a
// zod issue or a YAML syntax error into an InputError naming the file, the key path and the line.
import { readFileSync } from 'node:fs';
import { type Document, isMap, isNode, isScalar, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { fractionDigits, isDecimalString, PRICE_SCALE } from './decimal.js';
import { SERVICE_TIERS } from './names.js';

/** Token classes that carry their own price; `cache_write` (TTL unknown) is priced at `cache_write_5m`. */
export const PRICED_TOKEN_CLASSES = [
  'input',
  'cache_read',
  'cache_write_5m',
  'cache_write_1h',
  'output',
] as const;
/** Non-token units, priced per single unit. */
export const OTHER_UNITS = ['image', 'audio_second', 'character', 'tool_call'] as const;
export const PRICE_UNITS = [...PRICED_TOKEN_CLASSES, ...OTHER_UNITS] as const;
export type PricedTokenClass = (typeof PRICED_TOKEN_CLASSES)[number];
export type OtherUnit = (typeof OTHER_UNITS)[number];
export type PriceUnit = (typeof PRICE_UNITS)[number];

/** Prices per 1M tokens may have 12 decimals, so the per-token price fits DECIMAL(38,18). */
const MAX_PER_1M_DECIMALS = PRICE_SCALE - 6;

const decimalString = (maxDecimals: number) =>
  z
    .string({
      error: 'must be a quoted decimal string such as "2.50" (an unquoted YAML number would be a float)',
    })
    .refine(isDecimalString, { error: 'must be a plain non-negative decimal such as "2.50"' })
    .refine((v) => fractionDigits(v) <= maxDecimals, { error: `must have at most ${maxDecimals} decimals` });

const dateString = z
  .string({ error: 'must be a date YYYY-MM-DD' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be a date YYYY-MM-DD' })
  .refine((v) => new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), { error: 'is not a calendar date' });

const tokenPrices = z.strictObject(
  Object.fromEntries(
    PRICED_TOKEN_CLASSES.map((c) => [c, decimalString(MAX_PER_1M_DECIMALS).optional()]),
  ) as Record<PricedTokenClass, z.ZodOptional<ReturnType<typeof decimalString>>>,
);

const unitPrices = z.strictObject(
  Object.fromEntries(OTHER_UNITS.map((u) => [u, decimalString(PRICE_SCALE).optional()])) as Record<
    OtherUnit,
    z.ZodOptional<ReturnType<typeof decimalString>>
  >,
);

const priceEntry = z
  .strictObject({
    valid_from: dateString,
    valid_to: dateString.optional(),
    service_tier: z.enum(SERVICE_TIERS).optional(),
    min_context_tokens: z.int().positive().optional(),
    region: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    source: z.string().min(1).optional(),
    note: z.string().optional(),
    per_1m_tokens: tokenPrices.optional(),
    per_unit: unitPrices.optional(),
  })
  .superRefine((entry, ctx) => {
    const n = Object.keys(entry.per_1m_tokens ?? {}).length + Object.keys(entry.per_unit ?? {}).length;
    if (n === 0)
      ctx.addIssue({ code: 'custom', message: 'needs per_1m_tokens or per_unit prices', path: [] });
    if (entry.valid_to !== undefined && entry.valid_to <= entry.valid_from)
      ctx.addIssue({ code: 'custom', message: 'must be after valid_from', path: ['valid_to'] });
  });

const modelEntry = z.strictObject({
  aliases: z.array(z.string().min(1)).optional(),
  prices: z.array(priceEntry).min(1),
});

/**
 * A price file: the bundled book (`prices/book.yaml`) or a user rate card. Both have the same shape:
 * `providers.<provider id>.<model id>` with `aliases` and a list of `prices` entries.
 */
export const priceFileSchema = z.strictObject({
  version: z.literal(1, { error: 'must be 1' }),
  sources: z.record(z.string(), z.string()).optional(),
  providers: z.record(z.string(), z.record(z.string(), modelEntry)),
});

export type PriceFile = z.infer<typeof priceFileSchema>;
export type ModelEntry = z.infer<typeof modelEntry>;
export type PriceEntry = z.infer<typeof priceEntry>;

/** A parsed price file that can still locate any key path to a line. */
export interface LoadedPriceFile {
  file: string;
  data: PriceFile;
  lineOf(path: readonly PropertyKey[]): number | undefined;
}

/** Builds the InputError for a problem at `path` in a price file. */
export function priceFileError(
  loaded: Pick<LoadedPriceFile, 'file' | 'lineOf'>,
  path: readonly PropertyKey[],
  message: string,
  hint?: string,
): InputError {
  const keyPath = formatKeyPath(path);
  const record = loaded.lineOf(path);
  return new InputError(
    keyPath ? `${keyPath}: ${message}` : message,
    { file: loaded.file, record, column: keyPath || undefined },
    hint,
  );
}

/** `providers.openai.gpt-4o.prices[0].valid_from` */
export function formatKeyPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

const HINT =
  'See the format described at the top of prices/book.yaml and in fixtures/rate-card/example.yaml.';

/** Reads and validates a price file. Throws InputError (file, key path, line) on the first problem. */
export function readPriceFile(file: string, text = readFileSync(file, 'utf8')): LoadedPriceFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const lineOf = (path: readonly PropertyKey[]) => locate(doc, lineCounter, path);
  const syntax = doc.errors[0];
  if (syntax) {
    const line = lineCounter.linePos(syntax.pos[0]).line;
    throw new InputError(`invalid YAML: ${syntax.message.split('\n')[0]}`, { file, record: line }, HINT);
  }
  const parsed = priceFileSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw priceFileError({ file, lineOf }, issue.path, issue.message, HINT);
  }
  return { file, data: parsed.data, lineOf };
}

/** Line of the deepest existing node on `path`; for a map key, the line of the key itself. */
function locate(doc: Document, lines: LineCounter, path: readonly PropertyKey[]): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const prefix = path.slice(0, depth);
    const parent = depth > 0 ? doc.getIn(prefix.slice(0, -1), true) : undefined;
    const last = prefix[prefix.length - 1];
    if (isMap(parent) && typeof last === 'string') {
      const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === last);
      const range = isNode(pair?.key) ? pair.key.range : undefined;
      if (range) return lines.linePos(range[0]).line;
    }
    const node = depth > 0 ? doc.getIn(prefix, true) : doc.contents;
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}
