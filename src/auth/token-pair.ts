import type { SessionId } from '../ids.js';
import type { AuthDeps } from './auth-deps.js';
import type { User } from './users.js';

export interface TokenPair {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly tokenType: 'Bearer';
  readonly expiresIn: number;
}

/** A fresh access token beside the session's refresh token: what a login, a refresh and a password change return. */
export async function issueTokens(
  deps: AuthDeps,
  user: Pick<User, 'id' | 'orgId' | 'role'>,
  sessionId: SessionId,
  refreshToken: string,
  now: Date,
): Promise<TokenPair> {
  const accessToken = deps.signer.sign({ sub: user.id, org: user.orgId, role: user.role, sid: sessionId }, now);
  return { accessToken, refreshToken, tokenType: 'Bearer', expiresIn: deps.signer.ttlSeconds };
}
