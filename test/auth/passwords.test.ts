import bcrypt from 'bcrypt';
import { describe, expect, it } from 'vitest';
import { assertPasswordPolicy, passwordHasher } from '../../src/auth/passwords.js';
import { AppError } from '../../src/errors.js';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp } from '../helpers/app.js';
import { login, operatorSession, OPERATOR_PASSWORD } from '../helpers/identity.js';

describe('password hashing', () => {
  it('hashes with argon2id at OWASP parameters and verifies', async () => {
    const hasher = passwordHasher('argon2id', 12);
    const hash = await hasher.hash('correct horse battery');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await hasher.verify(hash, 'correct horse battery')).toBe(true);
    expect(await hasher.verify(hash, 'correct horse batterY')).toBe(false);
    expect(hasher.needsRehash(hash)).toBe(false);
  });

  it('does not truncate bcrypt at 72 bytes', async () => {
    const hasher = passwordHasher('bcrypt', 4);
    const long = 'a'.repeat(72);
    const hash = await hasher.hash(`${long}-first`);
    expect(await hasher.verify(hash, `${long}-first`)).toBe(true);
    expect(await hasher.verify(hash, `${long}-second`)).toBe(false);
  });

  it('verifies a plain bcrypt hash but refuses input beyond its 72 bytes', async () => {
    const hasher = passwordHasher('argon2id', 12);
    const legacy = await bcrypt.hash('legacy-password-123', 4);
    expect(await hasher.verify(legacy, 'legacy-password-123')).toBe(true);
    const long = 'b'.repeat(72);
    const legacyLong = await bcrypt.hash(long, 4);
    expect(await hasher.verify(legacyLong, `${long}anything`)).toBe(false);
    expect(hasher.needsRehash(legacy)).toBe(true);
  });

  it('wants a rehash when the algorithm or bcrypt cost differs from the configuration', async () => {
    const argonHash = await passwordHasher('argon2id', 12).hash('x-password-long');
    const bcrypt5 = passwordHasher('bcrypt', 5);
    expect(bcrypt5.needsRehash(argonHash)).toBe(true);
    const hash5 = await bcrypt5.hash('x-password-long');
    expect(bcrypt5.needsRehash(hash5)).toBe(false);
    expect(passwordHasher('bcrypt', 6).needsRehash(hash5)).toBe(true);
  });
});

describe('password policy', () => {
  const refuse = (password: string, identity = { username: 'maria', email: 'maria@example.com' }) => {
    try {
      assertPasswordPolicy(password, identity);
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      return (error as AppError).message;
    }
    return undefined;
  };

  it('takes 12 to 256 characters, counted as characters', () => {
    expect(refuse('elevenchars')).toContain('at least 12');
    expect(refuse('twelve-chars')).toBeUndefined();
    expect(refuse('é'.repeat(256))).toBeUndefined();
    expect(refuse('é'.repeat(257))).toContain('at most 256');
  });

  it('refuses common passwords and the username or email', () => {
    expect(refuse('Password1234')).toContain('too common');
    expect(refuse('maria@example.com')).toContain('username or email');
    expect(refuse('MARIA@EXAMPLE.COM')).toContain('username or email');
    expect(refuse('maria-is-a-long-name', { username: 'maria-is-a-long-name', email: '' })).toContain(
      'username or email',
    );
  });
});

describe.each(BACKENDS)('rehash at login [%s]', (backend) => {
  it('replaces an argon2id hash with bcrypt after PCA_PASSWORD_HASH changes', async () => {
    const first = await createTestApp(backend, { env: { PCA_LOGIN_RATE_LIMIT: '1000' } });
    await operatorSession(first.app);
    await first.close();
    const second = await createTestApp(backend, {
      reuse: first.environment,
      env: { PCA_PASSWORD_HASH: 'bcrypt', PCA_BCRYPT_COST: '4', PCA_LOGIN_RATE_LIMIT: '1000' },
    });
    try {
      const before = await second.ctx.store.db
        .selectFrom('users')
        .select('password_hash')
        .where('username', '=', 'admin')
        .executeTakeFirstOrThrow();
      expect(before.password_hash).toMatch(/^\$argon2id\$/);
      await login(second.app, 'admin', OPERATOR_PASSWORD);
      const after = await second.ctx.store.db
        .selectFrom('users')
        .select('password_hash')
        .where('username', '=', 'admin')
        .executeTakeFirstOrThrow();
      expect(after.password_hash).toMatch(/^\$pca-bcrypt-sha256\$\$2b\$04\$/);
      await login(second.app, 'admin', OPERATOR_PASSWORD);
    } finally {
      await second.dispose();
    }
  });
});
