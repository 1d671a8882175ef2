// Fleet security, in process: mutual TLS with certificates made here by `etbench certs`' own
// functions (a good client connects; no certificate, another CA's and an expired one are refused
// in the handshake, and the refusals land in the audit log); the audit log of allowed actions
// (upload, submit, cancel, agent registration) and refused ones (unknown token, missing scope,
// rate limited) on both store engines; per-token rate limits over gRPC and HTTP.

import test, { type ExecutionContext } from 'ava';
import path from 'node:path';
import { credentials, status, type ServiceError } from '@grpc/grpc-js';
import { Agent, SimDriver } from '../../agent/index.js';
import { FarmClient } from '../../cli/farm/client.js';
import { issueCert, makeCa } from '../../cli/farm/certs.js';
import { newToken, openStore, parseTokens, startOrchestrator, type Orchestrator } from '../../orchestrator/index.js';
import { auditCommand } from '../../cli/farm/audit-command.js';
import { clientCredentials } from '../../orchestrator/tls.js';
import { RateLimiter } from '../../orchestrator/rate-limit.js';
import type { AuditEntry } from '../../orchestrator/store/store.js';
import { ProgramBuilder } from '../../program/index.js';
import { postgresMissing, startPostgres } from '../helpers/postgres.js';
import { tempDir } from '../helpers/temp-dir.js';
import { TOKENS as CLI_TOKENS, spawnEtbench, startAgent, startServe, waitFor } from './helpers.js';

const TOKENS = parseTokens('alice=alice-token:submit+read,bob=bob-token:read,ops=ops-token:admin,lab=agent-token:agent');

async function orchestrator(t: ExecutionContext, store: string, dir: string, extra: Partial<Parameters<typeof startOrchestrator>[0]> = {}): Promise<Orchestrator> {
  const o = await startOrchestrator({ port: 0, httpPort: 0, store, artifactsDir: path.join(dir, 'artifacts'), tokens: TOKENS, ...extra });
  t.teardown(() => o.close(100));
  return o;
}

const failure = async (p: Promise<unknown>): Promise<ServiceError> => p.then(() => { throw new Error('the call succeeded'); }, (e: ServiceError) => e);

async function auditWhere(o: Orchestrator, what: string, match: (e: AuditEntry) => boolean): Promise<AuditEntry> {
  // Audit writes do not hold up the call they record: wait for them to land.
  const found = await waitFor(`audit entry: ${what}`, async () => (await o.store.auditEntries(1000)).find(match), 10_000);
  return found!;
}

test('mutual TLS: a client with a certificate from the CA connects; none, another CA\'s and an expired one are refused and audited', async (t) => {
  const dir = await tempDir(t, 'etbench-tls-');
  const ca = makeCa(path.join(dir, 'ca'));
  const server = issueCert(ca, path.join(dir, 'ca'), 'server', { hosts: ['localhost', '127.0.0.1'] });
  const good = issueCert(ca, path.join(dir, 'ca'), 'alice-laptop');
  const expired = issueCert(ca, path.join(dir, 'ca'), 'old-laptop', { days: -1 });
  const other = makeCa(path.join(dir, 'other'), 'someone else');
  const foreign = issueCert(other, path.join(dir, 'other'), 'intruder');
  const o = await orchestrator(t, `sqlite:${path.join(dir, 'farm.db')}`, dir, { tls: { cert: server.cert, key: server.key, clientCa: ca.cert } });
  const client = (cert?: { cert: string; key: string }): FarmClient => {
    const c = new FarmClient(`127.0.0.1:${o.port}`, 'alice-token', clientCredentials({ ca: ca.cert, cert: cert?.cert, key: cert?.key }));
    t.teardown(() => c.close());
    return c;
  };
  t.deepEqual(await client(good).devices(), []);

  // A plaintext client gets nowhere near the services either.
  const plain = new FarmClient(`127.0.0.1:${o.port}`, 'alice-token', credentials.createInsecure());
  t.teardown(() => plain.close());
  t.is((await failure(plain.devices())).code, status.UNAVAILABLE);

  for (const [what, cert] of [['no certificate', undefined], ['another CA', foreign], ['expired', expired]] as const) {
    const e = await failure(client(cert).devices());
    t.is(e.code, status.UNAVAILABLE, `${what}: ${e.message}`);
    t.log(`${what}: ${e.details}`);
  }
  const expected = {
    'no certificate': /did not return a certificate|PEER_DID_NOT_RETURN_A_CERTIFICATE/i,
    'another CA': /client certificate refused: (UNABLE_TO_GET_ISSUER_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED)/,
    'expired': /client certificate refused: CERT_HAS_EXPIRED/,
    'plaintext': /WRONG_VERSION_NUMBER/,
  };
  let refusals: AuditEntry[] = [];
  const complete = await waitFor('each refused handshake in the audit log', async () => {
    refusals = (await o.store.auditEntries(100)).filter((e) => e.action === 'connect' && e.outcome === 'refused');
    return Object.values(expected).every((re) => refusals.some((r) => re.test(r.detail)));
  }, 10_000).catch(() => false);
  t.log(refusals.map((r) => r.detail).join('\n'));
  for (const [what, re] of Object.entries(expected)) t.true(refusals.some((r) => re.test(r.detail)), what);
  t.true(complete);
  t.true(refusals.every((r) => r.actor === 'tls-handshake' && /^127\.0\.0\.1:\d+$/.test(r.peer)), JSON.stringify(refusals.map((r) => r.peer)));

  // Behind TLS the token still counts, and the audit names the certificate's subject.
  const wrongToken = new FarmClient(`127.0.0.1:${o.port}`, 'guess', clientCredentials({ ca: ca.cert, ...good }));
  t.teardown(() => wrongToken.close());
  t.is((await failure(wrongToken.devices())).code, status.UNAUTHENTICATED);
  const entry = await auditWhere(o, 'refused token with certificate', (e) => e.action === 'ListDevices' && e.outcome === 'refused');
  t.is(entry.actor, 'unknown-token cert:alice-laptop');
});

function identityProgram(): Uint8Array {
  const b = new ProgramBuilder();
  const m = b.method('forward');
  m.output(m.input({ dtype: 'float32', shape: [4] }));
  return b.build().pte;
}

async function auditScenario(t: ExecutionContext, store: string): Promise<void> {
  const dir = await tempDir(t, 'etbench-audit-');
  const o = await orchestrator(t, store, dir, { rateLimit: { perSecond: 0.2, burst: 3 } });
  const agent = new Agent({ orchestrator: o.address, token: 'agent-token', agentId: 'lab-1', drivers: [new SimDriver({ deviceIds: ['s1'], capabilities: { kernelSets: [], backends: [] }, jobMs: 60_000 })], cacheDir: path.join(dir, 'cache') });
  t.teardown(() => agent.stop());
  await agent.start();
  const alice = new FarmClient(o.address, 'alice-token');
  const bob = new FarmClient(o.address, 'bob-token');
  const stranger = new FarmClient(o.address, 'nobody');
  t.teardown(() => { alice.close(); bob.close(); stranger.close(); });
  const info = await alice.uploadBytes(identityProgram(), 'identity.pte');
  const program = { sha256: info.sha256, name: 'identity.pte', size: info.size, methods: [], operators: [], delegates: [], rtol: 0, atol: 0, hasTolerances: false, plannedBytes: 0, expectedSha256: '', expectedInputs: '' };
  const run = await alice.submit({ programs: [program], devices: ['any:kind=sim'], configs: [], label: 'audited' });
  // Uploading took two calls (status, upload) and submitting one: alice's burst of 3 is spent.
  const limited = await failure(alice.cancelRun(run.id));
  t.is(limited.code, status.RESOURCE_EXHAUSTED);
  t.regex(limited.details, /rate limit exceeded for token:alice: retry in \d+ s/);
  t.true(Number(limited.metadata.get('retry-after')[0]) >= 1);
  t.is((await failure(bob.cancelRun(run.id))).code, status.PERMISSION_DENIED);
  t.is((await failure(stranger.getRun(run.id))).code, status.UNAUTHENTICATED);
  // The admin cancels over HTTP (its own bucket).
  const res = await fetch(`http://127.0.0.1:${o.httpPort}/api/v1/runs/${run.id}/cancel`, { method: 'POST', headers: { authorization: 'Bearer ops-token' } });
  t.is(res.status, 200);

  const has = (what: string, m: (e: AuditEntry) => boolean): Promise<AuditEntry> => auditWhere(o, what, m);
  t.like(await has('upload', (e) => e.action === 'upload'), { actor: 'token:alice', objectId: info.sha256, outcome: 'ok' });
  t.like(await has('submit', (e) => e.action === 'submit'), { actor: 'token:alice', objectId: run.id, outcome: 'ok' });
  t.like(await has('agent', (e) => e.action === 'register-agent'), { actor: 'token:lab', objectId: 'lab-1', outcome: 'ok' });
  t.like(await has('cancel', (e) => e.action === 'cancel'), { actor: 'token:ops', objectId: run.id, outcome: 'ok' });
  t.regex((await has('rate limited', (e) => e.detail.startsWith('RESOURCE_EXHAUSTED'))).actor, /^token:alice$/);
  t.like(await has('missing scope', (e) => e.detail.startsWith('PERMISSION_DENIED')), { actor: 'token:bob', action: 'CancelRun', outcome: 'refused' });
  t.like(await has('wrong token', (e) => e.detail.startsWith('UNAUTHENTICATED')), { actor: 'unknown-token', action: 'GetRun', outcome: 'refused' });
  const all = await o.store.auditEntries(1000);
  t.true(all.every((e) => e.timeMs > Date.now() - 120_000 && /^(127\.0\.0\.1|::ffff:127\.0\.0\.1|ipv4:127\.0\.0\.1):\d+$/.test(e.peer)), JSON.stringify(all.map((e) => e.peer)));
  t.false(JSON.stringify(all).includes('alice-token'), 'tokens themselves are never logged');

  // Readable over HTTP with the admin scope only; `since` filters.
  const audit = await fetch(`http://127.0.0.1:${o.httpPort}/api/v1/audit?limit=500`, { headers: { authorization: 'Bearer ops-token' } });
  t.is(audit.status, 200);
  t.is(((await audit.json()) as { entries: AuditEntry[] }).entries.length, (await o.store.auditEntries(1000)).length);
  t.is((await fetch(`http://127.0.0.1:${o.httpPort}/api/v1/audit`, { headers: { authorization: 'Bearer bob-token' } })).status, 403);
  t.deepEqual(await o.store.auditEntries(10, Date.now() + 60_000), []);
  t.is((await o.store.auditEntries(2)).length, 2);
}

test.serial('audit log (SQLite): who uploaded, submitted, cancelled, registered, and every refusal', async (t) => {
  const dir = await tempDir(t, 'etbench-audit-db-');
  await auditScenario(t, `sqlite:${path.join(dir, 'farm.db')}`);
});

const missing = postgresMissing();
(missing === null ? test.serial : test.serial.skip)('audit log (PostgreSQL): the same scenario', async (t) => {
  const server = await startPostgres();
  t.teardown(() => server.stop());
  await auditScenario(t, await server.createDatabase('audit'));
});

test('rate limit over HTTP: 429 with Retry-After once a token\'s burst is spent, other tokens unaffected', async (t) => {
  const dir = await tempDir(t, 'etbench-rate-');
  const o = await orchestrator(t, `sqlite:${path.join(dir, 'farm.db')}`, dir, { rateLimit: { perSecond: 1, burst: 2 } });
  const get = (token: string): Promise<Response> => fetch(`http://127.0.0.1:${o.httpPort}/api/v1/runs`, { headers: { authorization: `Bearer ${token}` } });
  t.is((await get('bob-token')).status, 200);
  t.is((await get('bob-token')).status, 200);
  const third = await get('bob-token');
  t.is(third.status, 429);
  t.is(third.headers.get('retry-after'), '1');
  t.is((await get('alice-token')).status, 200);
  await new Promise((r) => setTimeout(r, 1100));
  t.is((await get('bob-token')).status, 200, 'refilled after a second');
});

test('token bucket: burst, refill rate, and the wait it reports', (t) => {
  let now = 0;
  const limiter = new RateLimiter({ perSecond: 2, burst: 3 }, () => now);
  t.deepEqual([limiter.take('a'), limiter.take('a'), limiter.take('a')], [0, 0, 0]);
  t.is(limiter.take('a'), 500);
  t.is(limiter.take('b'), 0, 'callers have their own buckets');
  now = 500;
  t.is(limiter.take('a'), 0);
  t.is(limiter.take('a'), 500);
  t.is(new RateLimiter({ perSecond: 0, burst: 1 }).take('x'), 0, '0 turns limiting off');
});

test('the commands over mutual TLS: etbench certs, serve --tls-*, agent --tls-*, devices --tls-* (and refused without a certificate)', async (t) => {
  const dir = await tempDir(t, 'etbench-tls-cli-');
  const certs = path.join(dir, 'tls');
  const made = spawnEtbench(t, ['certs', '--out', certs, '--clients', 'rack1,alice']);
  t.is((await made.exited).code, 0, made.output());
  t.regex(made.output(), /wrote .*: ca\.crt, server\.crt\/key, rack1\.crt\/key, alice\.crt\/key/);
  const f = (name: string): string => path.join(certs, name);
  const serve = await startServe(t, path.join(dir, 'farm.db'), 0, ['--tls-cert', f('server.crt'), '--tls-key', f('server.key'), '--tls-client-ca', f('ca.crt')]);
  startAgent(t, serve.address, 'tls-agent', ['t1'], path.join(dir, 'cache'), ['--tls-ca', f('ca.crt'), '--tls-cert', f('rack1.crt'), '--tls-key', f('rack1.key')]);
  const devices = async (extra: string[]): Promise<{ code: number | null; out: string }> => {
    const p = spawnEtbench(t, ['devices', '--orchestrator', serve.address, '--token', CLI_TOKENS.read, '--format', 'json', ...extra]);
    return { code: (await p.exited).code, out: p.output() };
  };
  const tls = ['--tls-ca', f('ca.crt'), '--tls-cert', f('alice.crt'), '--tls-key', f('alice.key')];
  await waitFor('the agent\'s device over TLS', async () => /"id": "t1"/.test((await devices(tls)).out), 60_000);
  const refused = await devices(['--tls-ca', f('ca.crt')]);
  t.is(refused.code, 1, refused.out);
  t.regex(refused.out, /certificate required/);
});

test('etbench audit prints the log newest first, as text or JSON, filtered by --since', async (t) => {
  const dir = await tempDir(t, 'etbench-audit-cli-');
  const address = `sqlite:${path.join(dir, 'farm.db')}`;
  const store = await openStore(address);
  await store.recordAudit({ timeMs: Date.parse('2026-01-01T10:00:00Z'), actor: 'token:alice', action: 'submit', objectId: 'run-1', outcome: 'ok', detail: '', peer: '10.0.0.7:5000' });
  await store.recordAudit({ timeMs: Date.parse('2026-01-02T10:00:00Z'), actor: 'token:bob', action: 'CancelRun', objectId: '', outcome: 'refused', detail: 'PERMISSION_DENIED: token lacks the \'submit\' scope', peer: '10.0.0.8:5001' });
  await store.close();
  let out = '';
  const io = { stdout: (s: string) => { out += s; }, stderr: () => undefined, stderrIsTTY: false, cwd: dir, env: {}, signal: null };
  await auditCommand(['--store', address], io);
  t.is(out, '2026-01-02T10:00:00.000Z  refused  CancelRun  -  by token:bob from 10.0.0.8:5001  (PERMISSION_DENIED: token lacks the \'submit\' scope)\n'
    + '2026-01-01T10:00:00.000Z  ok       submit  run-1  by token:alice from 10.0.0.7:5000\n');
  out = '';
  await auditCommand(['--store', address, '--json', '--since', '2026-01-02T00:00:00Z'], io);
  t.deepEqual(out.trim().split('\n').map((l) => (JSON.parse(l) as AuditEntry).actor), ['token:bob']);
  await t.throwsAsync(auditCommand(['--store', address, '--since', 'yesterday'], io), { message: /--since must be a time/ });
});

test('generated tokens never start with a dash (a command line would read `--token -x...` as an option)', (t) => {
  const tokens = Array.from({ length: 2000 }, () => newToken());
  // One in 64 base64url strings starts with '-': without the check, 2000 tokens all pass with odds of e^-31.
  t.deepEqual(tokens.filter((x) => x.startsWith('-')), []);
  t.true(tokens.every((x) => /^[A-Za-z0-9_-]{32}$/.test(x)), 'tokens are 24 bytes of base64url');
  t.is(new Set(tokens).size, tokens.length);
});
