// Documentation invariants: the README's generated sources and column coverage tables match the definitions
// (regenerate with `npm run docs`), no tracked file cites material a clone of the repository does not contain, and
// every link to a section of docs/ (or the README) names a heading that exists.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect, it } from 'vitest';
import { coverageMarkdown, sourcesMarkdown } from '../src/docs.js';
import { reportJsonSchema } from '../src/report/model.js';

const ROOT = join(import.meta.dirname, '..');

/** A generated section of the README, between its markers. */
const section = (name: string) =>
  new RegExp(`<!-- BEGIN:${name} -->\\n([\\s\\S]*?)\\n<!-- END:${name} -->`).exec(
    readFileSync(join(ROOT, 'README.md'), 'utf8'),
  )?.[1];

it('README sources table is generated from the source definitions', async () => {
  expect(section('sources')).toBe(await sourcesMarkdown());
});

it('schemas/report.schema.json is the report model as JSON Schema', () => {
  const published = JSON.parse(readFileSync(join(ROOT, 'schemas', 'report.schema.json'), 'utf8'));
  expect(published).toEqual(reportJsonSchema());
});

it('README column coverage table is generated from the source definitions', async () => {
  expect(section('coverage')).toBe(await coverageMarkdown());
});

// Citations of the team's private notes and the sample collection beside the repository. Cite docs/ or a public
// URL instead. (The odd spellings, `\s` and `[-]`, keep these patterns from matching their own source text.)
const OUTSIDE = [
  /\.\.\/shared\b/,
  /\bPRODUCT(?:\.md|\s§)/,
  /\bTRAPS(?:\.md|:)/,
  /\bSTYLE(?:\.md|\shabit|:)/,
  /\bFORMAT\.md\b/,
  /focus[-]notes/,
];

// Fixture origin notes may name the public origin of their samples; they are checked by hand.
const SKIP = ['fixtures/'];

const BINARY = /\.(parquet|gz|zst|png|jpg|ico)$/;

function trackedTextFiles(): string[] {
  return execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((f) => f && !BINARY.test(f));
}

function read(f: string): string | null {
  try {
    return readFileSync(join(ROOT, f), 'utf8');
  } catch {
    return null; // listed by git but not in the work tree (deleted, not yet committed)
  }
}

it('no tracked file cites material outside the repository', () => {
  const files = trackedTextFiles().filter((f) => !SKIP.some((s) => f.startsWith(s)));
  expect(files.length).toBeGreaterThan(50);
  const bad: string[] = [];
  for (const f of files) {
    (read(f) ?? '').split('\n').forEach((line, i) => {
      if (OUTSIDE.some((re) => re.test(line))) bad.push(`${f}:${i + 1}: ${line.trim()}`);
    });
  }
  expect(bad).toEqual([]);
});

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replaceAll(' ', '-');

it('every cited docs/ or README section exists', () => {
  const anchors = new Map<string, Set<string>>();
  const anchorsOf = (doc: string) => {
    let set = anchors.get(doc);
    if (!set) {
      const text = read(doc);
      set =
        text === null ? new Set() : new Set([...text.matchAll(/^#+ (.+)$/gm)].map((m) => slug(m[1] ?? '')));
      anchors.set(doc, set);
    }
    return { exists: read(doc) !== null, set };
  };
  const bad: string[] = [];
  for (const f of trackedTextFiles()) {
    const text = read(f) ?? '';
    const refs = [...text.matchAll(/\b((?:docs\/[\w-]+|README)\.md)(?:#([\w-]+))?/g)].map((m) => [
      m[1],
      m[2],
    ]);
    // links between documents inside docs/ are relative
    if (f.startsWith('docs/'))
      for (const m of text.matchAll(/\]\(([\w-]+\.md)(?:#([\w-]+))?\)/g))
        refs.push([join(dirname(f), m[1] ?? ''), m[2]]);
    for (const [doc, anchor] of refs) {
      const target = anchorsOf(doc ?? '');
      if (!target.exists || (anchor && !target.set.has(anchor)))
        bad.push(`${f}: ${doc}${anchor ? `#${anchor}` : ''}`);
    }
  }
  expect(bad).toEqual([]);
});
