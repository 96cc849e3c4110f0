// manifest.json: the source of truth for what is stored (docs/architecture.md#the-data-home). Views read exactly the
// files it lists.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { InputError } from '../errors.js';

export const DATASETS = [
  'focus',
  'usage',
  'allocated',
  'allocation-factors',
  'commitments',
  'telemetry',
  // per-input rows of exports that are joined before they become focus/ rows (Azure actual + amortized cost
  // details, ingest/azure-join.ts); no view reads them
  'exports',
] as const;
export type Dataset = (typeof DATASETS)[number];

const Totals = z.record(z.string(), z.string());

export const StoredFileSchema = z.object({
  /** Path relative to the data home, e.g. `focus/x_BillingPeriod=2025-08/x_SourceId=openai-costs/ab12.parquet`. */
  path: z.string(),
  dataset: z.enum(DATASETS),
  sourceId: z.string(),
  /** Partition value: billing period (focus) or UTC date (usage). */
  partition: z.string(),
  /** sha256 of the input file the rows came from. */
  inputSha256: z.string(),
  rows: z.number().int(),
  totals: Totals,
  createdAt: z.string(),
});
export type StoredFile = z.infer<typeof StoredFileSchema>;

export const IngestedInputSchema = z.object({
  sha256: z.string(),
  path: z.string(),
  bytes: z.number().int(),
  sourceId: z.string(),
  /** Replacement key (docs/data-model.md#replacement-keys): what a later input of the same key replaces. */
  replacementKey: z.string(),
  rowsIn: z.number().int(),
  rowsOut: z.number().int(),
  rejected: z.number().int(),
  /** Rows dropped because identical rows were already stored (focus source) or restated by a later input. */
  duplicates: z.number().int().default(0),
  reconciliation: z.array(z.object({ measure: z.string(), source: z.string(), stored: z.string() })),
  /**
   * The input's freshness (docs/data-model.md#replacement-keys): when it was exported (the file's modification
   * time) and the start of its latest bucket or record. Replacements between rows of the same key follow it, not
   * the ingest order. Absent on inputs recorded before it was kept: they lose to any input that has it.
   */
  exportedAt: z.string().nullable().optional(),
  latestStart: z.string().nullable().optional(),
  ingestedAt: z.string(),
  aicostVersion: z.string(),
});
export type IngestedInput = z.infer<typeof IngestedInputSchema>;

/**
 * The data home's format. 2: usage/ partitioned by month (one file per input and month). A format-1 home (usage
 * partitioned by day) is read as format 2: its files stay where they are, only their partition becomes the month,
 * and the next write records format 2. A newer format than this aicost knows is an error, never a guess.
 */
export const FORMAT_VERSION = 2;

export const ManifestSchema = z.object({
  formatVersion: z.literal(FORMAT_VERSION),
  focusVersion: z.literal('1.3'),
  /** Salt for API-key hashes, per data home. */
  salt: z.string(),
  files: z.array(StoredFileSchema),
  inputs: z.array(IngestedInputSchema),
  /** Allocation runs: what each `aicost allocate` covered (its allocated rows and factors are files above). */
  allocations: z
    .array(
      z.object({
        runId: z.string(),
        keys: z.array(z.string()),
        method: z.string(),
        from: z.string().nullable(),
        to: z.string().nullable(),
        originRows: z.number().int(),
        pool: z.record(z.string(), z.string()),
        /** The shared-resource rules the run applied (usage_attributed recomputes targets with them). */
        sharedResources: z.array(z.record(z.string(), z.unknown())).optional(),
        createdAt: z.string(),
      }),
    )
    .default([]),
  /** Bumped by every commit; readers register the generation they read (store/readers.ts). */
  generation: z.number().int().default(0),
  /**
   * Files dropped from `files` but kept on disk for readers that may still use an older manifest: each is deleted by
   * a later writer once no live reader registered before `generation` (the commit that dropped it) remains.
   */
  retired: z.array(z.object({ path: z.string(), generation: z.number().int() })).default([]),
  /** What `aicost doctor --fix` dropped, and why (docs/architecture.md#repair). */
  repairs: z
    .array(
      z.object({
        at: z.string(),
        files: z.array(
          z.object({
            path: z.string(),
            problem: z.string(),
            dataset: z.string(),
            rows: z.number().int(),
            totals: Totals,
            inputSha256: z.string(),
          }),
        ),
        inputs: z.array(z.object({ path: z.string(), sha256: z.string() })),
      }),
    )
    .default([]),
});
export type Manifest = z.infer<typeof ManifestSchema>;

export function emptyManifest(): Manifest {
  return {
    formatVersion: FORMAT_VERSION,
    focusVersion: '1.3',
    salt: randomBytes(16).toString('hex'),
    files: [],
    inputs: [],
    allocations: [],
    generation: 0,
    retired: [],
    repairs: [],
  };
}

export function manifestPath(home: string): string {
  return join(home, 'manifest.json');
}

/** Reads the manifest; a missing one is an empty data home. A corrupt one is an input error naming the key. */
export function readManifest(home: string): Manifest {
  const path = manifestPath(home);
  if (!existsSync(path)) return emptyManifest();
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new InputError(`manifest is not valid JSON: ${(e as Error).message}`, { file: path });
  }
  const parsed = ManifestSchema.safeParse(upgrade(raw, path));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(
      `manifest does not match the expected shape at ${issue?.path.join('.')}: ${issue?.message}`,
      {
        file: path,
      },
    );
  }
  return parsed.data;
}

/** Format 1 -> 2 in memory (see FORMAT_VERSION); anything newer is refused with a clear message. */
function upgrade(raw: unknown, path: string): unknown {
  if (typeof raw !== 'object' || raw === null) return raw;
  const m = raw as { formatVersion?: unknown; files?: { dataset?: string; partition?: string }[] };
  if (typeof m.formatVersion === 'number' && m.formatVersion > FORMAT_VERSION)
    throw new InputError(
      `data home format ${m.formatVersion} is newer than this aicost understands (${FORMAT_VERSION})`,
      { file: path },
      'upgrade aicost to read this data home',
    );
  if (m.formatVersion !== 1) return raw;
  const files = (m.files ?? []).map((f) =>
    f.dataset === 'usage' && typeof f.partition === 'string'
      ? { ...f, partition: f.partition.slice(0, 7) }
      : f,
  );
  return { ...m, formatVersion: FORMAT_VERSION, files };
}
