// Documentation generated from the declarative tables (STYLE: write it once): the README's sources table.
import { sourcesTable } from './commands/sources.js';

export async function sourcesMarkdown(): Promise<string> {
  const rows = await sourcesTable();
  const lines = ['| id | family | writes to | formats | detects |', '|---|---|---|---|---|'];
  for (const r of rows)
    lines.push(
      `| \`${r.id}\` | ${r.family} | \`${r.dataset}/\` | ${r.formats} | ${r.detects.replaceAll('|', '\\|')} |`,
    );
  return lines.join('\n');
}
