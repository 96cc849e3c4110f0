// Regenerates the README's generated sections (between <!-- BEGIN:x --> and <!-- END:x --> markers) from the
// built source definitions, and the report's JSON Schema. Run `npm run build && npm run docs`; a test fails when the README is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { coverageMarkdown, sourcesMarkdown } from '../dist/docs.js';
import { reportJsonSchema } from '../dist/report/model.js';

const path = new URL('../README.md', import.meta.url);
let text = readFileSync(path, 'utf8');
const sections = { sources: await sourcesMarkdown(), coverage: await coverageMarkdown() };
for (const [name, body] of Object.entries(sections)) {
  const re = new RegExp(`(<!-- BEGIN:${name} -->\\n)[\\s\\S]*?(<!-- END:${name} -->)`);
  if (!re.test(text))
    throw new Error(`README.md has no <!-- BEGIN:${name} --> ... <!-- END:${name} --> section`);
  // a function replacement: the generated text may hold `$`, which a replacement string would interpret
  text = text.replace(re, (_, begin, end) => `${begin}${body}\n${end}`);
}
writeFileSync(path, text);
console.log(`README.md regenerated: ${Object.keys(sections).join(', ')}`);
// the report model's published JSON Schema (test/docs.test.ts fails when it is stale)
writeFileSync(
  new URL('../schemas/report.schema.json', import.meta.url),
  `${JSON.stringify(reportJsonSchema(), null, 2)}\n`,
);
console.log('schemas/report.schema.json regenerated');
