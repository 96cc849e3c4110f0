// Finding inputs (docs/architecture.md#data-flow): files, folders, `-` (standard input), glob patterns the shell left alone, and folder
// deliveries (a manifest and the data files it lists, one input). Files the user named must be supported inputs;
// files found by walking a folder that are not data are skipped and listed.
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { InputError } from '../errors.js';
import {
  type Delivery,
  isManifestName,
  looksLikeDelivery,
  readDelivery,
  supersededDeliveries,
} from './inputs/delivery.js';
import { expandGlob } from './inputs/glob.js';

export interface FoundInput {
  /** What the user sees and the report names: a file path, `<stdin>`, or a delivery's manifest. */
  path: string;
  explicit: boolean;
  /** `-` on the command line: standard input, spooled to a file by ingest. */
  stdin?: boolean;
  /** A folder delivery: its data files in manifest order (`path` is the manifest, which is not data). */
  files?: string[];
}

export interface Skipped {
  path: string;
  reason: string;
}

export const STDIN_PATH = '<stdin>';

const NOT_DATA: Record<string, string> = {
  ...Object.fromEntries(
    // `.prom` is not here: DCGM exporter scrapes are data (source dcgm); other Prometheus text is undetectable
    ['.md', '.txt', '.yaml', '.yml', '.html', '.pdf', '.png', '.jpg', '.sql'].map((e) => [
      e,
      'not a data file',
    ]),
  ),
  '.zip': 'a zip archive: unzip it first (.gz and .zst files are read as they are)',
};

/** Why a file found by walking is not data, from its name; undefined when it may be. */
export function notDataReason(path: string): string | undefined {
  return NOT_DATA[extname(path).toLowerCase()];
}

function deliveryInput(d: Delivery, explicit: boolean): FoundInput {
  return { path: d.manifest, explicit, files: d.files };
}

/**
 * A walked folder's files, deliveries grouped: their data files and superseded manifests leave the list. Symbolic
 * links are followed (exports are often linked in from a sync folder); a link back into a folder already being
 * walked, a second path to a file already found, and a broken link are listed as skipped, never silently dropped.
 */
function walkFolder(root: string, inputs: FoundInput[], skipped: Skipped[]): void {
  const files: string[] = [];
  const seenDirs = new Set<string>();
  const seenFiles = new Map<string, string>();
  const walk = (dir: string) => {
    seenDirs.add(realpathSync(dir));
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, e.name);
      if (e.name.startsWith('.')) continue;
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        const target = statSync(p, { throwIfNoEntry: false });
        if (!target) {
          skipped.push({ path: p, reason: 'a broken symbolic link' });
          continue;
        }
        isDir = target.isDirectory();
        isFile = target.isFile();
        if (isDir && seenDirs.has(realpathSync(p))) {
          skipped.push({ path: p, reason: 'a symbolic link to a folder already walked (a loop)' });
          continue;
        }
      }
      if (isDir) walk(p);
      else if (notDataReason(p)) skipped.push({ path: p, reason: notDataReason(p)! });
      else if (isFile) {
        const real = realpathSync(p);
        const first = seenFiles.get(real);
        if (first) skipped.push({ path: p, reason: `the same file as ${first}` });
        else {
          seenFiles.set(real, p);
          files.push(p);
        }
      } else skipped.push({ path: p, reason: 'not a regular file' });
    }
  };
  walk(root);
  const deliveries = files.filter(looksLikeDelivery).map(readDelivery);
  const superseded = supersededDeliveries(deliveries);
  const byManifest = new Map(deliveries.map((d) => [d.manifest, d]));
  const current = new Set(deliveries.filter((d) => !superseded.has(d.manifest)).flatMap((d) => d.files));
  // data files of an earlier update that the current delivery does not list are not data to ingest either
  const earlier = new Map(
    deliveries.filter((d) => superseded.has(d.manifest)).flatMap((d) => d.files.map((f) => [f, d.manifest])),
  );
  for (const p of files) {
    const d = byManifest.get(p);
    const by = superseded.get(p);
    if (by) skipped.push({ path: p, reason: `an earlier or repeated delivery; ${by} is the current one` });
    else if (d && d.files.length === 0)
      skipped.push({ path: p, reason: 'a delivery manifest listing no data files' });
    else if (d) inputs.push(deliveryInput(d, false));
    else if (current.has(p)) continue;
    else if (earlier.has(p))
      skipped.push({ path: p, reason: `data of an earlier delivery (${earlier.get(p)})` });
    else inputs.push({ path: p, explicit: false });
  }
}

/** A file named (or matched by a pattern): a delivery manifest stands for its delivery. */
function addFile(path: string, explicit: boolean, inputs: FoundInput[], skipped: Skipped[]): void {
  if (isManifestName(path) && looksLikeDelivery(path)) {
    const d = readDelivery(path);
    if (d.files.length === 0)
      throw new InputError('the delivery manifest lists no data files', { file: path });
    inputs.push(deliveryInput(d, explicit));
  } else if (!explicit && notDataReason(path)) skipped.push({ path, reason: notDataReason(path)! });
  else inputs.push({ path, explicit });
}

export function discoverInputs(paths: string[]): { inputs: FoundInput[]; skipped: Skipped[] } {
  if (paths.filter((p) => p === '-').length > 1) {
    throw new InputError('"-" (standard input) may be given only once');
  }
  const inputs: FoundInput[] = [];
  const skipped: Skipped[] = [];
  for (const p of paths) {
    if (p === '-') {
      inputs.push({ path: STDIN_PATH, explicit: true, stdin: true });
      continue;
    }
    const matched = expandGlob(p);
    if (matched) {
      for (const f of matched.files) addFile(f, matched.explicit, inputs, skipped);
      continue;
    }
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) throw new InputError('no such file or directory', { file: p });
    if (st.isDirectory()) walkFolder(p, inputs, skipped);
    else addFile(p, true, inputs, skipped);
  }
  return { inputs, skipped };
}
