// The host driver: argument building and outcome classification without etrun, then the real
// etrun (build/native/release/etrun, or $ETBENCH_ETRUN) on the shared fixtures. Tests of the
// second kind fail with "Run `npm run build`" until etrun is built; they are never skipped.

import { chmod, copyFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import {
  EtrunNotFoundError,
  buildEtrunArgs,
  interpretEnding,
  locateEtrun,
  runEtrun,
  type EtrunRun,
  type ProcessEnding,
} from '../../agent/drivers/host/index.js';
import { validateRunnerResult, type KernelSet } from '../../native/runner/index.js';
import { ADD_MODEL, APPLE_ADD, BUNDLED, KEYWORD_SPOTTING, MODULE_LINEAR, XNNPACK_PROGRAMS } from '../helpers/fixtures.js';
import { validRunnerResult } from '../helpers/runner-result.js';
import { tempDir } from '../helpers/temp-dir.js';

const explain = (run: EtrunRun): string =>
  `status ${run.status}, exit ${String(run.exitCode)}, signal ${String(run.signal)}, problem: ${String(run.problem)}\nstderr:\n${run.stderr}`;

// --- arguments -------------------------------------------------------------------------------

test('buildEtrunArgs passes nothing but the program when every option is left to etrun', (t) => {
  t.deepEqual(buildEtrunArgs({ program: 'm.pte' }), ['m.pte']);
  t.deepEqual(buildEtrunArgs({ program: 'm.pte', method: null, threads: null, profile: false }), ['m.pte']);
});

test('buildEtrunArgs maps every option to its contract flag', (t) => {
  const argv = buildEtrunArgs({
    program: 'm.bpte', method: 'forward', kernels: 'optimized', backends: ['XnnpackBackend', 'Other'],
    threads: 4, warmup: 0, iterations: 20, minSeconds: 1.5, inputs: 'bundled', case: 3, rtol: 1e-5,
    atol: 1e-8, profile: true, printOutputs: true,
  });
  t.deepEqual(argv, [
    'm.bpte', '--method', 'forward', '--kernels', 'optimized', '--backends', 'XnnpackBackend,Other',
    '--threads', '4', '--warmup', '0', '--iterations', '20', '--min-seconds', '1.5', '--inputs', 'bundled',
    '--case', '3', '--rtol', '0.00001', '--atol', '1e-8', '--profile', '--print-outputs',
  ]);
});

test('buildEtrunArgs spells inputs as random:SEED or the file, and no backends as an empty list', (t) => {
  t.deepEqual(buildEtrunArgs({ program: 'm', inputs: { random: 7 } }), ['m', '--inputs', 'random:7']);
  t.deepEqual(buildEtrunArgs({ program: 'm', inputs: { file: 'in.json' } }), ['m', '--inputs', 'in.json']);
  t.deepEqual(buildEtrunArgs({ program: 'm', backends: [] }), ['m', '--backends', '']);
});

// --- outcomes --------------------------------------------------------------------------------

const ending = (over: Partial<ProcessEnding>): ProcessEnding => ({
  exitCode: 0, signal: null, stdout: '', stderr: '', stoppedBy: null, timeoutMs: null, durationMs: 12, ...over,
});
const documentText = (): string => JSON.stringify(validRunnerResult());

test('exit 0 with a valid document is OK and carries the validated result', (t) => {
  const run = interpretEnding(ending({ stdout: documentText() }));
  t.is(run.status, 'OK');
  t.is(run.problem, null);
  t.deepEqual(run.result, validRunnerResult());
});

test('a signal is a crash with the signal name, never an answer, even after a full document', (t) => {
  const run = interpretEnding(ending({ exitCode: null, signal: 'SIGSEGV', stdout: documentText(), stderr: 'about to run\nAddressSanitizer: SEGV\n' }));
  t.is(run.status, 'CRASHED');
  t.is(run.result, null);
  t.is(run.signal, 'SIGSEGV');
  t.regex(run.problem ?? '', /SIGSEGV.*AddressSanitizer: SEGV/);
});

test('exit 0 without a document, with non-JSON, or with a schema violation is INVALID_OUTPUT', (t) => {
  t.is(interpretEnding(ending({ stdout: '' })).status, 'INVALID_OUTPUT');
  const notJson = interpretEnding(ending({ stdout: '{"schema_version": 1,' }));
  t.is(notJson.status, 'INVALID_OUTPUT');
  t.regex(notJson.problem ?? '', /not one JSON document/);
  const bad = JSON.parse(documentText()) as Record<string, unknown>;
  delete bad['memory'];
  const invalid = interpretEnding(ending({ stdout: JSON.stringify(bad) }));
  t.is(invalid.status, 'INVALID_OUTPUT');
  t.is(invalid.result, null);
  t.regex(invalid.problem ?? '', /'memory'/);
});

test('exit 0 with a document that reports an error is INVALID_OUTPUT', (t) => {
  const doc = { ...validRunnerResult(), error: { code: 6, name: 'WrongResult', message: 'output 0' } };
  t.is(interpretEnding(ending({ stdout: JSON.stringify(doc) })).status, 'INVALID_OUTPUT');
});

test('a contract exit code is FAILED, named by the document, else by the code and stderr', (t) => {
  const doc = { ...validRunnerResult(), error: { code: 6, name: 'WrongResult', message: 'output 0 differs' } };
  const wrong = interpretEnding(ending({ exitCode: 6, stdout: JSON.stringify(doc) }));
  t.is(wrong.status, 'FAILED');
  t.is(wrong.result?.error?.code, 6);
  t.is(wrong.problem, 'WrongResult: output 0 differs');
  const unsupported = interpretEnding(ending({ exitCode: 4, stderr: 'loading\nunsupported operator cortex_m::quantized_add.out\n' }));
  t.is(unsupported.status, 'FAILED');
  t.is(unsupported.problem, 'UNSUPPORTED: unsupported operator cortex_m::quantized_add.out');
  t.regex(interpretEnding(ending({ exitCode: 1 })).problem ?? '', /exit code 1 \(not in the runner contract\)/);
});

test('our own kill is TIMED_OUT or CANCELLED, not a crash', (t) => {
  const timedOut = interpretEnding(ending({ exitCode: null, signal: 'SIGTERM', stoppedBy: 'TIMEOUT', timeoutMs: 1500 }));
  t.is(timedOut.status, 'TIMED_OUT');
  t.regex(timedOut.problem ?? '', /timed out after 1\.5 s.*SIGTERM/);
  t.is(interpretEnding(ending({ exitCode: null, signal: 'SIGTERM', stoppedBy: 'CANCEL' })).status, 'CANCELLED');
});

// --- locating etrun --------------------------------------------------------------------------

test('locateEtrun says where a bad path came from', async (t) => {
  const dir = await tempDir(t, 'etbench-locate-');
  const missing = path.join(dir, 'etrun');
  const fromOption = await t.throwsAsync(locateEtrun({ etrunPath: missing, env: {} }), { instanceOf: EtrunNotFoundError });
  t.is(fromOption.source, 'OPTION');
  t.is(fromOption.path, missing);
  const fromEnv = await t.throwsAsync(locateEtrun({ env: { ETBENCH_ETRUN: dir } }), { instanceOf: EtrunNotFoundError });
  t.is(fromEnv.source, 'ENV');
  t.regex(fromEnv.message, /ETBENCH_ETRUN=/);
  await writeFile(missing, 'not executable');
  await chmod(missing, 0o644);
  await t.throwsAsync(locateEtrun({ etrunPath: missing }), { instanceOf: EtrunNotFoundError });
});

test('a missing build tells the user to run npm run build', (t) => {
  t.regex(new EtrunNotFoundError('/x/build/native/release/etrun', 'BUILD').message, /npm run build/);
});

// --- the real etrun --------------------------------------------------------------------------

const runsClean = test.macro({
  async exec(t, program: string, method: string) {
    const run = await runEtrun({ program, iterations: 5, warmup: 1, timeoutMs: 60_000 });
    t.is(run.status, 'OK', explain(run));
    t.is(run.exitCode, 0);
    t.is(run.signal, null);
    const result = run.result!;
    t.deepEqual(validateRunnerResult(JSON.parse(JSON.stringify(result))), result);
    t.is(result.program.method, method);
    t.is(result.program.path.endsWith(path.basename(program)), true);
    t.is(result.config.kernels, 'portable');
    t.is(result.error, null);
    const latency = result.latency_ms!;
    t.true(latency.min <= latency.p50 && latency.p50 <= latency.p90 && latency.p90 <= latency.p99);
  },
  title: (_ = '', program: string) => `etrun runs ${path.basename(program)} with exit 0 and a valid document`,
});

test.serial(runsClean, ADD_MODEL, 'forward');
test.serial(runsClean, APPLE_ADD, 'forward');
test.serial(runsClean, MODULE_LINEAR, 'forward');
test.serial(runsClean, BUNDLED, 'forward');

test.serial('AddModel computes x + 1 on inputs from a file', async (t) => {
  const dir = await tempDir(t, 'etbench-inputs-');
  const inputs = path.join(dir, 'inputs.json');
  await writeFile(inputs, JSON.stringify([{ dtype: 'float32', shape: [3], data: [1, 2, 3] }]));
  const run = await runEtrun({ program: ADD_MODEL, inputs: { file: inputs }, printOutputs: true, iterations: 1, timeoutMs: 60_000 });
  t.is(run.status, 'OK', explain(run));
  t.deepEqual(run.result?.outputs, [{ dtype: 'float32', shape: [3], data: [2, 3, 4] }]);
});

test.serial('the bundled program checks its cases and they all pass', async (t) => {
  const run = await runEtrun({ program: BUNDLED, timeoutMs: 60_000 });
  t.is(run.status, 'OK', explain(run));
  const checks = run.result?.correctness ?? [];
  t.true(checks.length > 0, 'a .bpte carries expected outputs, so correctness is not null');
  t.true(checks.every((c) => c.pass));
  t.is(run.result?.config.inputs, 'bundled');
});

test.serial('KeywordSpotting (int8 cortex_m operators) runs and its input keeps dim order [0,2,1,3]', async (t) => {
  const run = await runEtrun({ program: KEYWORD_SPOTTING, timeoutMs: 60_000, iterations: 3, warmup: 1, printOutputs: true });
  t.is(run.status, 'OK', explain(run));
  t.is(run.exitCode, 0);
  t.deepEqual(run.result?.outputs?.[0]?.shape, [1, 12]);
  t.deepEqual(run.result?.memory?.planned_bytes, [16000]);
});

for (const program of XNNPACK_PROGRAMS) {
  test.serial(`${path.basename(program)} runs on the XnnpackBackend`, async (t) => {
    const run = await runEtrun({ program, timeoutMs: 60_000, iterations: 2, warmup: 0, printOutputs: true });
    t.is(run.status, 'OK', explain(run));
    t.is(run.exitCode, 0);
    t.is(run.result?.outputs?.length, 1);
  });
}

test.serial('a truncated program exits 3', async (t) => {
  const dir = await tempDir(t, 'etbench-truncated-');
  const truncated = path.join(dir, 'truncated.pte');
  const bytes = await readFile(ADD_MODEL);
  await writeFile(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
  const run = await runEtrun({ program: truncated, timeoutMs: 60_000 });
  t.is(run.status, 'FAILED', explain(run));
  t.is(run.exitCode, 3);
});

test.serial('a file that is not a program exits 3', async (t) => {
  const dir = await tempDir(t, 'etbench-notpte-');
  const text = path.join(dir, 'model.pte');
  await copyFile(new URL(import.meta.url), text);
  const run = await runEtrun({ program: text, timeoutMs: 60_000 });
  t.is(run.exitCode, 3, explain(run));
});

test.serial('a bad flag value exits 2', async (t) => {
  const run = await runEtrun({ program: ADD_MODEL, kernels: 'simd' as KernelSet, timeoutMs: 60_000 });
  t.is(run.status, 'FAILED', explain(run));
  t.is(run.exitCode, 2);
  t.is(run.result, null);
});

test.serial('a timeout kills a long run and reports it', async (t) => {
  const started = Date.now();
  const run = await runEtrun({ program: ADD_MODEL, minSeconds: 30, timeoutMs: 1000, killGraceMs: 1000 });
  t.is(run.status, 'TIMED_OUT', explain(run));
  t.is(run.result, null);
  t.regex(run.problem ?? '', /timed out after 1 s/);
  t.true(Date.now() - started < 10_000, 'killed well before the 30 s the run asked for');
});

test.serial('aborting the signal cancels a run', async (t) => {
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 500);
  const run = await runEtrun({ program: ADD_MODEL, minSeconds: 30, signal: controller.signal, killGraceMs: 1000 });
  t.is(run.status, 'CANCELLED', explain(run));
  t.true(run.durationMs < 10_000);
});
