/**
 * Credentials found and masked without parsing the string as a URL: whatever the password
 * holds, and however the URL is broken, the password is gone from what vault shows.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { credentialSecrets, redactCredentials, scrubber } from '@vault/core/internal';

describe('redactCredentials', () => {
  it.each([
    ['postgres://app:s3cret@db:5432/vault', 'postgres://app:***@db:5432/vault'],
    ['postgres://app:pa/ss@db/vault', 'postgres://app:***@db/vault'],
    ['postgres://app:pa?ss#x@db/vault', 'postgres://app:***@db/vault'],
    ['postgres://app:p@ss@db/vault', 'postgres://app:***@db/vault'],
    ['postgres:/app:s3cret@db/vault', 'postgres:/***@db/vault'],
    ['postgresql:app:s3cret@db/vault', 'postgresql:***@db/vault'],
    ['app:s3cret@db/vault', '***@db/vault'],
    ['postgres://app@db/vault?sslmode=require&password=s3cret', 'postgres://app@db/vault?sslmode=require&password=***'],
    ["host=db user=app password='s 3cret' dbname=vault", 'host=db user=app password=*** dbname=vault'],
    ['https://gw.example/v1?api_key=tok123&x=1', 'https://gw.example/v1?api_key=***&x=1'],
    ['postgres://db/vault?sslkey=/home/app/key.pem', 'postgres://db/vault?sslkey=/home/app/key.pem'],
    ['postgres://app@db/vault', 'postgres://app@db/vault'],
    ['postgres://db/vault?application_name=me@home', 'postgres://db/vault?application_name=me@home'],
  ])('%s → %s', (text, shown) => {
    expect(redactCredentials(text)).toBe(shown);
  });

  test.prop([fc.string({ minLength: 1 }), fc.constantFrom('postgres://app:', 'postgres:/app:', 'app:', 'http://user:')])('the password is masked whatever it holds', (password, head) => {
    const shown = redactCredentials(`${head}${password}@db.example:5432/vault`);
    expect(shown.endsWith('***@db.example:5432/vault')).toBe(true);
    expect(shown.length).toBeLessThanOrEqual(head.length + '***@db.example:5432/vault'.length);
  });
});

describe('credentialSecrets and scrubber', () => {
  it('knows the password as written, decoded, encoded and as a Basic header', () => {
    const secrets = credentialSecrets('postgres://app:Pw%40s3cret@db/vault');
    expect(secrets).toEqual(expect.arrayContaining(['Pw%40s3cret', 'Pw@s3cret', Buffer.from('app:Pw@s3cret').toString('base64')]));
    const scrub = scrubber(secrets);
    expect(scrub('FATAL: password "Pw@s3cret" for app (Pw%40s3cret)')).toBe('FATAL: password "***" for app (***)');
  });

  it('takes the whole user info of a string without scheme://, and parameter values', () => {
    expect(credentialSecrets('app:s3cret@db/vault')).toEqual(expect.arrayContaining(['s3cret', 'app:s3cret']));
    expect(credentialSecrets('https://gw/v1?token=tok-123')).toContain('tok-123');
    expect(credentialSecrets('postgres://app@db/vault')).toEqual([]);
  });

  it('masks the lines of a key broken over lines, but not short words', () => {
    const scrub = scrubber(['gsk_first_half\ngsk_second_half']);
    expect(scrub('key gsk_first_half then gsk_second_half')).toBe('key *** then ***');
    expect(scrubber(['pw'])('pw stays: too short to search for')).toBe('pw stays: too short to search for');
  });

  test.prop([fc.string({ minLength: 4, maxLength: 12 }), fc.array(fc.string({ maxLength: 6 }), { maxLength: 5 })])(
    'no secret is left in a scrubbed text, however it is surrounded',
    (secret, parts) => {
      const text = parts.join(secret);
      expect(scrubber([secret])(text + secret).includes(secret)).toBe(false);
    },
  );
});
