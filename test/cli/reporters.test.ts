// Reporters on hand-made outcomes (no etrun needed): what a person and a machine see.

import test from 'ava';
import { interpretEnding } from '../../agent/drivers/host/index.js';
import {
  HOST_DEVICE,
  JsonReporter,
  TableReporter,
  formatBytes,
  formatMs,
  type Job,
  type JobOutcome,
  type JsonRunDocument,
} from '../../cli/index.js';
import { validRunnerResult } from '../helpers/runner-result.js';

const job = (index: number, program: string): Job => ({
  index,
  program,
  method: null,
  device: HOST_DEVICE,
  config: { kernels: 'portable', threads: null, warmup: null, iterations: null, timeoutS: 300 },
});

const ok = (): JobOutcome => ({
  run: interpretEnding({ exitCode: 0, signal: null, stdout: JSON.stringify(validRunnerResult()), stderr: '', stoppedBy: null, timeoutMs: null, durationMs: 5 }),
  passed: true,
});
const unsupported = (): JobOutcome => ({
  run: interpretEnding({ exitCode: 4, signal: null, stdout: '', stderr: 'operator cortex_m::quantize_per_tensor.out is not registered\n', stoppedBy: null, timeoutMs: null, durationMs: 5 }),
  passed: false,
});
const crashed = (): JobOutcome => ({
  run: interpretEnding({ exitCode: null, signal: 'SIGSEGV', stdout: '', stderr: '', stoppedBy: null, timeoutMs: null, durationMs: 5 }),
  passed: false,
});

function capture(stderrIsTTY: boolean) {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (s: string) => void out.push(s), stderr: (s: string) => void err.push(s), stderrIsTTY } };
}

function drive(reporter: TableReporter | JsonReporter): void {
  const jobs = [job(1, '/m/AddModel.bpte'), job(2, '/m/KeywordSpotting.pte'), job(3, '/m/Crashy.pte')];
  reporter.onRunStart({ jobs, devices: [HOST_DEVICE] });
  const outcomes = [ok(), unsupported(), crashed()];
  jobs.forEach((j, i) => {
    reporter.onJobStart(j);
    reporter.onJobResult(j, outcomes[i]!);
  });
  reporter.onRunFinish({ total: 3, passed: 1, failed: 2, skipped: 0, durationMs: 1234 });
}

test('human units', (t) => {
  t.is(formatBytes(512), '512 B');
  t.is(formatBytes(1248), '1.2 KiB');
  t.is(formatBytes(3 * 1024 * 1024), '3.0 MiB');
  t.is(formatMs(0.00312), '0.00312');
  t.is(formatMs(12.345), '12.35');
  t.is(formatMs(null), '—');
});

test('the table has one row per job with latency, memory, correctness and status', (t) => {
  const { out, io } = capture(false);
  drive(new TableReporter(io));
  const lines = out.join('').split('\n');
  t.regex(lines[0] ?? '', /^program\s+method\s+device\s+kernels\s+p50 ms\s+p90 ms\s+memory\s+correctness\s+status$/);
  const add = lines.find((l) => l.startsWith('AddModel.bpte')) ?? '';
  // 0 + 48 planned bytes + 1200 method allocator bytes = 1248 B
  t.regex(add, /forward\s+host\s+portable\s+0\.00300\s+0\.00310\s+1\.2 KiB\s+pass\s+ok$/);
  t.regex(lines.find((l) => l.startsWith('KeywordSpotting.pte')) ?? '', /—\s+UNSUPPORTED$/);
  t.regex(lines.find((l) => l.startsWith('Crashy.pte')) ?? '', /crash \(SIGSEGV\)$/);
  t.regex(out.join(''), /3 jobs: 1 passed, 2 failed \(1\.2 s\)/);
});

test('progress goes to stderr only on a terminal, and is cleared', (t) => {
  const quiet = capture(false);
  drive(new TableReporter(quiet.io));
  t.deepEqual(quiet.err, []);
  const live = capture(true);
  drive(new TableReporter(live.io));
  t.regex(live.err.join(''), /\[2\/3\] KeywordSpotting\.pte on host/);
  t.true(live.err.at(-1)?.includes('\x1b[2K'));
  t.false(live.out.join('').includes('\x1b'), 'no control characters in the table');
});

test('the json reporter prints one document with a run per job', (t) => {
  const { out, io } = capture(false);
  drive(new JsonReporter(io));
  t.is(out.length, 1);
  const document = JSON.parse(out[0]!) as JsonRunDocument;
  t.is(document.runs.length, 3);
  const [first, second, third] = document.runs;
  t.like(first, { program: '/m/AddModel.bpte', method: 'forward', device: 'host', status: 'OK', exitCode: 0, signal: null, problem: null });
  t.deepEqual(first?.config, job(1, '').config);
  t.deepEqual(first?.result, validRunnerResult());
  t.like(second, { method: null, status: 'FAILED', exitCode: 4, result: null });
  t.regex(second?.problem ?? '', /cortex_m::/);
  t.like(third, { status: 'CRASHED', exitCode: null, signal: 'SIGSEGV', result: null });
});
