// The hostile corpus and the committed reproducers (docs/hardening.md). Both run through
// build/native/asan/hostile (native/fuzz/hostile_main.cpp, built here with ASan + UBSan), which
// forks one child per case and classifies how it ended. The corpus covers every real fixture in
// ../shared/fixtures/{executorch,xnnpack} with a fixed seed: every prefix (256 spaced ones for
// files over 4 KiB) and at least 1,000 seeded mutations each. No case may crash (a signal or a
// sanitizer report), hang, or exit with a code the driver's rule does not allow. Failing inputs
// are written to build/hostile-test/ to become reproducers.

import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { fixture, repoRoot } from '../helpers/fixtures.js';

const HOSTILE = path.join(repoRoot, 'build', 'native', 'asan', 'hostile');
const REPRODUCERS = path.join(repoRoot, 'native', 'fuzz', 'reproducers');
const OUT = path.join(repoRoot, 'build', 'hostile-test');
const SEED = '1';
const MIN_MUTATIONS = 1000;

/** Fixtures whose unmodified run is 'unsupported' (4). None since the XnnpackBackend runs the xnnpack/ ones. */
const UNSUPPORTED = new Set<string>();
/** KeywordSpotting needs the Cortex-M quantized kernels: 4 in a build without them, 0 with them. */
const EITHER = new Set(['arduino_KeywordSpotting.pte']);

interface Done {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

/** The driver's `hostile-json` line for one fixture. */
interface FixtureReport {
  fixture: string;
  bytes: number;
  baseline: number;
  prefixes: number;
  mutations: number;
  codes: Record<string, number>;
  crashes: number;
  hangs: number;
  disallowed: number;
  passed: number;
  seconds: number;
}

/** Runs a command without blocking the worker (ava must keep hearing from it); never rejects on exit codes. */
function run(command: string, args: readonly string[], timeoutMs: number): Promise<Done> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(command, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, seconds: (Date.now() - started) / 1000 }));
  });
}

let built: Promise<void> | undefined;

/** Builds the driver once per worker (incremental: usually only the link, after `npm run test:native`). */
function buildHostile(): Promise<void> {
  built ??= run(process.execPath, ['native/build.mjs', 'hostile-asan'], 9 * 60_000).then((done) => {
    if (done.code !== 0) throw new Error(`node native/build.mjs hostile-asan failed (${String(done.code)}):\n${done.stderr}`);
  });
  return built;
}

function allFixtures(): string[] {
  const files: string[] = [];
  for (const dir of ['executorch', 'xnnpack']) {
    for (const name of readdirSync(fixture(dir)).sort()) {
      if (name.endsWith('.pte') || name.endsWith('.bpte')) files.push(fixture(dir, name));
    }
  }
  return files;
}

function failures(done: Done): string {
  const lines = done.stdout.split('\n').filter((l) => l.startsWith('FAIL') || l.startsWith('     '));
  return `exit ${String(done.code)} signal ${String(done.signal)}\n${lines.slice(0, 40).join('\n')}\nstderr:\n${done.stderr.slice(-4000)}`;
}

function freshOut(t: ExecutionContext, name: string): string {
  const dir = path.join(OUT, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  t.log(`failing inputs, if any, go to ${path.relative(repoRoot, dir)}`);
  return dir;
}

test.serial('every committed reproducer runs without crash, hang or an unexpected exit code', async (t) => {
  t.timeout(10 * 60_000);
  await buildHostile();
  const files = readdirSync(REPRODUCERS)
    .filter((f) => !f.endsWith('.md') && statSync(path.join(REPRODUCERS, f)).isFile())
    .map((f) => path.join(REPRODUCERS, f));
  t.true(files.length > 0, `${REPRODUCERS} holds no reproducers`);
  const done = await run(HOSTILE, ['--files', '--out', freshOut(t, 'reproducers'), ...files], 5 * 60_000);
  t.is(done.signal, null, failures(done));
  t.is(done.code, 0, failures(done));
  t.regex(done.stdout, new RegExp(`^hostile: ${files.length} passed, 0 failed$`, 'm'), failures(done));
});

test.serial('the hostile corpus over every fixture: no crash, hang or disallowed exit code', async (t) => {
  t.timeout(10 * 60_000);
  await buildHostile();
  const fixtures = allFixtures();
  t.true(fixtures.length >= 10, `expected the real fixtures in ${fixture()}`);
  const done = await run(HOSTILE, ['--seed', SEED, '--mutations', String(MIN_MUTATIONS), '--out', freshOut(t, 'corpus'), ...fixtures], 9 * 60_000);
  t.log(`hostile corpus: ${done.seconds.toFixed(1)} s`);
  t.is(done.signal, null, failures(done));

  const reports = new Map<string, FixtureReport>();
  for (const line of done.stdout.split('\n')) {
    if (line.startsWith('hostile-json ')) {
      const r = JSON.parse(line.slice('hostile-json '.length)) as FixtureReport;
      reports.set(r.fixture, r);
    }
  }
  for (const file of fixtures) {
    const name = path.basename(file);
    const r = reports.get(name);
    if (r === undefined) {
      t.fail(`no report for ${name}\n${failures(done)}`);
      continue;
    }
    t.log(`${name}: ${r.prefixes} prefixes + ${r.mutations} mutations, exits ${JSON.stringify(r.codes)}, ${r.seconds} s`);
    if (EITHER.has(name)) t.true(r.baseline === 0 || r.baseline === 4, `${name}: baseline exit code ${r.baseline}`);
    else t.is(r.baseline, UNSUPPORTED.has(name) ? 4 : 0, `${name}: baseline exit code`);
    t.true(r.mutations >= MIN_MUTATIONS, `${name}: ${r.mutations} mutation cases`);
    t.is(r.prefixes, r.bytes <= 4096 ? r.bytes : 256, `${name}: prefix cases`);
    t.is(r.passed, r.prefixes + r.mutations, `${name}: every case passed\n${failures(done)}`);
    t.deepEqual([r.crashes, r.hangs, r.disallowed], [0, 0, 0], `${name}: crashes, hangs, disallowed exits\n${failures(done)}`);
  }
  t.regex(done.stdout, /^hostile: \d+ passed, 0 failed$/m, failures(done));
  t.is(done.code, 0, failures(done));
});
