// `etbench run` end to end through bin/etbench.js in a child process, against the real etrun.
// Tests that reach etrun fail with "Run `npm run build`" until it is built.

import path from 'node:path';
import test from 'ava';
import type { JsonRunDocument } from '../../cli/index.js';
import { validateRunnerResult } from '../../native/runner/index.js';
import { BUNDLED, RUNNABLE_PROGRAMS, XNNPACK_PROGRAMS } from '../helpers/fixtures.js';
import { buildDist, describe, runBin } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-dir.js';
import { writeVendorProgram } from '../helpers/vendor-program.js';

test.before(() => buildDist());

const FAST = ['--iterations', '3', '--warmup', '1'];

test.serial('--format json: one run per program, each a valid document, the .bpte passes', async (t) => {
  const done = await runBin('etbench', ['run', '--devices', 'all', '--programs', ...RUNNABLE_PROGRAMS, '--format', 'json', ...FAST]);
  t.is(done.code, 0, describe(done));
  const document = JSON.parse(done.stdout) as JsonRunDocument;
  t.deepEqual(document.runs.map((r) => r.program), RUNNABLE_PROGRAMS);
  for (const run of document.runs) {
    t.like(run, { device: 'host', status: 'OK', exitCode: 0, signal: null, problem: null, method: 'forward' }, run.program);
    t.like(run.config, { kernels: 'portable', iterations: 3, warmup: 1 });
    t.deepEqual(validateRunnerResult(run.result), run.result);
  }
  const bundled = document.runs.find((r) => r.program === BUNDLED);
  const checks = bundled?.result?.correctness ?? [];
  t.true(checks.length > 0 && checks.every((c) => c.pass), JSON.stringify(checks));
});

test.serial('the table names every program and says ok', async (t) => {
  const done = await runBin('etbench', ['run', '--devices', 'kind=host', '--programs', ...RUNNABLE_PROGRAMS, ...FAST]);
  t.is(done.code, 0, describe(done));
  const lines = done.stdout.split('\n');
  t.regex(lines[0] ?? '', /^program\s+method\s+device\s+kernels\s+p50 ms\s+p90 ms\s+memory\s+correctness\s+status/);
  for (const program of RUNNABLE_PROGRAMS) {
    const row = lines.find((l) => l.startsWith(path.basename(program)));
    t.truthy(row, `a row for ${path.basename(program)}`);
    t.regex(row ?? '', /\sforward\s+host\s+portable\s.*\sok$/);
  }
  t.regex(lines.find((l) => l.startsWith(path.basename(BUNDLED))) ?? '', /\spass\s+ok$/);
  // stderr is not a terminal here: one plain progress line per finished job, no escape codes.
  const progress = done.stderr.split('\n').filter((l) => l !== '');
  t.is(progress.length, RUNNABLE_PROGRAMS.length, done.stderr);
  t.true(progress.every((l) => /^etbench: \[\d+\/\d+\] \S+ on host: OK \(p50 [\d.e+-]+ ms\)$/.test(l)), done.stderr);
  t.deepEqual(progress.map((l) => /\[(\d+)\//.exec(l)?.[1]), RUNNABLE_PROGRAMS.map((_, i) => String(i + 1)));
  t.false(done.stderr.includes('\x1b'), 'no terminal escape codes');
});

test.serial('a program the runtime cannot run fails the run with exit 1 and is listed', async (t) => {
  const vendor = await writeVendorProgram(await tempDir(t, 'etbench-vendor-'));
  const done = await runBin('etbench', ['run', '--devices', 'all', '--programs', BUNDLED, vendor, ...FAST]);
  t.is(done.code, 1, describe(done));
  // The farm's capability matching finds the missing delegate before any etrun starts.
  t.regex(done.stdout.split('\n').find((l) => l.startsWith('vendor.pte')) ?? '', /\sUNSUPPORTED$/);
  t.regex(done.stdout.split('\n').find((l) => l.startsWith('module_test_bundled_program.bpte')) ?? '', /\sok$/);
  t.regex(done.stderr, /1 of 2 jobs failed:\n\s+vendor\.pte .* on host: .*VendorBackend/);
});

test.serial('the XNNPACK-delegated programs run (XnnpackBackend)', async (t) => {
  const done = await runBin('etbench', ['run', '--devices', 'all', '--programs', ...XNNPACK_PROGRAMS, '--format', 'json', ...FAST]);
  t.is(done.code, 0, describe(done));
  const document = JSON.parse(done.stdout) as JsonRunDocument;
  t.deepEqual(document.runs.map((r) => [r.status, r.exitCode]), XNNPACK_PROGRAMS.map(() => ['OK', 0]));
});

// The full zoo takes minutes to generate with its reference outputs (docs/getting-started.md);
// the test narrows it to the two DS-CNN models with $ETBENCH_ZOO_MODELS, the same code path.
test.serial('without --programs the zoo is generated under $ETBENCH_HOME/zoo and its bundles run and pass', async (t) => {
  const home = await tempDir(t, 'etbench-home-');
  const done = await runBin('etbench', ['run', '--devices', 'all', '--format', 'json', ...FAST], { ETBENCH_HOME: home, ETBENCH_ZOO_MODELS: 'ds_cnn,ds_cnn_int8' }, 300_000);
  t.is(done.code, 0, describe(done));
  const document = JSON.parse(done.stdout) as JsonRunDocument;
  t.deepEqual(document.runs.map((r) => path.basename(r.program)), ['ds_cnn.bpte', 'ds_cnn_int8.bpte']);
  for (const run of document.runs) {
    t.true(run.program.startsWith(path.join(home, 'zoo')), run.program);
    t.is(run.status, 'OK', run.problem ?? '');
    const checks = run.result?.correctness ?? [];
    t.true(checks.length > 0 && checks.every((c) => c.pass), JSON.stringify(checks));
  }
});

test.serial('--suite starter writes the starter programs to $ETBENCH_HOME/suite and runs them', async (t) => {
  const home = await tempDir(t, 'etbench-home-');
  const done = await runBin('etbench', ['run', '--devices', 'all', '--suite', 'starter', '--format', 'json', ...FAST], { ETBENCH_HOME: home });
  t.is(done.code, 0, describe(done));
  const document = JSON.parse(done.stdout) as JsonRunDocument;
  t.true(document.runs.length > 0);
  for (const run of document.runs) t.true(run.program.startsWith(path.join(home, 'suite')), run.program);
});

test.serial('--devices phone is a usage error naming what exists', async (t) => {
  const done = await runBin('etbench', ['run', '--devices', 'phone', '--programs', BUNDLED]);
  t.is(done.code, 2, describe(done));
  t.regex(done.stderr, /--devices: no device matches 'phone'.*host \(kind=host\)/);
  t.is(done.stdout, '');
});

test.serial('a bad flag is a usage error naming the flag', async (t) => {
  const done = await runBin('etbench', ['run', '--devices', 'all', '--iterations', 'lots', '--programs', BUNDLED]);
  t.is(done.code, 2, describe(done));
  t.regex(done.stderr, /--iterations must be an integer >= 1, got 'lots'/);
});

test.serial('an unknown command is a usage error; --help is not', async (t) => {
  const unknown = await runBin('etbench', ['fly']);
  t.is(unknown.code, 2, describe(unknown));
  t.regex(unknown.stderr, /unknown command 'fly'/);
  const help = await runBin('etbench', ['run', '--help']);
  t.is(help.code, 0, describe(help));
  t.regex(help.stdout, /--devices SELECTOR/);
});

test.serial('a missing etrun stops the run before any job, saying how to fix it', async (t) => {
  const done = await runBin('etbench', ['run', '--devices', 'all', '--programs', BUNDLED], { ETBENCH_ETRUN: '/nonexistent/etrun' });
  t.is(done.code, 1, describe(done));
  t.regex(done.stderr, /ETBENCH_ETRUN=\/nonexistent\/etrun is not an executable file/);
  t.is(done.stdout, '');
});

test.serial("the README's first command, exactly: etbench run --devices all (embedded orchestrator and agent)", async (t) => {
  // Exactly as a newcomer types it in the checkout: default home (./.etbench, where the zoo tests
  // cache the zoo too), the whole zoo, and the emulated MCU when its toolchain is there (always in CI).
  const done = await runBin('etbench', ['run', '--devices', 'all'], { ETBENCH_MCU: undefined, ETBENCH_HOME: undefined, ETBENCH_ZOO_MODELS: undefined }, 900_000);
  t.is(done.code, 0, describe(done));
  const rows = done.stdout.split('\n').filter((l) => /\.bpte\s/.test(l));
  const host = rows.filter((l) => /\shost\s/.test(l));
  t.is(host.length, 9, done.stdout);
  t.true(host.every((l) => /\spass\s+ok$/.test(l)), done.stdout);
  const mcu = rows.filter((l) => /\sqemu-mps3-an547\s/.test(l));
  if (process.env['CI'] === 'true') t.is(mcu.length, 9, 'CI installs the MCU toolchain, so --devices all includes the emulated Cortex-M55');
  // On the MCU a model runs and passes, or is listed as too large for its flash, never failing.
  t.true(mcu.every((l) => /\spass\s+ok$|\sUNSUPPORTED$/.test(l)), done.stdout);
  if (mcu.length > 0) t.regex(mcu.find((l) => l.startsWith('ds_cnn_int8.bpte')) ?? '', /\spass\s+ok$/);
  t.regex(done.stdout, new RegExp(`\\n${rows.length} jobs: ${host.length + mcu.filter((l) => /ok$/.test(l)).length} passed, 0 failed`));
});
