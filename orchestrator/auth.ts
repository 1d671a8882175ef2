// Tokens with scopes, carried in gRPC metadata as `authorization: Bearer TOKEN`. A missing or
// unknown token is UNAUTHENTICATED; a known token without the scope is PERMISSION_DENIED.
// `admin` includes every scope. Every refusal is written to the audit log (with the caller's
// token name or certificate subject and address), and client calls (any scope but `agent`) are
// rate-limited per caller: RESOURCE_EXHAUSTED with a `retry-after` (seconds) in the trailers.

import { createHash, timingSafeEqual, randomBytes } from 'node:crypto';
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import type { RateLimiter } from './rate-limit.js';
import type { AuditEntry } from './store/store.js';

export const SCOPES = ['submit', 'read', 'agent', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export interface TokenGrant {
  token: string;
  scopes: readonly Scope[];
  name?: string;
}

/**
 * 24 random bytes, base64url. Never starting with '-': one token in 64 did, and
 * `--token -xyz` on a command line reads as an option with no value.
 */
export function newToken(): string {
  for (;;) {
    const token = randomBytes(24).toString('base64url');
    if (!token.startsWith('-')) return token;
  }
}

/**
 * Parses `[NAME=]TOKEN:scope+scope,...` (the --tokens / $ETBENCH_TOKENS form). The name is what
 * the audit log shows; without one it shows a short hash of the token, never the token.
 * @throws Error naming the entry and the unknown scope.
 */
export function parseTokens(spec: string): TokenGrant[] {
  return spec.split(',').map((s) => s.trim()).filter((s) => s !== '').map((entry) => {
    const colon = entry.lastIndexOf(':');
    if (colon <= 0) throw new Error(`token entry '${entry.slice(0, 8)}…' must be [NAME=]TOKEN:SCOPE[+SCOPE]`);
    const scopes = entry.slice(colon + 1).split('+');
    for (const s of scopes) if (!(SCOPES as readonly string[]).includes(s)) throw new Error(`unknown scope '${s}' (scopes: ${SCOPES.join(', ')})`);
    const named = /^([A-Za-z0-9_.-]+)=(.+)$/.exec(entry.slice(0, colon));
    return named === null ? { token: entry.slice(0, colon), scopes: scopes as Scope[] } : { token: named[2]!, scopes: scopes as Scope[], name: named[1]! };
  });
}

/** What the orchestrator knows of a call besides its metadata (a grpc-js server call fits). */
export interface CallInfo {
  getPeer?(): string;
  getPath?(): string;
  getAuthContext?(): { sslPeerCertificate?: { subject?: Record<string, unknown> } | null } | undefined;
}

export interface AuthOptions {
  /** Receives every refusal, and the actions services report with recordAction. */
  audit?: (entry: Omit<AuditEntry, 'timeMs'>) => void;
  /** Limits client calls; agents (the `agent` scope) are exempt. */
  rateLimit?: RateLimiter;
}

function grpcError(code: status, details: string): ServiceError {
  return Object.assign(new Error(details), { code, details, metadata: new Metadata() });
}

export class Authenticator {
  constructor(private readonly grants: readonly TokenGrant[], private readonly options: AuthOptions = {}) {}

  /** null when allowed, otherwise the error to end the call with (and the refusal is audited). */
  check(metadata: Metadata, scope: Scope, call?: CallInfo): ServiceError | null {
    return this.checkAny(metadata, [scope], call);
  }

  /** Allowed when the token has any of the scopes; one refusal is audited, naming the first. */
  checkAny(metadata: Metadata, scopes: readonly Scope[], call?: CallInfo): ServiceError | null {
    const grant = this.grantOf(metadata);
    const denied = this.verdict(metadata, grant, scopes);
    if (denied !== null) {
      this.refused(metadata, call, denied);
      return denied;
    }
    const scope = scopes.find((s) => grant!.scopes.includes(s) || grant!.scopes.includes('admin'))!;
    // Agents' streams and downloads are the farm's own work: never throttled.
    const waitMs = scope === 'agent' || grant!.scopes.includes('agent') ? 0 : this.options.rateLimit?.take(this.actorOf(grant, call)) ?? 0;
    if (waitMs === 0) return null;
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    const limited = grpcError(status.RESOURCE_EXHAUSTED, `rate limit exceeded for ${this.actorOf(grant, call)}: retry in ${seconds} s`);
    limited.metadata.set('retry-after', String(seconds));
    this.refused(metadata, call, limited);
    return limited;
  }

  /** Writes an allowed action (submit, cancel, upload, register-agent) to the audit log. */
  recordAction(metadata: Metadata, call: CallInfo | undefined, action: string, objectId: string): void {
    this.options.audit?.({ actor: this.actorOf(this.grantOf(metadata), call), action, objectId, outcome: 'ok', detail: '', peer: call?.getPeer?.() ?? '' });
  }

  /** `token:NAME` (or a hash of the token) and `cert:CN` when the caller showed a certificate. */
  actorOf(grant: TokenGrant | undefined | null, call?: CallInfo): string {
    const parts: string[] = [];
    if (grant != null) parts.push(`token:${grant.name ?? createHash('sha256').update(grant.token).digest('hex').slice(0, 8)}`);
    const subject = call?.getAuthContext?.()?.sslPeerCertificate?.subject;
    const cn = subject?.['CN'];
    if (typeof cn === 'string') parts.push(`cert:${cn}`);
    return parts.length > 0 ? parts.join(' ') : 'anonymous';
  }

  private grantOf(metadata: Metadata): TokenGrant | null {
    const header = metadata.get('authorization')[0];
    if (typeof header !== 'string' || !header.startsWith('Bearer ')) return null;
    const given = Buffer.from(header.slice('Bearer '.length));
    return this.grants.find((g) => {
      const known = Buffer.from(g.token);
      return known.length === given.length && timingSafeEqual(known, given);
    }) ?? null;
  }

  private verdict(metadata: Metadata, grant: TokenGrant | null, scopes: readonly Scope[]): ServiceError | null {
    const header = metadata.get('authorization')[0];
    if (typeof header !== 'string' || !header.startsWith('Bearer ')) {
      return grpcError(status.UNAUTHENTICATED, 'no token: send metadata `authorization: Bearer TOKEN` (etbench --token or $ETBENCH_TOKEN)');
    }
    if (grant === null) return grpcError(status.UNAUTHENTICATED, 'token not recognised by this orchestrator');
    if (!scopes.some((s) => grant.scopes.includes(s)) && !grant.scopes.includes('admin')) {
      return grpcError(status.PERMISSION_DENIED, `token lacks the '${scopes.join("' or '")}' scope (it has: ${grant.scopes.join(', ')})`);
    }
    return null;
  }

  private refused(metadata: Metadata, call: CallInfo | undefined, error: ServiceError): void {
    const grant = this.grantOf(metadata);
    const header = metadata.get('authorization')[0];
    const actor = grant === null && typeof header === 'string' && header.startsWith('Bearer ') ? `unknown-token ${this.actorOf(null, call)}`.replace(' anonymous', '') : this.actorOf(grant, call);
    const path = call?.getPath?.() ?? '';
    this.options.audit?.({ actor, action: (path.startsWith('/') ? path.slice(path.lastIndexOf('/') + 1) : path) || 'call', objectId: '', outcome: 'refused', detail: `${status[error.code]}: ${error.details}`, peer: call?.getPeer?.() ?? '' });
  }
}

/** Call credentials metadata for a client. */
export function tokenMetadata(token: string): Metadata {
  const m = new Metadata();
  m.set('authorization', `Bearer ${token}`);
  return m;
}
