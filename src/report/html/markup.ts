// Small HTML builders for the report. Text always goes through esc(); the only raw HTML a caller passes is markup
// these builders made, so no string from the model reaches the page unescaped.
import { esc } from './format.js';

/** A table cell: plain text, or text with a class (`num` right-aligns; `up`/`down` colour a change). */
export type Cell = string | { text: string; cls?: string; title?: string };

export const num = (text: string, extra = ''): Cell => ({ text, cls: extra ? `num ${extra}` : 'num' });

/** A day or a span of days: kept on one line. */
export const day = (text: string): Cell => ({ text, cls: 'nowrap' });

function cell(tag: 'td' | 'th', c: Cell): string {
  if (typeof c === 'string') return `<${tag}>${esc(c)}</${tag}>`;
  const cls = c.cls ? ` class="${esc(c.cls)}"` : '';
  const title = c.title ? ` title="${esc(c.title)}"` : '';
  return `<${tag}${cls}${title}>${esc(c.text)}</${tag}>`;
}

export interface TableOptions {
  caption?: string;
  /** Rows after the body (totals, "others"). */
  foot?: Cell[][];
  /** Shown instead of an empty table. */
  empty?: string;
}

export function table(head: Cell[], rows: Cell[][], o: TableOptions = {}): string {
  if (rows.length === 0 && !o.foot?.length) return `<p class="empty">${esc(o.empty ?? 'None.')}</p>`;
  const line = (r: Cell[], tag: 'td' | 'th' = 'td') => `<tr>${r.map((c) => cell(tag, c)).join('')}</tr>`;
  return [
    '<div class="table-wrap"><table>',
    o.caption ? `<caption>${esc(o.caption)}</caption>` : '',
    `<thead>${line(head, 'th')}</thead>`,
    `<tbody>${rows.map((r) => line(r)).join('\n')}</tbody>`,
    o.foot?.length ? `<tfoot>${o.foot.map((r) => line(r)).join('')}</tfoot>` : '',
    '</table></div>',
  ].join('\n');
}

/** A section with a heading; `body` is markup made by these builders. */
export function section(id: string, title: string, body: string, intro?: string): string {
  return [
    `<section id="${esc(id)}">`,
    `<h2>${esc(title)}</h2>`,
    intro ? `<p class="intro">${esc(intro)}</p>` : '',
    body,
    '</section>',
  ]
    .filter(Boolean)
    .join('\n');
}

/** A key figure: label, value and an optional second line. */
export function kpi(label: string, value: string, sub?: string, subCls = ''): string {
  const subHtml = sub ? `<div class="sub ${esc(subCls)}">${esc(sub)}</div>` : '';
  return `<div class="kpi"><div class="label">${esc(label)}</div><div class="value">${esc(value)}</div>${subHtml}</div>`;
}

/** A list of plain-text items. */
export function list(items: string[], cls = ''): string {
  return `<ul${cls ? ` class="${esc(cls)}"` : ''}>${items.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>`;
}

/** A chart's placeholder: the client script (client.ts) draws into it; the caption says what it shows. */
export function chart(kind: string, currencyIndex: number, title: string, caption: string): string {
  return [
    `<figure class="chart chart-${esc(kind)}">`,
    `<figcaption><strong>${esc(title)}</strong> ${esc(caption)}</figcaption>`,
    `<div class="plot" role="img" aria-label="${esc(title)}" data-chart="${esc(kind)}" data-currency="${currencyIndex}"></div>`,
    '</figure>',
  ].join('\n');
}
