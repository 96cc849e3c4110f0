// Plain terminal tables (cli-table3), borders off when not a TTY so output stays greppable.
import Table from 'cli-table3';

export function renderTable(head: string[], rows: string[][]): string {
  const table = new Table({
    head,
    style: { head: process.stdout.isTTY && !process.env.NO_COLOR ? ['cyan'] : [], border: [] },
    chars: process.stdout.isTTY
      ? undefined
      : {
          top: '',
          'top-mid': '',
          'top-left': '',
          'top-right': '',
          bottom: '',
          'bottom-mid': '',
          'bottom-left': '',
          'bottom-right': '',
          left: '',
          'left-mid': '',
          mid: '',
          'mid-mid': '',
          right: '',
          'right-mid': '',
          middle: '  ',
        },
  });
  for (const r of rows) table.push(r);
  return table.toString();
}

/** RFC 4180 CSV; cells that a spreadsheet would run as formulas are prefixed with a quote. */
export function renderCsv(head: string[], rows: (string | null)[][]): string {
  const cell = (v: string | null) => {
    if (v === null) return '';
    let s = v;
    if (/^[=+\-@\t\r]/.test(s) && !/^-?\d/.test(s)) s = `'${s}`;
    return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return [head.map(cell), ...rows.map((r) => r.map(cell))].map((r) => r.join(',')).join('\n');
}
