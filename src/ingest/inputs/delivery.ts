// Folder deliveries: a cloud billing export arrives as several data files plus a manifest that lists them. The
// manifest makes them ONE input (one hash, one set of totals); the manifest itself is not data. Only the list of data
// files and the delivery's identity are read here; what the data files mean is the job of the source that detects
// them (FOCUS today; the cloud billing sources later), so this mechanism depends on none of them.
//
// AWS Cost and Usage Report (legacy CUR): `<report>-Manifest.json` beside the report files, with `assemblyId` (one
// per report update), `reportKeys` (the S3 keys of the report files), `billingPeriod` `{start, end}` and `columns`.
// https://docs.aws.amazon.com/cur/latest/userguide/access-cur-s3.html ("Cost and Usage Reports manifest files"); the
// field shape as project-koku/nise writes it for testing koku: nise/aws-template-manifest.json.
// AWS Data Exports (CUR 2.0, FOCUS 1.2 with AWS columns): `metadata/<partition>/<export>-Manifest.json` with
// `executionId`, `exportArn`, `columns` and `dataFiles`, the full S3 URIs of the data files under `data/<partition>/`.
// https://docs.aws.amazon.com/cur/latest/userguide/dataexports-manifest.html and
// https://docs.aws.amazon.com/cur/latest/userguide/dataexports-export-delivery.html
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';
import { z } from 'zod';
import { InputError } from '../../errors.js';

export interface Delivery {
  manifest: string;
  kind: 'aws-cur' | 'aws-data-exports';
  /** The report or export it belongs to, and its billing period start when the manifest says. */
  report: string;
  period: string | null;
  /** The data files, resolved on disk, in manifest order. */
  files: string[];
}

const period = z.object({ start: z.string().optional() }).optional();
const CUR = z.object({
  assemblyId: z.string(),
  reportKeys: z.array(z.string()),
  reportName: z.string().optional(),
  billingPeriod: period,
});
const DATA_EXPORTS = z.object({
  executionId: z.string(),
  dataFiles: z.array(z.string()),
  exportArn: z.string().optional(),
  billingPeriod: period,
});

/** AWS names every delivery manifest `<report or export name>-Manifest.json`. */
export function isManifestName(path: string): boolean {
  return basename(path).endsWith('-Manifest.json');
}

const isFile = (p: string) => statSync(p, { throwIfNoEntry: false })?.isFile() === true;

/**
 * A listed file on disk. Keys are paths inside the bucket (CUR) or `s3://bucket/...` URIs (Data Exports); a
 * downloaded delivery keeps the tail of that path, so the longest tail that exists under the manifest's folder or
 * one of its three parents wins (legacy: `<assemblyId>/<report>-1.csv.gz` beside the period's manifest; Data Exports:
 * `data/BILLING_PERIOD=2025-01/<export>-00001.csv.gz` two levels above `metadata/BILLING_PERIOD=2025-01/`).
 */
function resolveKey(key: string, manifest: string): string | null {
  const inBucket = /^s3:\/\/[^/]+\/(.*)$/.exec(key)?.[1] ?? key;
  const parts = inBucket.split('/').filter((p) => p !== '');
  if (parts.some((p) => p === '..' || p === '.')) {
    throw new InputError(`the manifest lists a path with "." or ".." segments: ${key}`, { file: manifest });
  }
  const bases: string[] = [];
  for (let dir = dirname(manifest), i = 0; i < 4 && !bases.includes(dir); i++, dir = dirname(dir))
    bases.push(dir);
  for (let start = 0; start < parts.length; start++) {
    for (const base of bases) {
      const p = join(base, ...parts.slice(start));
      if (isFile(p)) return p;
    }
  }
  return null;
}

function parseManifest(path: string): Omit<Delivery, 'files'> & { keys: string[] } {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new InputError(`unreadable delivery manifest (${(e as Error).message})`, { file: path });
  }
  const name = basename(path).slice(0, -'-Manifest.json'.length);
  const o = (doc ?? {}) as Record<string, unknown>;
  const schema = 'dataFiles' in o || 'executionId' in o ? DATA_EXPORTS : CUR;
  const r = schema.safeParse(doc);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new InputError(`not a valid delivery manifest: ${issue?.path.join('.') || '$'} ${issue?.message}`, {
      file: path,
    });
  }
  const m = r.data as z.infer<typeof CUR> & z.infer<typeof DATA_EXPORTS>;
  return 'dataFiles' in r.data
    ? {
        manifest: path,
        kind: 'aws-data-exports',
        report: m.exportArn ?? name,
        period: m.billingPeriod?.start ?? null,
        keys: m.dataFiles,
      }
    : {
        manifest: path,
        kind: 'aws-cur',
        report: m.reportName ?? name,
        period: m.billingPeriod?.start ?? null,
        keys: m.reportKeys,
      };
}

/** True when a `-Manifest.json` file has the marker keys of a delivery manifest (cheap: read before walking on). */
export function looksLikeDelivery(path: string): boolean {
  if (!isManifestName(path)) return false;
  try {
    const o = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    return o !== null && typeof o === 'object' && ('reportKeys' in o || 'dataFiles' in o);
  } catch {
    return false;
  }
}

/** Reads a delivery manifest and finds its data files; a listed file that is missing is an input error naming it. */
export function readDelivery(path: string): Delivery {
  const { keys, ...head } = parseManifest(path);
  const files = keys.map((key) => {
    const found = resolveKey(key, path);
    if (!found) {
      throw new InputError(
        `a data file the manifest lists is missing: ${key}`,
        { file: path },
        'download the whole delivery folder (data files and manifest) before ingesting it',
      );
    }
    return found;
  });
  return { ...head, files };
}

/**
 * Deliveries found in one walk that are not the current one, each with the manifest that supersedes it. Legacy CUR
 * keeps every update's manifest in its `<assemblyId>/` folder below the billing period's folder, whose own manifest
 * is the latest update: a manifest below another of the same report and period is an earlier (or the same) update.
 * Two manifests listing exactly the same files are one delivery; the first in path order is kept.
 */
export function supersededDeliveries(all: Delivery[]): Map<string, string> {
  const depth = (d: Delivery) => d.manifest.split(sep).length;
  // shallowest first, then path order: each delivery kept supersedes the deeper or later ones it covers
  const ordered = [...all].sort((a, b) => depth(a) - depth(b) || a.manifest.localeCompare(b.manifest));
  const covers = (d: Delivery, o: Delivery) =>
    (o.kind === d.kind &&
      o.report === d.report &&
      o.period === d.period &&
      dirname(o.manifest).startsWith(`${dirname(d.manifest)}${sep}`)) ||
    o.files.join('\0') === d.files.join('\0');
  const out = new Map<string, string>();
  for (const d of ordered) {
    if (out.has(d.manifest)) continue;
    for (const o of ordered)
      if (o !== d && !out.has(o.manifest) && covers(d, o)) out.set(o.manifest, d.manifest);
  }
  return out;
}
