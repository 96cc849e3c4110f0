// Finding inputs: explicit files must be detectable; files found by walking a folder that are not data are
// skipped and listed (PRODUCT §2).
import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { InputError } from '../errors.js';

export interface FoundInput {
  path: string;
  explicit: boolean;
}

const NOT_DATA = new Set([
  '.md',
  '.txt',
  '.yaml',
  '.yml',
  '.html',
  '.pdf',
  '.png',
  '.jpg',
  '.gz',
  '.zip',
  '.prom',
]);

export function discoverInputs(paths: string[]): {
  inputs: FoundInput[];
  skipped: { path: string; reason: string }[];
} {
  const inputs: FoundInput[] = [];
  const skipped: { path: string; reason: string }[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, e.name);
      if (e.name.startsWith('.')) continue;
      if (e.isDirectory()) walk(p);
      else if (NOT_DATA.has(extname(e.name).toLowerCase()))
        skipped.push({ path: p, reason: 'not a data file' });
      else if (e.isFile()) inputs.push({ path: p, explicit: false });
    }
  };
  for (const p of paths) {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(p);
    } catch {
      throw new InputError('no such file or directory', { file: p });
    }
    if (st.isDirectory()) walk(p);
    else inputs.push({ path: p, explicit: true });
  }
  return { inputs, skipped };
}
