import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AuthConfig } from '../config.js';
import type { DataDirLayout } from '../store/data-dir.js';
import type { Database } from '../store/schema.js';
import { loadOrCreateSecret } from '../store/secret-files.js';
import { accessTokenSigner, type AccessTokenSigner } from './access-tokens.js';
import { boundedHasher, passwordHasher, type BoundedHasher } from './passwords.js';
import { secretBox, type SecretBox } from './secret-box.js';

/** Everything the identity services need, built once per process. */
export interface AuthDeps {
  readonly db: Kysely<Database>;
  readonly clock: () => Date;
  readonly config: AuthConfig;
  readonly signer: AccessTokenSigner;
  readonly hasher: BoundedHasher;
  readonly box: SecretBox;
  /** A hash of a random password: verified against when the user is unknown, so timing does not tell. */
  readonly dummyHash: string;
}

export interface AuthKeys {
  readonly signer: AccessTokenSigner;
  readonly hasher: BoundedHasher;
  readonly box: SecretBox;
  readonly dummyHash: string;
}

export async function loadAuthKeys(config: AuthConfig, layout: DataDirLayout): Promise<AuthKeys> {
  const jwtSecret =
    config.jwtSecret !== undefined
      ? Buffer.from(config.jwtSecret, 'utf8')
      : await loadOrCreateSecret(layout, 'jwt.key');
  const hasher = boundedHasher(
    passwordHasher(config.passwordHash, config.bcryptCost),
    config.hashConcurrency,
    config.hashQueue,
  );
  return {
    signer: accessTokenSigner(jwtSecret, config.accessTokenSeconds),
    hasher,
    box: secretBox(await loadOrCreateSecret(layout, 'data.key')),
    dummyHash: await hasher.hash(randomBytes(18).toString('base64')),
  };
}
