import { Type } from 'typebox';
import { Nullable } from '../server/schemas.js';
import { PERMISSIONS, ROLES } from './permissions.js';

export const RoleSchema = Type.Enum(ROLES);
export const PermissionSchema = Type.Enum(PERMISSIONS);

export const UserSchema = Type.Object({
  id: Type.String(),
  orgId: Type.String(),
  username: Type.String(),
  email: Nullable(Type.String()),
  displayName: Nullable(Type.String()),
  role: RoleSchema,
  isOperator: Type.Boolean(),
  status: Type.Union([Type.Literal('active'), Type.Literal('deactivated')]),
  mustChangePassword: Type.Boolean(),
  mfaEnabled: Type.Boolean(),
  lockedUntil: Nullable(Type.String()),
  failedLogins: Type.Integer(),
  lastLoginAt: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const TokenPairSchema = Type.Object({
  accessToken: Type.String(),
  refreshToken: Type.String(),
  tokenType: Type.Literal('Bearer'),
  expiresIn: Type.Integer(),
});

export const Email = Type.String({ format: 'email', maxLength: 254 });
