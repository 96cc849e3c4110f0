// Text for the HTML report: escaping and number formats. Everything here is locale-free on purpose, so the same model
// renders to the same bytes on every machine (the golden test in test/report/html.test.ts depends on it).

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for an HTML text node or a quoted attribute value. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ENTITIES[ch]!);
}

/**
 * JSON for a `<script type="application/json">` element. `<`, `>` and `&` become \u escapes, so no `</script>` or
 * `<!--` can occur in the element's text and end it early (HTML spec, "restrictions for contents of script
 * elements"); U+2028/2029 are escaped too. JSON.parse of the element's text gives back the same value.
 */
export function jsonInScript(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Thousands separators on a string of digits. */
const group = (digits: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/**
 * A decimal string rounded half away from zero to `places` decimals, with thousands separators. Done on the digits,
 * not through a float, because invoiced sums are exact decimals with up to 18 places.
 */
export function decimal(value: string, places = 2): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!m) return value;
  const [, sign, int, frac = ''] = m;
  const scaled = BigInt(int! + frac.padEnd(places, '0').slice(0, places));
  const roundUp = frac.length > places && frac[places]! >= '5';
  const digits = (scaled + (roundUp ? 1n : 0n)).toString().padStart(places + 1, '0');
  const whole = digits.slice(0, digits.length - places);
  const text = places ? `${group(whole)}.${digits.slice(-places)}` : group(whole);
  return sign && /[1-9]/.test(digits) ? `-${text}` : text;
}

/** Money: two decimals and the currency code (`1,234.57 USD`); `-` for a missing value. */
export function money(value: string | null | undefined, currency: string | null | undefined): string {
  if (value === null || value === undefined) return '-';
  return currency ? `${decimal(value)} ${currency}` : decimal(value);
}

/** A change in money with its sign (`+12.30 USD`, `-4.00 USD`). */
export function signedMoney(value: string | null | undefined, currency: string | null | undefined): string {
  if (value === null || value === undefined) return '-';
  const text = money(value, currency);
  return text.startsWith('-') || /^0\.00\b/.test(text) ? text : `+${text}`;
}

/** A count with thousands separators. */
export function count(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '-';
  const sign = value < 0 ? '-' : '';
  return sign + group(Math.round(Math.abs(value)).toString());
}

/** A share or rate in [0, 1] as a percentage with one decimal, half away from zero (`38.0%`). */
export function percent(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '-';
  // toPrecision(12) first: 0.0635 * 1000 is 63.499999999999993 in binary, and should round like the decimal 63.5
  const tenths = Math.round(Number((Math.abs(value) * 1000).toPrecision(12)));
  const text = `${(tenths / 10).toFixed(1)}%`;
  return value < 0 && tenths > 0 ? `-${text}` : text;
}

/** A relative change as a signed percentage (`+14.9%`). */
export function signedPercent(value: number | null | undefined): string {
  const text = percent(value);
  return text === '-' || text.startsWith('-') || text === '0.0%' ? text : `+${text}`;
}

/** The CSS class of a change: up (more spend) or down. */
export function trend(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const n = Number(value);
  return n > 0 ? 'up' : n < 0 ? 'down' : '';
}
