// The README's generated sources table matches the definitions (regenerate with `npm run docs`).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { sourcesMarkdown } from '../src/docs.js';

it('README sources table is generated from the source definitions', async () => {
  const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
  const section = /<!-- BEGIN:sources -->\n([\s\S]*?)\n<!-- END:sources -->/.exec(readme)?.[1];
  expect(section).toBe(await sourcesMarkdown());
});
