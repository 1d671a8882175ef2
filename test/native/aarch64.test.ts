// The static aarch64 Linux build (what phones run over adb and boards over SSH), under
// qemu-aarch64: the C++ tests pass there with the NEON micro-kernels, and etrun gives the host's
// outputs bit for bit on real programs, and passes the operator-suite cases of every operator
// with an optimized kernel on `--kernels optimized`.

import { spawnSync } from 'node:child_process';
import path from 'node:path';
import test from 'ava';
import { OperatorRegistry, tolerancesFor } from '../../program/index.js';
import { writeOpSuites } from '../../program/suite/ops/write.js';
import { KEYWORD_SPOTTING, MODULE_LINEAR, XNNPACK_PROGRAMS, repoRoot } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp-dir.js';

const tools = ['aarch64-linux-gnu-g++', 'qemu-aarch64'];
const missing = tools.filter((tool) => spawnSync(tool, ['--version'], { stdio: 'ignore' }).status !== 0);
const native = process.arch === 'arm64';
const crossTest = missing.length === 0 || native || process.env.CI === 'true' ? test.serial : test.serial.skip;
if (missing.length > 0 && !native) {
  const say = process.env.CI === 'true' ? 'CI=true: running anyway, so the missing tools fail the test' : 'skipped';
  console.log(`aarch64 tests: ${missing.join(', ')} not installed (apt-get install g++-aarch64-linux-gnu qemu-user); ${say}`);
}

const runner = native ? [] : ['qemu-aarch64'];
const etrunArm = path.join(repoRoot, 'build', 'native', 'aarch64', 'etrun');
const etrunHost = path.join(repoRoot, 'build', 'native', 'release', 'etrun');

function build(target: string, run = false): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'native', 'build.mjs'), target, ...(run ? ['--run'] : [])], {
    cwd: repoRoot, encoding: 'utf8', timeout: 900_000,
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}`.slice(-4000) };
}

interface Doc {
  runtime: { isa: string[] };
  device: { arch: string };
  outputs: { data: number[] }[] | null;
  correctness: { pass: boolean }[];
  error: unknown;
}

function etrun(binary: string, args: string[]): { status: number | null; doc: Doc | null; output: string } {
  const [cmd, ...pre] = binary === etrunArm ? [...runner, binary] : [binary];
  const r = spawnSync(cmd!, [...pre, ...args], { encoding: 'utf8', timeout: 120_000 });
  let doc: Doc | null = null;
  try {
    doc = JSON.parse(r.stdout) as Doc;
  } catch {
    doc = null;
  }
  return { status: r.status, doc, output: `exit ${String(r.status)}\n${r.stderr}\n${r.stdout.slice(0, 2000)}` };
}

test.before(() => {
  if (missing.length > 0 && !native && process.env.CI !== 'true') return;
  const built = build('etrun-aarch64');
  if (built.status !== 0) throw new Error(`etrun-aarch64 did not build:\n${built.output}`);
});

crossTest('the C++ tests pass on aarch64 (NEON SGEMM, convolution and fallback tests included)', (t) => {
  t.timeout(900_000);
  const r = build('native-tests-aarch64', true);
  t.is(r.status, 0, r.output);
  t.regex(r.output, /native: \d+ passed, 0 failed/);
});

crossTest('etrun for aarch64 is static, reports NEON, and gives the host outputs bit for bit', async (t) => {
  const file = spawnSync('file', [etrunArm], { encoding: 'utf8' }).stdout;
  t.regex(file, /ARM aarch64.*statically linked/);
  for (const program of [KEYWORD_SPOTTING, MODULE_LINEAR]) {
    const args = [program, '--inputs', 'random:7', '--print-outputs', '--iterations', '1', '--warmup', '0'];
    const arm = etrun(etrunArm, args), host = etrun(etrunHost, args);
    t.is(arm.status, 0, arm.output);
    t.is(host.status, 0, host.output);
    t.deepEqual(arm.doc?.runtime.isa, ['neon']);
    t.is(arm.doc?.device.arch, 'aarch64');
    t.true((arm.doc?.outputs?.length ?? 0) > 0, arm.output);
    t.deepEqual(arm.doc?.outputs, host.doc?.outputs, path.basename(program));
  }
});

crossTest('real XNNPACK-delegated programs run on aarch64 through our xnnpack backend, agreeing with the host', (t) => {
  for (const program of XNNPACK_PROGRAMS) {
    const args = [program, '--inputs', 'random:7', '--print-outputs', '--iterations', '1', '--warmup', '0'];
    const arm = etrun(etrunArm, args), host = etrun(etrunHost, args);
    t.is(arm.status, 0, arm.output);
    t.is(host.status, 0, host.output);
    const a = arm.doc?.outputs?.[0]?.data ?? [], h = host.doc?.outputs?.[0]?.data ?? [];
    t.true(h.length > 0 && a.length === h.length, `${path.basename(program)}: ${a.length} vs ${h.length} values`);
    const scale = Math.max(1, ...h.map((v) => Math.abs(v)));
    const worst = Math.max(...a.map((v, i) => Math.abs(v - h[i]!)));
    // NEON and AVX2 sum in the same order but may fuse differently: a few float32 ulps of the scale.
    t.true(worst <= 1e-5 * scale, `${path.basename(program)}: max |aarch64 - host| = ${worst}`);
  }
});

crossTest('every suite case of an operator with an optimized kernel passes on aarch64 with --kernels optimized', async (t) => {
  t.timeout(900_000);
  const registry = OperatorRegistry.default();
  const ops = registry.names().filter((n) => registry.get(n)!.kernelSets.includes('optimized'));
  t.true(ops.length >= 5, `operators with optimized kernels: ${ops.join(', ')}`);
  const dir = await tempDir(t, 'etb-aarch64-suite-');
  const failures: string[] = [];
  let cases = 0;
  for (const op of ops) {
    const { files } = writeOpSuites(path.join(dir, op.replace(/\W+/g, '_')), { filter: op });
    for (const file of files) {
      cases += 1;
      // The case's own tolerance, from the manifest `etbench suite ops` writes beside it.
      const tol = tolerancesFor(file, 'forward');
      const tolArgs = tol === null ? [] : ['--rtol', String(tol.rtol), '--atol', String(tol.atol)];
      for (const threads of ['1', '2']) {
        const r = etrun(etrunArm, [file, '--kernels', 'optimized', '--threads', threads, '--iterations', '1', '--warmup', '0', ...tolArgs]);
        const ok = r.status === 0 && (r.doc?.correctness.length ?? 0) > 0 && r.doc!.correctness.every((c) => c.pass);
        if (!ok) failures.push(`${path.basename(file)} threads=${threads}: ${r.output.slice(0, 400)}`);
      }
    }
  }
  t.log(`${cases} cases over ${ops.length} operators, 1 and 2 threads`);
  t.true(cases > 0);
  t.deepEqual(failures, []);
});
