// Regenerates the README's generated sections (between <!-- BEGIN:x --> and <!-- END:x --> markers) from the
// built source definitions. Run `npm run build && npm run docs`; a test fails when the README is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { sourcesMarkdown } from '../dist/docs.js';

const path = new URL('../README.md', import.meta.url);
let text = readFileSync(path, 'utf8');
const table = await sourcesMarkdown();
text = text.replace(/(<!-- BEGIN:sources -->\n)[\s\S]*?(<!-- END:sources -->)/, `$1${table}\n$2`);
writeFileSync(path, text);
console.log('README.md sources table regenerated');
