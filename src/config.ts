// The config file (README.md#config-file): `--config FILE`, env AICOST_CONFIG, or ./aicost.config.yaml when present.
// zod-validated; an error names the key and the line.
import { existsSync, readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { InputError } from './errors.js';

/** A decimal amount written as a YAML number or string; kept as its decimal text (money is never a float). */
const Amount = z
  .union([z.number(), z.string()])
  .transform((v) => String(v).trim())
  .refine((v) => /^\d+(\.\d+)?$/.test(v) && Number(v) > 0, 'must be a positive decimal amount');

/** One budget (README.md#config-file): a spend limit over a calendar period, optionally scoped to tags, provider, model. */
export const BudgetSchema = z
  .object({
    name: z.string().min(1),
    amount: Amount,
    period: z.enum(['month', 'quarter', 'year']).default('month'),
    /** Required when the data has more than one billing currency. */
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD')
      .optional(),
    /** Tag keys (and the special keys `provider`, `model`) -> a value or a list of values; absent = all spend. */
    scope: z
      .record(z.string().min(1), z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]))
      .default({}),
    thresholds: z
      .array(z.number().positive())
      .min(1)
      .default([50, 75, 90, 100])
      .transform((t) => [...new Set(t)].sort((a, b) => a - b)),
    /** The threshold (percent) at which `--fail-on budget` exits 1. */
    fail_at: z.number().positive().default(100),
  })
  .strict();
export type Budget = z.infer<typeof BudgetSchema>;

export const ConfigSchema = z
  .object({
    /** BillingAccountId for sources whose data carries none. */
    account: z.string().min(1).optional(),
    /** A YAML rate card overriding bundled prices. */
    rate_card: z.string().min(1).optional(),
    /** Tag keys whose values are stored only as salted hashes (e-mail addresses, user ids). */
    hash_tags: z.array(z.string().min(1)).default([]),
    /** Tag keys never stored (added to the built-in content keys). */
    deny_tags: z.array(z.string().min(1)).default([]),
    /** Budgets (used by the budgets and report commands). */
    budgets: z
      .array(BudgetSchema)
      .default([])
      .refine((bs) => new Set(bs.map((b) => b.name)).size === bs.length, 'budget names must be unique'),
  })
  .strict();
export type Config = z.infer<typeof ConfigSchema>;

export function loadConfig(explicit?: string): Config {
  const path = explicit ?? (existsSync('aicost.config.yaml') ? 'aicost.config.yaml' : undefined);
  if (!path) return ConfigSchema.parse({});
  if (!existsSync(path)) throw new InputError('config file not found', { file: path });
  const lines = new LineCounter();
  const doc = parseDocument(readFileSync(path, 'utf8'), { lineCounter: lines });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new InputError(`invalid YAML: ${e.message.split('\n')[0]}`, {
      file: path,
      record: lines.linePos(e.pos[0]).line,
    });
  }
  const parsed = ConfigSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const keyPath = issue.path.map(String);
    const node = keyPath.length ? doc.getIn(keyPath, true) : undefined;
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    const record = range ? lines.linePos(range[0]).line : undefined;
    throw new InputError(`config key "${keyPath.join('.') || '(root)'}": ${issue.message}`, {
      file: path,
      record,
    });
  }
  return parsed.data;
}
