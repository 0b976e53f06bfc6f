import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import {
  authenticate,
  type AuthDeps,
  type Permission,
  type Principal,
  bearerChallenge,
  diagnoseBearer,
  knownPrincipal,
} from '../auth/index.js';
import { AppError } from '../errors.js';
import type { FeatureFlag } from '../tenancy/index.js';
import type { SlidingCounter } from './sliding-counter.js';

/**
 * What a route needs before its handler runs. Every /api/v1 route declares
 * one; a route that forgets is refused to everyone (and a test fails).
 */
export type RouteAccess =
  | { readonly public: true }
  | {
      /** `null`: any signed-in caller (e.g. their own profile). */
      readonly permission: Permission | null;
      readonly feature?: FeatureFlag;
      /** The few routes a user who must change their password may still call. */
      readonly duringPasswordChange?: boolean;
      /** Routes about one's own login session refuse API keys. */
      readonly usersOnly?: boolean;
      /**
       * The permission to read what the route acts on, needed on top of
       * `permission` (rating an insight needs reading the analysis it is in).
       */
      readonly readsTarget?: Permission;
    };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  // Declared on every request by installAccessHook (decorateRequest), so request objects keep one shape.
  interface FastifyRequest {
    principal: Principal | undefined;
  }
}

/** The principal of a route that declared a permission; the hook guarantees it is there. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('route reached without authentication');
  return request.principal;
}

/** The signed-in user (not an API key) of a `usersOnly` route. */
export function userPrincipalOf(request: FastifyRequest): Extract<Principal, { kind: 'user' }> {
  const principal = principalOf(request);
  if (principal.kind !== 'user') throw new AppError('forbidden', 'This route is for signed-in users, not API keys.');
  return principal;
}

/** The token of an `Authorization: Bearer …` header, if well-formed. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S{1,4096})$/i.exec(header.trim());
  return match?.[1];
}

/** Every request starts without a principal; the access hook sets one for a valid credential. */
export function installAccessHook(app: FastifyInstance, auth: AuthDeps, anonymous: SlidingCounter): void {
  app.decorateRequest('principal', undefined);
  app.addHook('onRequest', accessHook(auth, anonymous));
}

type ProtectedAccess = Exclude<RouteAccess, { readonly public: true }>;

/** The route's rule applied to an authenticated caller; throws the refusal. */
function admit(request: FastifyRequest, access: ProtectedAccess | undefined, principal: Principal): void {
  request.principal = principal;
  if (access === undefined) throw new AppError('forbidden', 'This route declares no access rule.');
  if (access.usersOnly && principal.kind !== 'user') {
    throw new AppError('forbidden', 'This route is for signed-in users, not API keys.');
  }
  if (principal.kind === 'user' && principal.mustChangePassword && !access.duringPasswordChange) {
    throw new AppError(
      'password-change-required',
      'Change your password (POST /api/v1/auth/password) before anything else.',
    );
  }
  if (access.permission !== null && !principal.permissions.has(access.permission)) {
    throw new AppError('forbidden', `This action needs the permission "${access.permission}".`, {
      permission: access.permission,
    });
  }
  if (access.readsTarget !== undefined && !principal.permissions.has(access.readsTarget)) {
    throw new AppError(
      'forbidden',
      `This action needs read access to its target (the permission "${access.readsTarget}").`,
      {
        permission: access.readsTarget,
      },
    );
  }
  if (access.feature !== undefined && !principal.features[access.feature]) {
    throw new AppError('feature-disabled', `The feature "${access.feature}" is not enabled for this organisation.`, {
      feature: access.feature,
    });
  }
}

/**
 * onRequest: runs before the body is even read, so refused callers cost
 * nothing; callers without valid credentials are also counted per address
 * by `anonymous` and get 429 past its limit. A callback hook: a caller
 * whose principal is known at once (knownPrincipal) passes without a promise.
 */
function accessHook(auth: AuthDeps, anonymous: SlidingCounter) {
  const authenticateThenAdmit = async (
    request: FastifyRequest,
    reply: FastifyReply,
    token: string | undefined,
    access: ProtectedAccess | undefined,
  ): Promise<void> => {
    const principal = token === undefined ? undefined : await authenticate(auth, token);
    if (!principal) {
      const rate = anonymous.consume(request.ip, auth.clock().getTime());
      if (!rate.allowed) {
        reply.header('retry-after', String(rate.retryAfterSeconds));
        throw new AppError(
          'rate-limited',
          'Too many requests without valid credentials from this address; try again later.',
          { retryAfter: rate.retryAfterSeconds },
        );
      }
      const refusal = token === undefined ? 'missing' : diagnoseBearer(auth.signer, token, auth.clock());
      reply.header('www-authenticate', bearerChallenge(refusal));
      throw new AppError('unauthorized', 'Authentication required: send a valid bearer token or API key.');
    }
    admit(request, access, principal);
  };
  return (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    const url = request.routeOptions.url;
    if (url === undefined || !url.startsWith('/api/')) {
      done();
      return;
    }
    const access = request.routeOptions.config.access;
    if (access !== undefined && 'public' in access) {
      done();
      return;
    }
    const token = bearerToken(request);
    const known = token === undefined ? undefined : knownPrincipal(auth, token);
    if (known === undefined) {
      authenticateThenAdmit(request, reply, token, access).then(() => done(), done);
      return;
    }
    try {
      admit(request, access, known);
    } catch (error) {
      done(error as Error);
      return;
    }
    done();
  };
}
