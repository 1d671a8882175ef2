// Client-side TLS settings shared by `etbench agent`, `run`, `devices`, `results` and `compare`:
// --tls-ca/--tls-cert/--tls-key, else $ETBENCH_TLS_CA/_CERT/_KEY. Without a CA the connection
// is plaintext, as before.

import type { ChannelCredentials } from '@grpc/grpc-js';
import { clientCredentials } from '../../orchestrator/tls.js';
import { UsageError } from '../errors.js';

export const TLS_FLAGS = { 'tls-ca': { type: 'string' }, 'tls-cert': { type: 'string' }, 'tls-key': { type: 'string' } } as const;

export const TLS_HELP = `  --tls-ca FILE              CA of the orchestrator's certificate: connect with TLS
                             (default $ETBENCH_TLS_CA; docs/deploying.md "Mutual TLS")
  --tls-cert FILE, --tls-key FILE  this client's certificate and key (default
                             $ETBENCH_TLS_CERT, $ETBENCH_TLS_KEY)
`;

export function tlsCredentials(values: { 'tls-ca'?: string; 'tls-cert'?: string; 'tls-key'?: string }, env: NodeJS.ProcessEnv): ChannelCredentials | undefined {
  const ca = values['tls-ca'] ?? env['ETBENCH_TLS_CA'];
  const cert = values['tls-cert'] ?? env['ETBENCH_TLS_CERT'];
  const key = values['tls-key'] ?? env['ETBENCH_TLS_KEY'];
  if (ca === undefined || ca === '') {
    if (cert !== undefined || key !== undefined) throw new UsageError('--tls-cert/--tls-key need --tls-ca (the CA that signed the orchestrator\'s certificate)');
    return undefined;
  }
  try {
    return clientCredentials({ ca, cert, key });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}
