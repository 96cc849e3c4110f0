// Documentation generated from the declarative tables, so it is written once: the README's sources table
// (`npm run docs` writes it; test/docs.test.ts fails when the README is stale).
import { listSources } from './report/sources.js';

export async function sourcesMarkdown(): Promise<string> {
  const rows = await listSources();
  const lines = ['| id | family | writes to | formats | detects |', '|---|---|---|---|---|'];
  for (const r of rows)
    lines.push(
      `| \`${r.id}\` | ${r.family} | \`${r.dataset}/\` | ${r.formats} | ${r.detects.replaceAll('|', '\\|')} |`,
    );
  return lines.join('\n');
}
