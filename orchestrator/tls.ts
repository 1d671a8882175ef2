// Mutual TLS for the gRPC port: the orchestrator shows its certificate and accepts only clients
// (agents, CLI users) whose certificate a configured CA signed and that is within its validity
// dates. A refused handshake never reaches a service handler, so it is caught on the TLS server
// itself and reported (for the audit log) with the reason and the peer's address.

import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { ChannelCredentials, ServerCredentials, credentials, type Server } from '@grpc/grpc-js';

export interface ServerTlsFiles {
  cert: string;
  key: string;
  /** CA that client certificates must chain to. */
  clientCa: string;
}

export interface ClientTlsFiles {
  /** CA that signed the orchestrator's certificate. */
  ca: string;
  /** This client's certificate and key (mutual TLS); both or neither. */
  cert?: string;
  key?: string;
}

function read(what: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new Error(`${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** @throws Error naming the file that cannot be read. */
export function serverCredentials(files: ServerTlsFiles): ServerCredentials {
  // true: a client without a certificate signed by clientCa is refused in the handshake.
  return ServerCredentials.createSsl(read('--tls-client-ca', files.clientCa), [{ cert_chain: read('--tls-cert', files.cert), private_key: read('--tls-key', files.key) }], true);
}

/** @throws Error naming the file that cannot be read, or a cert given without its key. */
export function clientCredentials(files: ClientTlsFiles): ChannelCredentials {
  if ((files.cert === undefined) !== (files.key === undefined)) throw new Error('--tls-cert and --tls-key go together');
  return credentials.createSsl(read('--tls-ca', files.ca), files.key === undefined ? null : read('--tls-key', files.key), files.cert === undefined ? null : read('--tls-cert', files.cert));
}

export interface TlsRefusal {
  peer: string;
  /** OpenSSL's reason, e.g. "certificate has expired" or "peer did not return a certificate". */
  reason: string;
}

/**
 * Calls back for every failed TLS handshake on the server's listeners. grpc-js has no public
 * hook for this, so its (private) listener map is read; without it nothing is reported.
 */
export function onTlsRefusal(server: Server, callback: (refusal: TlsRefusal) => void): boolean {
  const listeners = (server as unknown as { http2Servers?: Map<NodeJS.EventEmitter, unknown> }).http2Servers;
  if (!(listeners instanceof Map)) return false;
  for (const listener of listeners.keys()) {
    // A socket refused in the handshake is destroyed before we hear of it and has forgotten its
    // peer: remember each peer when its TCP connection arrives.
    const peers = new WeakMap<object, string>();
    listener.on('connection', (raw: Socket) => peers.set(raw, `${raw.remoteAddress ?? '?'}:${raw.remotePort ?? 0}`));
    listener.on('tlsClientError', (error: Error & { code?: string }, socket: TLSSocket & { authorizationError?: string | Error | null; _parent?: object | null }) => {
      // A client certificate that fails verification (expired, unknown CA) ends the socket
      // without an error of its own; the verification's verdict is left on the socket.
      const verdict = socket.authorizationError == null ? '' : `client certificate refused: ${String(socket.authorizationError)}`;
      const reason = verdict !== '' ? verdict : [error.code, error.message].filter((s) => s !== undefined && s !== '').join(': ');
      const peer = socket.remoteAddress !== undefined ? `${socket.remoteAddress}:${socket.remotePort ?? 0}` : peers.get(socket._parent ?? socket) ?? '?';
      callback({ peer, reason });
    });
  }
  return listeners.size > 0;
}
