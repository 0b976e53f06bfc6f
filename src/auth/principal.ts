import type { ApiKeyId, OrgId, SessionId, UserId } from '../ids.js';
import type { Features } from '../tenancy/index.js';
import type { Permission, Role } from './permissions.js';

interface PrincipalBase {
  readonly userId: UserId;
  readonly orgId: OrgId;
  readonly username: string;
  readonly role: Role;
  readonly permissions: ReadonlySet<Permission>;
  /** The organisation's feature flags, read with the principal. */
  readonly features: Features;
}

/** Who is calling: a signed-in user (with a session) or an API key acting for its creator. */
export type Principal =
  | (PrincipalBase & {
      readonly kind: 'user';
      readonly sessionId: SessionId;
      readonly isOperator: boolean;
      readonly mustChangePassword: boolean;
    })
  | (PrincipalBase & {
      readonly kind: 'api_key';
      readonly apiKeyId: ApiKeyId;
      readonly apiKeyName: string;
    });
