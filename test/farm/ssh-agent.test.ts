// `etbench agent --ssh USER@HOST:PORT --ssh-key FILE` against a real OpenSSH server on loopback
// (test/helpers/sshd.ts): the agent registers the board as a kind=board device, `etbench devices`
// lists it with its unit id (ssh:<host key fingerprint>), and a job submitted through the farm
// runs there and passes. Skips without sshd, never when CI=true.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import { BUNDLED } from '../helpers/fixtures.js';
import { sshToolsMissing, startSshd, type Sshd } from '../helpers/sshd.js';
import { tempDir } from '../helpers/temp-dir.js';
import { TOKENS, spawnEtbench, startAgent, startServe, waitFor, type Proc } from './helpers.js';

const missing = sshToolsMissing();
const sshTest = missing.length === 0 || process.env['CI'] === 'true' ? test.serial : test.serial.skip;
if (missing.length > 0) console.log(`ssh agent test skipped: ${missing.join(', ')} not installed`);

let sshd: Sshd | undefined;
let sshdDir = '';
test.after.always(async () => {
  await sshd?.stop();
  if (sshdDir !== '') await rm(sshdDir, { recursive: true, force: true });
});

async function finish(p: Proc): Promise<{ code: number | null; out: string }> {
  const { code } = await p.exited;
  return { code, out: p.output() };
}

sshTest('an agent with --ssh registers a kind=board device and completes a job on it through the farm', async (t) => {
  sshdDir = await mkdtemp(path.join(tmpdir(), 'etb-sshd-agent-'));
  sshd = await startSshd(sshdDir);
  const dir = await tempDir(t, 'etbench-ssh-agent-');
  const serve = await startServe(t, path.join(dir, 'farm.db'));
  const target = `${sshd.username}@127.0.0.1:${sshd.port}`;
  startAgent(t, serve.address, 'ssh-agent', [], path.join(dir, 'cache'), ['--ssh', target, '--ssh-key', sshd.clientKey]);
  const env = { ETBENCH_TOKEN: TOKENS.submit, ETBENCH_HOME: dir };
  const common = ['--orchestrator', serve.address];
  const id = `ssh:${target}`;
  let listing = '';
  await waitFor('the board online', async () => {
    listing = (await finish(spawnEtbench(t, ['devices', ...common], env))).out;
    return listing.includes(id) && /\sboard\s+online\s/.test(listing);
  }, 60_000);
  t.true(listing.includes(`ssh:${sshd.hostFingerprint}`), listing);

  const done = await finish(spawnEtbench(t, ['run', ...common, '--devices', 'kind=board', '--programs', BUNDLED, '--iterations', '3', '--format', 'json'], env));
  t.is(done.code, 0, done.out);
  const document = JSON.parse(done.out.slice(done.out.indexOf('{'))) as { runs: { device: string; status: string; result: { correctness: { pass: boolean }[] } | null }[] };
  t.deepEqual(document.runs.map((r) => [r.device, r.status]), [[id, 'OK']]);
  t.true((document.runs[0]?.result?.correctness ?? []).every((c) => c.pass) && (document.runs[0]?.result?.correctness.length ?? 0) > 0);
});
