// What a crash leaves behind, and its removal by the next writer (docs/architecture.md#crash-leftovers): staging
// folders of killed transactions, Parquet renamed into the partition tree by a commit killed before its manifest
// swap (listed nowhere), and retired files no live reader can still use. Only files aicost writes are touched:
// `<name>.parquet` inside the dataset folders' partition folders (`key=value`, and allocated/factors).
import { existsSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Manifest } from './manifest.js';
import { oldestLiveReader } from './readers.js';

export const STAGING_DIR = '.staging';
const DATASET_DIRS = ['focus', 'usage', 'allocated', 'commitments', 'telemetry'];
const PARTITION = /^[A-Za-z_]+=[^/\\]+$/;
const STORED_NAME = /^[A-Za-z0-9_-]+\.parquet$/;

function list(dir: string): import('node:fs').Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

/** Relative paths of every aicost-written Parquet file in the dataset folders. */
export function storedParquetOnDisk(home: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of list(join(home, rel))) {
      const child = `${rel}/${e.name}`;
      if (e.isDirectory() && (PARTITION.test(e.name) || child === 'allocated/factors')) walk(child);
      else if (e.isFile() && STORED_NAME.test(e.name) && rel.includes('=')) out.push(child);
    }
  };
  for (const d of DATASET_DIRS) walk(d);
  return out.sort();
}

/** Stored Parquet that neither `files` nor `retired` lists: left by a commit that never swapped its manifest. */
export function unlistedParquet(home: string, manifest: Manifest): string[] {
  const known = new Set([...manifest.files.map((f) => f.path), ...manifest.retired.map((r) => r.path)]);
  return storedParquetOnDisk(home).filter((p) => !known.has(p));
}

/** Staging folders on disk other than `keep`. */
export function stagingLeftovers(home: string, keep?: string): string[] {
  return list(join(home, STAGING_DIR))
    .map((e) => join(home, STAGING_DIR, e.name))
    .filter((p) => p !== keep);
}

/** Retired files still on disk. */
export function retiredOnDisk(home: string, manifest: Manifest): string[] {
  return manifest.retired.filter((r) => existsSync(join(home, r.path))).map((r) => r.path);
}

/** Retired files (still on disk) that no live reader can be using any more. */
export function deletableRetired(home: string, manifest: Manifest): string[] {
  if (manifest.retired.length === 0) return [];
  const oldest = oldestLiveReader(home);
  const listed = new Set(manifest.files.map((f) => f.path));
  return manifest.retired
    .filter((r) => r.generation <= oldest && !listed.has(r.path) && existsSync(join(home, r.path)))
    .map((r) => r.path);
}

export interface Cleaned {
  staging: number;
  unlisted: string[];
  retired: string[];
}

/**
 * Removes leftovers. Call only holding the writer lock, with the manifest read under it (so "unlisted" means
 * unlisted in the newest manifest, which no reader can be ahead of).
 */
export function removeLeftovers(home: string, manifest: Manifest, keepStaging?: string): Cleaned {
  const staging = stagingLeftovers(home, keepStaging);
  for (const s of staging) rmSync(s, { recursive: true, force: true });
  const unlisted = unlistedParquet(home, manifest);
  const retired = deletableRetired(home, manifest);
  for (const p of [...unlisted, ...retired]) rmSync(join(home, p), { force: true });
  pruneEmptyDirs(home, [...unlisted, ...retired]);
  return { staging: staging.length, unlisted, retired };
}

/** Removes the partition folders that deleting `paths` left empty (never the dataset folders themselves). */
export function pruneEmptyDirs(home: string, paths: string[]): void {
  const dirs = new Set<string>();
  for (const p of paths) {
    const parts = p.split('/');
    for (let i = parts.length - 1; i >= 2; i--) dirs.add(parts.slice(0, i).join('/'));
  }
  for (const d of [...dirs].sort((a, b) => b.length - a.length))
    try {
      rmdirSync(join(home, d));
    } catch {
      // not empty, or already gone
    }
}
