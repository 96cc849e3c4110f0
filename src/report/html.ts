import type { Report } from './model.js';
/** Placeholder until the HTML renderer lands (same branch of work). */
export function renderHtml(_r: Report): string {
  throw new Error('html renderer not merged yet');
}
