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

/** A tag key, `operation` value or model name list in a shared-resource selector: one value or several. */
const OneOrMany = z
  .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
  .transform((v) => (Array.isArray(v) ? v : [v]));
const TagKey = z
  .string()
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,63}$/, 'must be a tag key (letters, digits, _ . : -)');

/** Which usage rows a shared-resource role covers: every given field must match (operation, model, tag values). */
const SelectorSchema = z
  .object({
    operation: OneOrMany.optional(),
    model: OneOrMany.optional(),
    tags: z.record(TagKey, OneOrMany).optional(),
  })
  .strict()
  .refine(
    (s) => s.operation || s.model || (s.tags && Object.keys(s.tags).length > 0),
    'must name an operation, a model or tags',
  );

/**
 * One shared resource (docs/allocation.md#shared-resources), e.g. a vector index several teams query: its build
 * usage charged to the team that triggered it, query-time usage to the querying team, maintenance usage split by
 * each team's share of the queries in the month. Applies when allocating by `key`.
 */
export const SharedResourceSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be a short name (letters, digits, _ . : -)'),
    /** The allocation key the rule rewrites (e.g. team): it applies when `--by` includes this key. */
    key: TagKey,
    build: z.object({ match: SelectorSchema, charge_to: TagKey }).strict().optional(),
    query: z.object({ match: SelectorSchema, charge_to: TagKey.optional() }).strict().optional(),
    maintenance: z.object({ match: SelectorSchema }).strict().optional(),
  })
  .strict()
  .refine((r) => r.build || r.query || r.maintenance, 'needs at least one of build, query, maintenance')
  .refine((r) => !r.maintenance || r.query, 'maintenance is split by query share: give query too');
export type SharedResource = z.infer<typeof SharedResourceSchema>;

// --- GPU clusters (docs/gpu.md): added with the GPU telemetry work; self-contained so other sections merge cleanly
/** An IANA time zone name, checked by the runtime's own zone table. */
const TimeZone = z.string().refine((z) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: z });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as Europe/Berlin or UTC');

/**
 * One GPU cluster: which cloud FOCUS rows are its charges (ResourceId or Tags), which telemetry samples are its GPUs
 * (GPU UUIDs, nodes or the OpenCost/DCGM cluster label), and the self-hosted models it serves (usage `model` or
 * `model_raw`). `compare_to` names API models priced by the price book for the cost-per-1M-tokens comparison.
 */
export const GpuClusterSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be a short name (letters, digits, _ . : -)'),
    charges: z
      .object({
        resource_ids: z.array(z.string().min(1)).optional(),
        tags: z.record(z.string().min(1), z.string()).optional(),
      })
      .strict()
      .refine(
        (c) => (c.resource_ids?.length ?? 0) > 0 || Object.keys(c.tags ?? {}).length > 0,
        'must name resource_ids or tags',
      ),
    telemetry: z
      .object({
        gpu_uuids: z.array(z.string().min(1)).optional(),
        nodes: z.array(z.string().min(1)).optional(),
        cluster: z.string().min(1).optional(),
      })
      .strict()
      .refine(
        (t) => (t.gpu_uuids?.length ?? 0) > 0 || (t.nodes?.length ?? 0) > 0 || t.cluster !== undefined,
        'must name gpu_uuids, nodes or cluster',
      ),
    models: z.array(z.string().min(1)).min(1),
    /** GPUs in the cluster, when no gpu-reservations row says (reserved GPU-hours = gpus × hours). */
    gpus: z.number().int().positive().optional(),
    compare_to: z.array(z.string().min(1)).default([]),
  })
  .strict();
export type GpuCluster = z.infer<typeof GpuClusterSchema>;

export const GpuConfigSchema = z
  .object({
    /** Zone of nvidia-smi local times (ingest --timezone overrides). */
    timezone: TimeZone.optional(),
    clusters: z
      .array(GpuClusterSchema)
      .default([])
      .refine((cs) => new Set(cs.map((c) => c.name)).size === cs.length, 'cluster names must be unique'),
  })
  .strict();
export type GpuConfig = z.infer<typeof GpuConfigSchema>;
// --- end GPU clusters

export const ConfigSchema = z
  .object({
    /** BillingAccountId for sources whose data carries none. */
    account: z.string().min(1).optional(),
    /** A YAML rate card overriding bundled prices. */
    rate_card: z.string().min(1).optional(),
    /** Tag keys whose values are stored only as salted hashes (e-mail addresses, user ids). */
    hash_tags: z.array(z.string().min(1)).default([]),
    /**
     * Tag key patterns never stored (`*` any characters, case-insensitive; without `*` a whole dotted segment), beside
     * the built-in content and credential rules (src/secrets.ts).
     */
    deny_tags: z.array(z.string().min(1)).default([]),
    /** Budgets (used by the budgets and report commands). */
    budgets: z
      .array(BudgetSchema)
      .default([])
      .refine((bs) => new Set(bs.map((b) => b.name)).size === bs.length, 'budget names must be unique'),
    /** `aicost validate` defaults (docs/validation.md#applicability-criteria). */
    validate: z
      .object({
        /** Applicability criteria the data's generator supports (e.g. PUBLIC_PRICE_LIST_SUPPORTED), or ALL. */
        applicability: z.array(z.string().regex(/^[A-Za-z_]+$/, 'must be a criterion name')).default([]),
      })
      .strict()
      .default({ applicability: [] }),
    /** Shared-resource rules applied by `aicost allocate` (docs/allocation.md#shared-resources). */
    shared_resources: z
      .array(SharedResourceSchema)
      .default([])
      .refine(
        (rs) => new Set(rs.map((r) => r.name)).size === rs.length,
        'shared resource names must be unique',
      ),
    /** GPU clusters and telemetry settings (docs/gpu.md): `aicost gpu`, `allocate --method x-gpu-time-v1`. */
    gpu: GpuConfigSchema.optional(),
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
