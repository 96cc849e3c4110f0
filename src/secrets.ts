// What prompt text and secrets look like, as data: the one list behind the tag filter (normalize/tag-filter.ts,
// compiled to SQL) and behind the redaction of error messages (errors.ts). docs/data-model.md#tags says why each
// rule is there; a rule added here applies to every source and every error at once.

/** Why a tag is not stored; named in the ingest notes beside the key (never the value). */
export type DropReason = 'content key' | 'credential key' | 'credential value' | 'deny_tags';

/**
 * A rule over tag keys. `pattern` is matched case-insensitively against the key with `-` and spaces read as `_`:
 * with a `*` it is a glob over the whole key (`*prompt*`: any key containing "prompt"); without one it names a whole
 * dotted segment (`input` matches `input`, `input.value` and `traceloop.entity.input`, not `input_format`).
 */
export interface KeyRule {
  pattern: string;
  /**
   * `content`: text of prompts, questions, messages; numbers and booleans under such keys are kept (`prompt_tokens:
   * 1200`, `message_count: 3`), text is dropped. `credential`: dropped whatever the value. `credential-shaped`:
   * dropped only when the value looks like a secret (a long unbroken run of letters and digits), so `max_tokens: 512`
   * and `tokenizer: o200k_base` stay while `access_token: ya29.a0Af...` goes.
   */
  kind: 'content' | 'credential' | 'credential-shaped';
}

export const TAG_KEY_RULES: readonly KeyRule[] = [
  { pattern: '*prompt*', kind: 'content' },
  { pattern: '*query*', kind: 'content' },
  { pattern: '*question*', kind: 'content' },
  { pattern: '*instruction*', kind: 'content' },
  { pattern: '*message*', kind: 'content' },
  { pattern: '*content*', kind: 'content' },
  { pattern: '*completion*', kind: 'content' },
  // whole segments: caller metadata `input`/`output`, OpenInference `input.value`, Traceloop `traceloop.entity.input`
  { pattern: 'input', kind: 'content' },
  { pattern: 'output', kind: 'content' },
  { pattern: 'text', kind: 'content' },
  { pattern: 'body', kind: 'content' },
  { pattern: 'response', kind: 'content' },
  { pattern: '*authorization*', kind: 'credential' },
  { pattern: '*api_key*', kind: 'credential' },
  { pattern: '*apikey*', kind: 'credential' },
  { pattern: '*secret*', kind: 'credential' },
  { pattern: '*password*', kind: 'credential' },
  { pattern: '*passwd*', kind: 'credential' },
  { pattern: '*credential*', kind: 'credential' },
  { pattern: '*private_key*', kind: 'credential' },
  { pattern: '*cookie*', kind: 'credential' },
  { pattern: '*token*', kind: 'credential-shaped' },
];

/**
 * Values that are credentials wherever they appear (any key, any source, any error message). Regular expressions in
 * the syntax RE2 (DuckDB) and JavaScript share, matched case-insensitively.
 */
export const CREDENTIAL_VALUES: readonly { name: string; re: string }[] = [
  // OpenAI (sk-, sk-proj-, sk-admin-), Anthropic (sk-ant-), LiteLLM virtual keys, Langfuse and Helicone secret keys
  { name: 'secret key (sk-...)', re: '(^|[^a-z0-9])sk-[a-z0-9_-]{16,}' },
  { name: 'Bearer token', re: '(^|[^a-z0-9])bearer\\s+[a-z0-9._~+/=-]{16,}' },
  { name: 'JSON Web Token', re: 'eyj[a-z0-9_-]{4,}\\.eyj[a-z0-9_-]{4,}\\.' },
  { name: 'AWS access key id', re: '(^|[^a-z0-9])(akia|asia)[a-z0-9]{16}($|[^a-z0-9])' },
  { name: 'GitHub token', re: '(gh[pousr]_[a-z0-9]{30,}|github_pat_[a-z0-9_]{30,})' },
  { name: 'Slack token', re: 'xox[abposr]-[a-z0-9-]{10,}' },
  { name: 'Google API key', re: 'aiza[a-z0-9_-]{35}' },
  { name: 'private key', re: '-----begin [a-z ]*private key' },
];

/** One alternation of {@link CREDENTIAL_VALUES} (use case-insensitively). */
export const CREDENTIAL_RE = CREDENTIAL_VALUES.map((c) => `(${c.re})`).join('|');

/** A value a `credential-shaped` key must not carry: 16+ characters of a token alphabet, with letters and digits. */
export const SECRET_SHAPE = { minLength: 16, alphabet: '[a-z0-9._~+/=:-]+' } as const;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A key pattern (see {@link KeyRule}) as a regular expression over the normalized key. */
export function keyPatternRe(pattern: string): string {
  const p = normalizeKey(pattern);
  if (!p.includes('*')) return `(^|\\.)${escapeRe(p)}(\\.|$)`;
  return `^${p.split('*').map(escapeRe).join('.*')}$`;
}

/** Keys are compared lowercase with `-` and spaces read as `_` (`X-Api-Key` is `x_api_key`). */
export function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[- ]/g, '_');
}

/** One alternation of key patterns, or null for none. */
export function keyPatternsRe(patterns: readonly string[]): string | null {
  return patterns.length ? patterns.map((p) => `(${keyPatternRe(p)})`).join('|') : null;
}

const credentialJs = new RegExp(CREDENTIAL_RE, 'gi');

/** True when a key or value looks like a credential by {@link CREDENTIAL_VALUES}. */
export function looksLikeCredential(text: string): boolean {
  return new RegExp(CREDENTIAL_RE, 'i').test(text);
}

/** The rule kind that denies a tag key, if any (the JS twin of the SQL filter, for definition-time checks). */
export function keyRuleOf(key: string): KeyRule['kind'] | null {
  const k = normalizeKey(key);
  return TAG_KEY_RULES.find((r) => new RegExp(keyPatternRe(r.pattern)).test(k))?.kind ?? null;
}

// ---- error messages -------------------------------------------------------------------------------------------

/**
 * Input columns whose values are never quoted in an error: the ones hashed or dropped (keys, metadata, tags, prompt
 * and response bodies). Patterns as in {@link KeyRule}; numeric columns such as `prompt_tokens` are quoted (cut).
 */
const WITHHELD_COLUMNS = [
  ...TAG_KEY_RULES.filter((r) => r.kind === 'credential').map((r) => r.pattern),
  'prompt',
  'messages',
  'response',
  'completion',
  'content',
  'input',
  'output',
  'text',
  '*body*',
  '*metadata*',
  '*request_tags*',
  '*proxy_server_request*',
];

/** True when an error about `column` must not quote its value. */
export function isWithheldColumn(column: string): boolean {
  const re = keyPatternsRe(WITHHELD_COLUMNS);
  return re !== null && new RegExp(re).test(normalizeKey(column));
}

/** Quoted values longer than this are cut in error messages. */
const QUOTE_MAX = 40;
/** DuckDB diagnostics worth keeping from the text that follows an echoed line. */
const DUCKDB_DIAGNOSTICS =
  /Maximum line size of \d+ bytes exceeded|Expected Number of Columns: \d+ Found: \d+|Value with unterminated quote found|Invalid unicode[^\n]*|max_line_size=\d+/g;

/**
 * An error message made safe to print: DuckDB's echo of the failing input line (`Original Line: ...`) and of JSON
 * input (`Input: ...`) removed, quoted values cut to 40 characters (none at all for a `column` that is hashed,
 * dropped or holds content), and anything shaped like a credential replaced by `[redacted]`.
 */
export function redactMessage(message: string, column?: string): string {
  let m = message;
  const echo = m.indexOf('Original Line:');
  if (echo >= 0) {
    const kept = [...new Set(m.slice(echo).match(DUCKDB_DIAGNOSTICS) ?? [])];
    m = `${m.slice(0, echo).trimEnd()}\n(the input line is not shown)${kept.length ? `\n${kept.join('; ')}` : ''}`;
  }
  m = m.replace(/(\bInput: )[\s\S]*$/, '$1(not shown)');
  const withheld = column !== undefined && isWithheldColumn(column);
  m = m.replace(/(string|value) (["'])([\s\S]*?)\2/g, (all, what: string, q: string, v: string) =>
    withheld
      ? `${what} (not shown: column ${column} is never quoted)`
      : v.length > QUOTE_MAX
        ? `${what} ${q}${v.slice(0, QUOTE_MAX)}…${q} (${v.length} characters)`
        : all,
  );
  m = m.replace(
    /(["'])([^"'\n]{200,})\1/g,
    (_all, q: string, v: string) => `${q}${v.slice(0, QUOTE_MAX)}…${q} (${v.length} characters)`,
  );
  m = m.replace(credentialJs, (hit) => `${/^[^a-z0-9]/i.test(hit) ? hit[0] : ''}[redacted]`);
  return m.replace(
    /((?:api[-_ ]?key|authorization|password|secret|token)["']?\s*[:=]\s*["']?)[^\s"',;}]+/gi,
    '$1[redacted]',
  );
}
