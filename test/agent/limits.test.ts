// The agent's privileges and resource limits: the limits really bind the child (read back from
// /proc/self/limits of a process started exactly as etrun would be, with prlimit and with the
// /bin/sh fallback), --run-as switches the user, a job over its address-space bound ends as
// MEMORY_LIMIT through the real etrun, and the agent refuses root without --allow-root (the
// uid check faked, not by running as root).

import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { HostDriver } from '../../agent/index.js';
import { limitedCommand, lookupUser } from '../../agent/drivers/host/limits.js';
import { agentCommand } from '../../cli/farm/agent-command.js';
import { UsageError } from '../../cli/errors.js';
import type { CliIo } from '../../cli/io.js';
import { ResultStatus } from '../../proto/index.js';
import { ProgramBuilder } from '../../program/index.js';
import { tempDir } from '../helpers/temp-dir.js';
import { writeFileSync } from 'node:fs';

const LIMITS = { addressSpaceBytes: 512 * 1024 * 1024, cpuSeconds: 7, openFiles: 64, coreDumps: false };

function limitsOf(file: string, args: string[]): Record<string, string> {
  const r = spawnSync(file, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${file} failed: ${r.stderr}`);
  const out: Record<string, string> = {};
  for (const line of r.stdout.split('\n')) {
    const m = /^(Max [a-z ]+?)\s{2,}(\S+)\s+(\S+)/.exec(line);
    if (m !== null) out[m[1]!] = `${m[2]} ${m[3]}`;
  }
  return out;
}

const hasPrlimit = existsSync('/usr/bin/prlimit') || existsSync('/bin/prlimit');
for (const tool of ['prlimit', 'sh'] as const) {
  (tool === 'sh' || hasPrlimit ? test : test.skip)(`limits bind the child, soft and hard (${tool === 'prlimit' ? 'prlimit' : '/bin/sh ulimit fallback'})`, (t) => {
    const tools = { prlimit: tool === 'prlimit' ? (existsSync('/usr/bin/prlimit') ? '/usr/bin/prlimit' : '/bin/prlimit') : null, setpriv: null };
    const [file, args] = limitedCommand('/bin/cat', ['/proc/self/limits'], LIMITS, null, tools);
    t.is(path.basename(file), tool === 'prlimit' ? 'prlimit' : 'sh');
    const limits = limitsOf(file, args);
    t.is(limits['Max address space'], `${512 * 1024 * 1024} ${512 * 1024 * 1024}`);
    t.is(limits['Max cpu time'], '7 7');
    t.is(limits['Max open files'], '64 64');
    t.is(limits['Max core file size'], '0 0');
  });
}

(process.geteuid?.() === 0 ? test : test.skip)('--run-as: the child runs as that user, under the same limits', (t) => {
  const nobody = lookupUser('nobody');
  const [file, args] = limitedCommand('/bin/sh', ['-c', 'id -u; id -g; cat /proc/self/limits'], LIMITS, nobody);
  const r = spawnSync(file, args, { encoding: 'utf8' });
  t.is(r.status, 0, r.stderr);
  const [uid, gid] = r.stdout.split('\n');
  t.is(Number(uid), nobody.uid);
  t.is(Number(gid), nobody.gid);
  t.regex(r.stdout, /Max open files\s+64\s+64/);
  t.throws(() => lookupUser('no-such-user-here'), { message: /no user 'no-such-user-here'/ });
});

test('a job over its address-space bound ends as MEMORY_LIMIT (real etrun under the limits)', async (t) => {
  const dir = await tempDir(t, 'etbench-limits-');
  // 100M float32 elements: 400 MB of input and as much output, over a 256 MiB bound.
  const b = new ProgramBuilder();
  const m = b.method('forward');
  m.output(m.input({ dtype: 'float32', shape: [100_000_000] }));
  const program = path.join(dir, 'hog.pte');
  writeFileSync(program, b.build().pte);
  const driver = new HostDriver({ deviceIds: ['h'], limits: { cpuSeconds: 60, openFiles: 256 } });
  const [device] = await driver.discover();
  const job = (memoryLimitBytes: number) => ({
    jobId: 'j', attempt: 1, programPath: program, method: 'forward', timeoutMs: 60_000, memoryLimitBytes, rtol: null, atol: null, runtimePath: null,
    config: { kernels: 'portable', backends: [], threads: 0, warmup: 0, hasWarmup: false, iterations: 1, minSeconds: 0, inputs: 'random:1' },
  });
  const hogged = await driver.run(device!, job(256 * 1024 * 1024) as never, new AbortController().signal);
  t.is(hogged.status, ResultStatus.RESULT_STATUS_MEMORY_LIMIT, hogged.problem);
});

function io(): CliIo & { err: string } {
  const state = { err: '' };
  return Object.assign(state, { stdout: () => undefined, stderr: (s: string) => { state.err += s; }, stderrIsTTY: false, cwd: process.cwd(), env: { ...process.env, ETBENCH_HOME: '/nonexistent-etbench-home' }, signal: null });
}

test('the agent refuses to run as root unless --allow-root or --run-as; --run-as needs root', async (t) => {
  const base = ['--orchestrator', '127.0.0.1:1', '--token', 't', '--host-devices', 'h1'];
  const asRoot = { geteuid: () => 0 };
  const refused = await t.throwsAsync(agentCommand(base, io(), asRoot), { instanceOf: UsageError });
  t.regex(refused!.message, /refuses to run as root: .*--run-as USER.*--allow-root/);
  const notRoot = await t.throwsAsync(agentCommand([...base, '--run-as', 'nobody'], io(), { geteuid: () => 1000 }), { instanceOf: UsageError });
  t.regex(notRoot!.message, /--run-as needs the agent to run as root/);
  const rootUser = await t.throwsAsync(agentCommand([...base, '--run-as', 'root'], io(), asRoot), { instanceOf: UsageError });
  t.regex(rootUser!.message, /that is root/);
  const badLimit = await t.throwsAsync(agentCommand([...base, '--limit-files', '0'], io(), { geteuid: () => 1000 }), { instanceOf: UsageError });
  t.regex(badLimit!.message, /--limit-files must be an integer >= 1, got '0'/);
  // With --allow-root it goes on to connect: it is stopped from outside as soon as it started.
  const controller = new AbortController();
  const started = agentCommand([...base, '--allow-root'], { ...io(), signal: controller.signal }, asRoot);
  setTimeout(() => controller.abort(), 1500);
  await t.notThrowsAsync(started);
});
