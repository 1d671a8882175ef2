// `etbench serve`: the orchestrator as a long-running process. Prints `listening on HOST:PORT`
// once it accepts calls (with --port 0 that is the port it picked) and stops gracefully on
// SIGINT/SIGTERM.

import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { newToken, parseTokens, startOrchestrator, storeAddressProblem, isPostgresAddress, type TokenGrant } from '../../orchestrator/index.js';
import { parseRateLimit } from '../../orchestrator/rate-limit.js';
import { ExitError, UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { TOKEN_FILE, etbenchHome } from './home.js';

export const SERVE_HELP = `Usage: etbench serve [--port N] [--http-port N] [--host ADDR] [--store ADDR] [--artifacts DIR] [--tokens SPEC]

Runs an orchestrator: agents connect to it (etbench agent), clients submit runs (etbench run
--orchestrator). Stops cleanly on Ctrl-C / SIGTERM; queued and running work resumes on restart.

  --port N           gRPC port (default 50051); 0 picks a free port and prints it
  --http-port N      HTTP API, web UI at / and /metrics (docs/dashboard.md), default 8080;
                     0 picks one
  --public-read      HTTP requests without a token may read (writes still need a token)
  --host ADDR        address to listen on (default 0.0.0.0)
  --store ADDR       sqlite:PATH (default sqlite:$ETBENCH_HOME/farm.db), or
                     postgres://USER[:PASSWORD]@HOST:PORT/DB: several replicas may share it
  --artifacts DIR    artifact directory (default beside a SQLite store, else
                     $ETBENCH_HOME/artifacts); replicas need one shared filesystem path
  --tokens SPEC      TOKEN:SCOPE[+SCOPE],... with scopes submit, read, agent, admin
                     (default $ETBENCH_TOKENS; with neither, an admin token is generated and
                     written to $ETBENCH_HOME/token, where clients on this machine find it)
  --lease-ms N       lease length without heartbeats (default 30000)
  --heartbeat-ms N   heartbeat interval agents are told to use (default 5000)
  --offline-fail-ms N  queued jobs bound to a device offline this long fail (default 600000)
  --retain-samples-days N  compact raw samples older than N days to summaries (default 0: keep)
  --nightly SUITE.yaml  run this nightly suite on a schedule (docs/nightly.md); reports go to
                     $ETBENCH_HOME/nightly/reports
  --at CRON          the schedule, 5 cron fields in UTC (default '0 2 * * *')
  --nightly-webhook URL  POST each night's JSON report there
  --tls-cert FILE, --tls-key FILE, --tls-client-ca FILE
                     mutual TLS on the gRPC port: this server's certificate and key, and the
                     CA client certificates must be signed by (all three; etbench certs)
  --rate-limit N[/s][,BURST]  client calls per second per token (agents exempt); beyond it
                     RESOURCE_EXHAUSTED / HTTP 429 with Retry-After (default off)
`;

function integer(flag: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min) throw new UsageError(`--${flag} must be an integer >= ${min}, got '${value}'`);
  return n;
}

export async function serveCommand(argv: readonly string[], io: CliIo): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv], strict: true, allowPositionals: false,
      options: {
        port: { type: 'string' }, 'http-port': { type: 'string' }, host: { type: 'string' }, store: { type: 'string' }, artifacts: { type: 'string' }, tokens: { type: 'string' }, 'public-read': { type: 'boolean' },
        'lease-ms': { type: 'string' }, 'heartbeat-ms': { type: 'string' }, 'offline-fail-ms': { type: 'string' }, 'retain-samples-days': { type: 'string' },
        nightly: { type: 'string' }, at: { type: 'string' }, 'nightly-webhook': { type: 'string' },
        'tls-cert': { type: 'string' }, 'tls-key': { type: 'string' }, 'tls-client-ca': { type: 'string' }, 'rate-limit': { type: 'string' }, help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    throw new UsageError(`serve: ${(e as Error).message}`);
  }
  if (values.help === true) {
    io.stdout(SERVE_HELP);
    return;
  }
  const home = etbenchHome(io.env, io.cwd);
  const { prepareSchedule, startSchedule } = await import('../nightly/serve-schedule.js');
  const nightly = await prepareSchedule(values, io.cwd);
  const port = integer('port', values.port, 50051, 0);
  if (port > 65535) throw new UsageError(`--port must be at most 65535, got ${port}`);
  const httpPort = integer('http-port', values['http-port'], 8080, 0);
  if (httpPort > 65535) throw new UsageError(`--http-port must be at most 65535, got ${httpPort}`);
  const store = values.store ?? `sqlite:${path.join(home, 'farm.db')}`;
  const problem = storeAddressProblem(store);
  if (problem !== null) throw new UsageError(`--store: ${problem}`);
  const artifactsDir = values.artifacts !== undefined ? path.resolve(io.cwd, values.artifacts)
    : isPostgresAddress(store) ? path.join(home, 'artifacts') : undefined;
  let tokens: TokenGrant[];
  const spec = values.tokens ?? io.env['ETBENCH_TOKENS'] ?? '';
  try {
    tokens = parseTokens(spec);
  } catch (e) {
    throw new UsageError(`--tokens: ${(e as Error).message}`);
  }
  if (tokens.length === 0) {
    const token = newToken();
    mkdirSync(home, { recursive: true });
    const file = path.join(home, TOKEN_FILE);
    writeFileSync(file, `${token}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    tokens = [{ token, scopes: ['admin'] }];
    io.stderr(`etbench serve: generated an admin token in ${file}\n`);
  }
  const tlsGiven = [values['tls-cert'], values['tls-key'], values['tls-client-ca']].filter((v) => v !== undefined).length;
  if (tlsGiven !== 0 && tlsGiven !== 3) throw new UsageError('--tls-cert, --tls-key and --tls-client-ca go together (mutual TLS)');
  const tls = tlsGiven === 3 ? { cert: path.resolve(io.cwd, values['tls-cert']!), key: path.resolve(io.cwd, values['tls-key']!), clientCa: path.resolve(io.cwd, values['tls-client-ca']!) } : undefined;
  let rateLimit;
  try {
    rateLimit = values['rate-limit'] === undefined ? undefined : parseRateLimit(values['rate-limit']);
  } catch (e) {
    throw new UsageError(`--rate-limit: ${(e as Error).message}`);
  }
  // An unreachable database or a busy port is the operator's to fix: say so, without a stack.
  const orchestrator = await startOrchestrator({
    host: values.host ?? '0.0.0.0', port, httpPort, store, artifactsDir, tokens, publicRead: values['public-read'] === true, tls, rateLimit,
    farm: { leaseMs: integer('lease-ms', values['lease-ms'], 30_000, 100), heartbeatIntervalMs: integer('heartbeat-ms', values['heartbeat-ms'], 5000, 20),
      offlineFailMs: integer('offline-fail-ms', values['offline-fail-ms'], 600_000, 0),
      sampleRetentionMs: integer('retain-samples-days', values['retain-samples-days'], 0, 0) * 86_400_000,
    },
  }).catch((e: unknown) => {
    throw new ExitError(1, `serve: ${(e as Error).message}`);
  });
  io.stdout(`listening on ${values.host ?? '0.0.0.0'}:${orchestrator.port}\n`);
  io.stdout(`http on ${values.host ?? '0.0.0.0'}:${orchestrator.httpPort ?? ''}\n`);
  let schedule;
  try {
    schedule = nightly === null ? null : startSchedule(nightly, orchestrator, tokens, home, io.env, (line) => io.stderr(`etbench serve: ${line}\n`));
  } catch (e) {
    await orchestrator.close();
    throw e;
  }
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    io.signal?.addEventListener('abort', stop, { once: true });
    process.once('SIGTERM', stop);
  });
  io.stderr('etbench serve: shutting down\n');
  await schedule?.stop();
  await orchestrator.close();
}
