// Terminal columns a string takes: colour codes none, combining marks none, East Asian wide characters and emoji
// two (after Unicode's East_Asian_Width W/F and Emoji_Presentation), so that table columns line up whatever the
// cells hold. ASCII, the common case, takes the fast path: its length.
// biome-ignore lint/suspicious/noControlCharactersInRegex: colour codes start with ESC
const SGR = /\x1b\[[0-9;]*m/g;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]$/u;
const WIDE =
  /^[\p{Emoji_Presentation}\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{20000}-\u{3fffd}]$/u;
// Control characters would move the cursor or end the line mid-table; colour codes (SGR) are the only escape kept.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const UNSAFE = /\x1b\[[0-9;]*m|[\x00-\x1f\x7f-\x9f]/g;

function charWidth(ch: string): number {
  const cp = ch.codePointAt(0) ?? 0;
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || ZERO_WIDTH.test(ch)) return 0;
  return cp >= 0x1100 && WIDE.test(ch) ? 2 : 1;
}

/** The string without colour codes. */
export function stripColour(s: string): string {
  return s.replace(SGR, '');
}

/** Control characters (line breaks, tabs, stray escapes) become spaces; colour codes stay. */
export function oneLine(s: string): string {
  return PRINTABLE_ASCII.test(s) ? s : s.replace(UNSAFE, (m) => (m.length > 1 ? m : ' '));
}

/** Columns `s` takes on a terminal. */
export function displayWidth(s: string): number {
  if (PRINTABLE_ASCII.test(s)) return s.length;
  let w = 0;
  for (const ch of stripColour(s)) w += charWidth(ch);
  return w;
}

/** `s` cut to at most `width` columns, ending in … when cut (colour codes are dropped from a cut cell). */
export function truncate(s: string, width: number): string {
  if (displayWidth(s) <= width) return s;
  if (width <= 0) return '';
  const plain = stripColour(s);
  let out = '';
  let w = 0;
  for (const ch of plain) {
    const cw = charWidth(ch);
    if (w + cw > width - 1) break;
    out += ch;
    w += cw;
  }
  return `${out}…`;
}
