// Error messages never carry secrets or prompt text (docs/architecture.md#errors-and-exit-codes): a LiteLLM row with
// a ~10 KB prompt and a raw `sk-...` key that fails to read is named by file, line and column, with at most a short
// quote of the offending value, and nothing shaped like a credential.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { redactMessage } from '../../src/secrets.js';
import { runCli } from '../helpers/cli.js';
import { ingestInto, scratchHomes } from '../helpers/home.js';

const home = scratchHomes(afterAll);

const KEY = 'sk-live-ABCDEFGHIJKLMNOPQRSTUVWX1234';
const PROMPT = 'CONFIDENTIAL merger terms for ACME, do not share. '.repeat(200); // ~10 KB
const HEADER =
  'request_id,call_type,api_key,spend,prompt_tokens,completion_tokens,startTime,endTime,model,custom_llm_provider,metadata,request_tags,messages,response,session_id,status';

/** One SpendLogs row as Postgres `COPY ... CSV HEADER` writes it (quotes doubled inside quoted fields). */
function row(id: string, over: { spend?: string; prompt?: string } = {}): string {
  const q = (s: string) => `"${s.replaceAll('"', '""')}"`;
  const messages = JSON.stringify([{ role: 'user', content: over.prompt ?? PROMPT }]);
  return [
    id,
    'acompletion',
    KEY,
    over.spend ?? '0.000150',
    '20',
    '80',
    '2025-08-01 09:15:02.123',
    '2025-08-01 09:15:03.456',
    'gpt-4o-mini',
    'openai',
    q(JSON.stringify({ spend_logs_metadata: { feature: 'search' } })),
    q('["team:search"]'),
    q(messages),
    '{}',
    's-1',
    'success',
  ].join(',');
}

function csv(h: string, name: string, rows: string[]): string {
  const p = join(h, name);
  writeFileSync(p, `${HEADER}\n${rows.join('\n')}\n`);
  return p;
}

/** What must never appear in an error: the prompt, the key, or any long run of the row. */
function expectClean(text: string): void {
  expect(text).not.toContain('CONFIDENTIAL');
  expect(text).not.toContain('merger');
  expect(text).not.toContain(KEY);
  expect(text).not.toContain('ABCDEFGHIJKLMNOPQRSTUVWX');
  expect(text.length).toBeLessThan(600);
}

describe('errors on a LiteLLM row with a long prompt and a raw key', () => {
  it('a bad money value holding the key and prompt text is named, not echoed', async () => {
    const h = home();
    const file = csv(h, 'spend.csv', [row('r1'), row('r2', { spend: `${KEY} ${PROMPT.slice(0, 3000)}` })]);
    const err = await ingestInto(join(h, 'data'), [file]).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.location).toMatchObject({ file, record: 3, column: 'spend' });
    const text = (err as InputError).describe();
    expectClean(text);
    // the value is quoted at most 40 characters long, credentials masked, its length said
    expect(text).toMatch(
      /Could not convert string "\[redacted\][^"]{0,40}…" \(\d+ characters\) to 'DECIMAL'/,
    );
  });

  it('the CLI prints the same clean error, as text and as JSON', async () => {
    const h = home();
    const file = csv(h, 'spend.csv', [row('r1'), row('r2', { spend: `${KEY} ${PROMPT.slice(0, 3000)}` })]);
    for (const json of [false, true]) {
      const r = await runCli([
        'ingest',
        '--data',
        join(h, `data-${json}`),
        file,
        ...(json ? ['--json'] : []),
      ]);
      expect(r.code).toBe(2);
      expectClean(r.stderr);
      expect(r.stderr).toContain('line 3, column spend');
    }
  });
});

describe('a row check naming its record by key', () => {
  it('cuts a long request id and masks one shaped like a key', async () => {
    const h = home();
    const file = join(h, 'gateway.csv');
    const id = `${KEY}-${'x'.repeat(500)}`;
    writeFileSync(
      file,
      `timestamp,request_id,model,input_tokens,output_tokens\n2025-10-07T12:00:00Z,${id},gpt-4o-mini,10,-1\n`,
    );
    const err = await ingestInto(join(h, 'data'), [file]).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    const text = (err as InputError).describe();
    expectClean(text);
    expect(text).toMatch(
      /line 2, column output_tokens: negative token count \(request_id \[redacted\]x*…\)$/,
    );
  });
});

describe('redactMessage', () => {
  it("drops DuckDB's echoed line and JSON input, keeping the diagnosis", () => {
    const duck = `Invalid Input Error: CSV Error on Line: 3\nOriginal Line: r2,acompletion,${KEY},"${PROMPT}"\nMaximum line size of 2000000 bytes exceeded. Actual Size:2520266 bytes.\n\nPossible Solution: Change the maximum length size, e.g., max_line_size=2520266\n`;
    expect(redactMessage(duck)).toBe(
      'Invalid Input Error: CSV Error on Line: 3\n(the input line is not shown)\nMaximum line size of 2000000 bytes exceeded; max_line_size=2520266',
    );
    expect(
      redactMessage(
        `Malformed JSON at byte 12 of input: unexpected character.  Input: {"prompt": "${PROMPT}"}`,
      ),
    ).toBe('Malformed JSON at byte 12 of input: unexpected character.  Input: (not shown)');
  });

  it('never quotes a hashed or dropped column, and masks credentials anywhere', () => {
    expect(redactMessage('Could not convert string "abc123" to \'BIGINT\'', 'api_key')).toBe(
      "Could not convert string (not shown: column api_key is never quoted) to 'BIGINT'",
    );
    expect(redactMessage('Could not convert string "12x" to \'BIGINT\'', 'prompt_tokens')).toBe(
      'Could not convert string "12x" to \'BIGINT\'',
    );
    expect(
      redactMessage(
        'header Authorization: Bearer abcdefghijklmnop1234, jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig, AKIAIOSFODNN7EXAMPLE',
      ),
    ).toBe('header Authorization: [redacted], jwt [redacted]sig, [redacted]');
    expect(new InputError(`bad value api_key=${KEY}`).message).toBe('bad value api_key=[redacted]');
  });
});
