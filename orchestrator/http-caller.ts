// The HTTP API's caller in the shape the authenticator audits and rate-limits: the token from
// the Authorization header, the peer address, and the request path as the action.

import type { IncomingMessage } from 'node:http';
import { Metadata } from '@grpc/grpc-js';
import type { CallInfo } from './auth.js';

export function authMetadata(req: IncomingMessage): Metadata {
  const metadata = new Metadata();
  if (typeof req.headers.authorization === 'string') metadata.set('authorization', req.headers.authorization);
  return metadata;
}

export function httpCallInfo(req: IncomingMessage): CallInfo {
  return {
    getPeer: () => `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? 0}`,
    // Not a gRPC path (which starts with '/'): the audit log shows it whole.
    getPath: () => `HTTP ${req.method ?? 'GET'} ${(req.url ?? '/').split('?')[0]}`,
  };
}
