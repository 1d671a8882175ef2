// Starts an orchestrator: store, artifact store, farm core and the three gRPC services on one
// port. `port: 0` picks a free port; the bound port is returned.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { AgentServiceService, ArtifactServiceService, BenchServiceService, serverOptions } from '../proto/index.js';
import { ArtifactStore } from './artifacts.js';
import { Authenticator, type TokenGrant } from './auth.js';
import { RateLimiter, type RateLimitOptions } from './rate-limit.js';
import { onTlsRefusal, serverCredentials, type ServerTlsFiles } from './tls.js';
import type { AuditEntry } from './store/store.js';
import { Farm, type FarmOptions } from './farm.js';
import { startHttpApi } from './http.js';
import { agentService } from './services/agent-service.js';
import { artifactService } from './services/artifact-service.js';
import { benchService } from './services/bench-service.js';
import { isPostgresAddress, openStore } from './store/open.js';
import type { Store } from './store/store.js';

export interface OrchestratorOptions {
  /** Where to listen; default 127.0.0.1. */
  host?: string;
  port: number;
  /** `sqlite:PATH` or `postgres://...` (replicas share it). */
  store: string;
  /** Artifact directory; default beside a SQLite store file; required with PostgreSQL (replicas
   * share it: a shared filesystem path). */
  artifactsDir?: string;
  tokens: readonly TokenGrant[];
  farm?: Partial<FarmOptions>;
  /** Port of the read-only HTTP API (0 picks one); null or absent: no HTTP API. */
  httpPort?: number | null;
  /** Anonymous HTTP requests may read (--public-read). */
  publicRead?: boolean;
  /** The built web UI served at `/`; default dashboard/built in the package. */
  uiDir?: string | null;
  /** Mutual TLS on the gRPC port; absent: plaintext (a trusted network only). */
  tls?: ServerTlsFiles;
  /** Per-caller limit on client calls (agents exempt); absent: unlimited. */
  rateLimit?: RateLimitOptions;
}

export interface Orchestrator {
  port: number;
  /** The HTTP API's port, or null when it is off. */
  httpPort: number | null;
  address: string;
  farm: Farm;
  store: Store;
  /** Graceful: stops accepting calls, lets running calls end (up to graceMs), closes the store. */
  close(graceMs?: number): Promise<void>;
}

/** The committed UI build, dashboard/built, from the source tree or from the tsc build in dist/. */
const DEFAULT_UI_DIR = [new URL('../dashboard/built', import.meta.url), new URL('../../dashboard/built', import.meta.url)]
  .map((u) => fileURLToPath(u)).find((d) => existsSync(path.join(d, 'index.html'))) ?? null;

export async function startOrchestrator(options: OrchestratorOptions): Promise<Orchestrator> {
  if (options.artifactsDir === undefined && isPostgresAddress(options.store)) {
    throw new Error('a PostgreSQL store needs an artifacts directory (shared by all replicas)');
  }
  // Unreadable certificate files are found before anything is opened.
  const credentials = options.tls === undefined ? ServerCredentials.createInsecure() : serverCredentials(options.tls);
  const store = await openStore(options.store);
  const storeFile = options.store.slice('sqlite:'.length);
  const artifacts = new ArtifactStore(options.artifactsDir ?? path.join(path.dirname(path.resolve(storeFile)), 'artifacts'));
  const farm = new Farm(store, artifacts, options.farm);
  // The audit log is best effort: a failed write is reported, never a reason to refuse work.
  const audit = (entry: Omit<AuditEntry, 'timeMs'>): void => {
    void store.recordAudit({ timeMs: Date.now(), ...entry }).catch((e: unknown) => console.error(`etbench: audit log write failed: ${(e as Error).message}`));
  };
  const auth = new Authenticator(options.tokens, { audit, rateLimit: options.rateLimit === undefined ? undefined : new RateLimiter(options.rateLimit) });
  const server = new Server(serverOptions());
  server.addService(AgentServiceService, agentService(farm, auth));
  server.addService(ArtifactServiceService, artifactService(artifacts, store, auth));
  server.addService(BenchServiceService, benchService(farm, auth));
  const host = options.host ?? '127.0.0.1';
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:${options.port}`, credentials, (error, bound) => (error ? reject(error) : resolve(bound)));
  }).catch(async (e: unknown) => {
    await store.close();
    throw new Error(`cannot listen on ${host}:${options.port}: ${(e as Error).message}`);
  });
  if (options.tls !== undefined) {
    onTlsRefusal(server, (r) => audit({ actor: 'tls-handshake', action: 'connect', objectId: '', outcome: 'refused', detail: r.reason, peer: r.peer }));
  }
  await farm.start();
  const http = options.httpPort == null ? null : await startHttpApi(farm, auth, host, options.httpPort, { publicRead: options.publicRead ?? false, uiDir: options.uiDir === undefined ? DEFAULT_UI_DIR : options.uiDir }).catch(async (e: unknown) => {
    server.forceShutdown();
    await store.close();
    throw new Error(`cannot listen for HTTP on ${host}:${options.httpPort}: ${(e as Error).message}`);
  });
  let closed: Promise<void> | null = null;
  return {
    port,
    httpPort: http?.port ?? null,
    address: `${host}:${port}`,
    farm,
    store,
    close(graceMs = 2000): Promise<void> {
      closed ??= (async () => {
        await farm.stop();
        if (http !== null) {
          http.server.closeAllConnections();
          await new Promise<void>((resolve) => http.server.close(() => resolve()));
        }
        await new Promise<void>((resolve) => {
          const force = setTimeout(() => {
            server.forceShutdown();
            resolve();
          }, graceMs);
          server.tryShutdown(() => {
            clearTimeout(force);
            resolve();
          });
        });
        // Streams (agents, watchers) never end by themselves.
        server.forceShutdown();
        await store.close();
      })();
      return closed;
    },
  };
}
