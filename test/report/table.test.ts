// The table renderer (linear, fitted, cut with …), the CSV formula-injection rule and the colour decision.
import { describe, expect, it } from 'vitest';
import { colourLevel } from '../../src/report/output.js';
import { csvCell, fit, formulaSafe, renderCsv, renderTable } from '../../src/report/table.js';
import { displayWidth, truncate } from '../../src/report/width.js';

const plain = { colour: { bold: (s: string) => s, cyan: (s: string) => s } };

describe('renderTable', () => {
  it('without borders: a title, two spaces between columns, numbers right-aligned, no trailing blanks', () => {
    const t = renderTable(
      ['model', 'cost', 'tokens'],
      [
        ['gpt-4o', '12.50 USD', '1,234'],
        ['claude-sonnet-4', '0.25 USD', '56'],
      ],
      { ...plain, title: 'Top models', borders: false },
    );
    expect(t).toBe(
      [
        'Top models',
        'model                 cost  tokens',
        'gpt-4o           12.50 USD   1,234',
        'claude-sonnet-4   0.25 USD      56',
      ].join('\n'),
    );
  });

  it('with borders on a terminal', () => {
    const t = renderTable(['a', 'n'], [['x', '1']], { ...plain, borders: true });
    expect(t.split('\n')).toEqual(['┌───┬───┐', '│ a │ n │', '├───┼───┤', '│ x │ 1 │', '└───┴───┘']);
  });

  it('fits a width by shrinking the widest column and cutting its cells with …', () => {
    const long = 'x'.repeat(50);
    const t = renderTable(['id', 'detail'], [['a1', long]], { ...plain, borders: true, width: 30 });
    for (const line of t.split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(30);
    expect(t).toContain('…');
    expect(t).toContain('a1');
  });

  it('never cuts a number: a numeric column gives way only down to its widest value', () => {
    const t = renderTable(['name', 'a long header'], [['x'.repeat(40), '1,234.57 USD']], {
      ...plain,
      borders: true,
      width: 30,
    });
    expect(t).toContain('1,234.57 USD');
    expect(t).toContain('a long head…');
  });

  it('keeps a line per row: line breaks and control characters in cells become spaces', () => {
    const t = renderTable(['v'], [['a\nb\tc\x1b]0;x\x07']], { ...plain, borders: false });
    expect(t.split('\n')).toHaveLength(2);
    expect([...(t.split('\n')[1] ?? '')].every((ch) => ch.charCodeAt(0) >= 0x20)).toBe(true);
  });

  it('measures wide characters as two columns', () => {
    expect(displayWidth('日本')).toBe(4);
    expect(displayWidth('\x1b[31mred\x1b[39m')).toBe(3);
    expect(truncate('日本語のテキスト', 5)).toBe('日本…');
    const t = renderTable(
      ['k', 'v'],
      [
        ['日本', '1'],
        ['ab', '2'],
      ],
      { ...plain, borders: false },
    );
    expect(t.split('\n').map(displayWidth)).toEqual([7, 7, 7]);
  });

  it('renders 100,000 rows in linear time', () => {
    const rows = (n: number) =>
      Array.from({ length: n }, (_, i) => [`req-${i}`, `${i}.00 USD`, 'gpt-4o-mini', `{"team":"t${i % 7}"}`]);
    const head = ['id', 'cost', 'model', 'tags'];
    const small = rows(1_000);
    const big = rows(100_000);
    let t = performance.now();
    renderTable(head, small, { ...plain, borders: true, width: 80 });
    const oneK = performance.now() - t;
    t = performance.now();
    const out = renderTable(head, big, { ...plain, borders: true, width: 80 });
    const hundredK = performance.now() - t;
    expect(out.split('\n')).toHaveLength(100_004);
    // linear would be ~100x; quadratic would be ~10,000x. The bound is loose for a loaded machine.
    expect(hundredK).toBeLessThan(Math.max(oneK, 5) * 1_000);
  });

  it('fit shrinks only what it must, never below the floor', () => {
    expect(fit([10, 40, 5], 100)).toEqual([10, 40, 5]);
    expect(fit([10, 40, 5], 35)).toEqual([10, 20, 5]);
    expect(fit([30, 30], 40)).toEqual([20, 20]);
    expect(fit([10, 10], 4)).toEqual([6, 6]);
  });
});

describe('CSV', () => {
  it('neutralises formulas, including ones that start like a negative number', () => {
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('-1+1')).toBe("'-1+1");
    expect(csvCell("-2+3+cmd|' /C calc'!A0")).toBe("'-2+3+cmd|' /C calc'!A0");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('+44 20 7946 0000')).toBe("'+44 20 7946 0000");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell('\rx')).toBe('"\'\rx"');
  });

  it('leaves plain numbers and ordinary text alone', () => {
    for (const v of ['-12.5', '-0.000253000000000000', '+3', '-1e-7', '1.5E+10', 'gpt-4o', 'a-b', ''])
      expect(formulaSafe(v)).toBe(v);
  });

  it('quotes what RFC 4180 needs quoted; NULL is an empty field', () => {
    expect(
      renderCsv(
        ['a', 'b,c'],
        [
          ['x "y"', null],
          ['line\nbreak', '1'],
        ],
      ),
    ).toBe('a,"b,c"\n"x ""y""",\n"line\nbreak",1');
  });
});

describe('colour', () => {
  it('NO_COLOR turns it off, FORCE_COLOR on even off a terminal, otherwise only on a TTY', () => {
    expect(colourLevel(true, {})).toBe(1);
    expect(colourLevel(false, {})).toBe(0);
    expect(colourLevel(undefined, {})).toBe(0);
    expect(colourLevel(true, { NO_COLOR: '' })).toBe(0);
    expect(colourLevel(true, { NO_COLOR: '1', FORCE_COLOR: '1' })).toBe(0);
    expect(colourLevel(false, { FORCE_COLOR: '1' })).toBe(1);
    expect(colourLevel(false, { FORCE_COLOR: '3' })).toBe(3);
    expect(colourLevel(true, { FORCE_COLOR: '0' })).toBe(0);
  });
});
