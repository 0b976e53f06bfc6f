import { unverifiedPayload, type AccessTokenSigner } from './access-tokens.js';
import { API_KEY_PREFIX } from './api-keys.js';

/** Why a bearer credential was refused, for RFC 6750's error_description. */
export type BearerRefusal = 'expired' | 'invalid' | 'session-ended' | 'bad-api-key';

/**
 * Tells an expired access token from a forged or malformed one: a token whose
 * signature and claims verify at the instant before its `exp` merely expired.
 */
export function diagnoseBearer(signer: AccessTokenSigner, token: string, now: Date): BearerRefusal {
  if (token.startsWith(API_KEY_PREFIX)) return 'bad-api-key';
  if (signer.verify(token, now)) return 'session-ended';
  const exp = unverifiedPayload(token)?.exp;
  if (typeof exp !== 'number' || exp * 1000 > now.getTime()) return 'invalid';
  return signer.verify(token, new Date(exp * 1000 - 1000)) ? 'expired' : 'invalid';
}

const DESCRIPTIONS: Record<BearerRefusal, string> = {
  expired: 'The access token expired',
  invalid: 'The access token is not valid',
  'session-ended': 'The session has ended',
  'bad-api-key': 'The API key is not valid',
};

/** The WWW-Authenticate challenge of a refused credential (RFC 6750 §3). */
export function bearerChallenge(refusal: BearerRefusal | 'missing'): string {
  if (refusal === 'missing') return 'Bearer realm="pca"';
  return `Bearer realm="pca", error="invalid_token", error_description="${DESCRIPTIONS[refusal]}"`;
}
