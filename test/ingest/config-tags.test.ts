// Config file and tag policy: --hash-tags stores identifiers only as salted hashes; deny-listed keys never stored.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { InputError } from '../../src/errors.js';
import { fixture, ingestInto, one, tmpHome } from '../helpers/home.js';

describe('tag policy', () => {
  it('hashes customer_email and drops deny-listed keys', async () => {
    const h = tmpHome();
    try {
      await ingestInto(h.home, [fixture('litellm/spendlogs.csv')], {
        hashTags: ['customer_email'],
        denyTags: ['key_alias'],
      });
      const r = await one<{ tags: string }>(
        h.home,
        "SELECT tags FROM usage WHERE request_id = 'chatcmpl-BxQ2mini0002'",
      );
      const tags = JSON.parse(r.tags);
      expect(tags.customer_email).toMatch(/^[0-9a-f]{64}$/);
      expect(tags.key_alias).toBeUndefined();
      expect(tags.feature).toBe('search');
    } finally {
      h.cleanup();
    }
  });
});

describe('config file', () => {
  it('reads account and tag policy, and names the key and line of an error', () => {
    const h = tmpHome();
    try {
      const good = join(h.home, 'good.yaml');
      writeFileSync(good, 'account: org-42\nhash_tags: [customer_email]\n');
      expect(loadConfig(good)).toMatchObject({ account: 'org-42', hash_tags: ['customer_email'] });
      const bad = join(h.home, 'bad.yaml');
      writeFileSync(bad, 'account: org-42\nhash_tags: customer_email\n');
      const err = (() => {
        try {
          loadConfig(bad);
        } catch (e) {
          return e as InputError;
        }
      })();
      expect(err).toBeInstanceOf(InputError);
      expect(err!.describe()).toContain('hash_tags');
      expect(err!.location.record).toBe(2);
    } finally {
      h.cleanup();
    }
  });
});
