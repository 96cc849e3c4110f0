// The example CI workflow stays true: it parses, and every aicost command line in it names a real command and real
// options (checked against the program's own definitions, so a renamed flag fails here, not in a user's CI).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildProgram } from '../src/cli.js';

const WORKFLOW = join(import.meta.dirname, '..', 'examples', 'github-actions.yml');

it('examples/github-actions.yml parses and uses only real aicost commands and options', () => {
  const wf = parse(readFileSync(WORKFLOW, 'utf8')) as { jobs: Record<string, { steps: { run?: string }[] }> };
  const lines = Object.values(wf.jobs)
    .flatMap((j) => j.steps.map((s) => s.run ?? ''))
    .flatMap((r) => r.split('\n'))
    .filter((l) => /\bnpx aicost\b/.test(l));
  expect(lines.length).toBeGreaterThanOrEqual(5);
  const program = buildProgram();
  const global = program.options.map((o) => o.long);
  const bad: string[] = [];
  for (const line of lines) {
    const words = line.trim().split(/\s+/).slice(2);
    const cmd = program.commands.find((c) => c.name() === words[0]);
    if (!cmd) {
      bad.push(`${line}: no command ${words[0]}`);
      continue;
    }
    const known = new Set([...cmd.options.map((o) => o.long), ...global]);
    for (const w of words.filter((x) => x.startsWith('--'))) if (!known.has(w)) bad.push(`${line}: ${w}`);
  }
  expect(bad).toEqual([]);
});
