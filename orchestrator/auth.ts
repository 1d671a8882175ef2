// Tokens with scopes, carried in gRPC metadata as `authorization: Bearer TOKEN`. A missing or
// unknown token is UNAUTHENTICATED; a known token without the scope is PERMISSION_DENIED.
// `admin` includes every scope.

import { timingSafeEqual, randomBytes } from 'node:crypto';
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';

export const SCOPES = ['submit', 'read', 'agent', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export interface TokenGrant {
  token: string;
  scopes: readonly Scope[];
  name?: string;
}

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * Parses `TOKEN:scope+scope,TOKEN2:scope` (the --tokens / $ETBENCH_TOKENS form).
 * @throws Error naming the entry and the unknown scope.
 */
export function parseTokens(spec: string): TokenGrant[] {
  return spec.split(',').map((s) => s.trim()).filter((s) => s !== '').map((entry) => {
    const colon = entry.lastIndexOf(':');
    if (colon <= 0) throw new Error(`token entry '${entry.slice(0, 8)}…' must be TOKEN:SCOPE[+SCOPE]`);
    const scopes = entry.slice(colon + 1).split('+');
    for (const s of scopes) if (!(SCOPES as readonly string[]).includes(s)) throw new Error(`unknown scope '${s}' (scopes: ${SCOPES.join(', ')})`);
    return { token: entry.slice(0, colon), scopes: scopes as Scope[] };
  });
}

function grpcError(code: status, details: string): ServiceError {
  return Object.assign(new Error(details), { code, details, metadata: new Metadata() });
}

export class Authenticator {
  constructor(private readonly grants: readonly TokenGrant[]) {}

  /** null when allowed, otherwise the error to end the call with. */
  check(metadata: Metadata, scope: Scope): ServiceError | null {
    const header = metadata.get('authorization')[0];
    if (typeof header !== 'string' || !header.startsWith('Bearer ')) {
      return grpcError(status.UNAUTHENTICATED, 'no token: send metadata `authorization: Bearer TOKEN` (etbench --token or $ETBENCH_TOKEN)');
    }
    const given = Buffer.from(header.slice('Bearer '.length));
    const grant = this.grants.find((g) => {
      const known = Buffer.from(g.token);
      return known.length === given.length && timingSafeEqual(known, given);
    });
    if (grant === undefined) return grpcError(status.UNAUTHENTICATED, 'token not recognised by this orchestrator');
    if (!grant.scopes.includes(scope) && !grant.scopes.includes('admin')) {
      return grpcError(status.PERMISSION_DENIED, `token lacks the '${scope}' scope (it has: ${grant.scopes.join(', ')})`);
    }
    return null;
  }
}

/** Call credentials metadata for a client. */
export function tokenMetadata(token: string): Metadata {
  const m = new Metadata();
  m.set('authorization', `Bearer ${token}`);
  return m;
}
