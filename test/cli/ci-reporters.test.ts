// The CI reporters on hand-made outcomes: JUnit XML and Markdown.

import test from 'ava';
import { interpretEnding } from '../../agent/drivers/host/index.js';
import { HOST_DEVICE, type Job, type JobOutcome } from '../../cli/index.js';
import { JunitReporter, MarkdownReporter } from '../../cli/reporters/index.js';
import { validRunnerResult } from '../helpers/runner-result.js';

const job = (index: number, program: string): Job => ({
  index, program, method: null, device: HOST_DEVICE, config: { kernels: 'portable', threads: null, warmup: null, iterations: null, timeoutS: 300 },
});
const ok = (): JobOutcome => ({
  run: interpretEnding({ exitCode: 0, signal: null, stdout: JSON.stringify(validRunnerResult()), stderr: '', stoppedBy: null, timeoutMs: null, durationMs: 1500 }),
  passed: true,
});
const crashed = (): JobOutcome => ({
  run: interpretEnding({ exitCode: null, signal: 'SIGSEGV', stdout: '', stderr: 'boom <&>\n', stoppedBy: null, timeoutMs: null, durationMs: 5 }),
  passed: false,
});

function drive(reporter: JunitReporter | MarkdownReporter): void {
  const jobs = [job(1, '/m/Add|Model.bpte'), job(2, '/m/Crashy.pte')];
  reporter.onRunStart();
  reporter.onJobResult(jobs[0]!, ok());
  reporter.onJobResult(jobs[1]!, crashed());
  reporter.onRunFinish({ total: 2, passed: 1, failed: 1, skipped: 0, durationMs: 2000 });
}

test('junit: one testcase per job, failures carry the problem, text is escaped', (t) => {
  const out: string[] = [];
  drive(new JunitReporter({ stdout: (s) => void out.push(s) }));
  const xml = out.join('');
  t.regex(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites>/);
  t.regex(xml, /<testsuite name="etbench" tests="2" failures="1" skipped="0" time="2.000">/);
  t.regex(xml, /<testcase classname="host" name="Add\|Model.bpte forward \(portable\)" time="1.500">/);
  t.regex(xml, /<failure message="crash \(SIGSEGV\)">crashed with SIGSEGV: boom &lt;&amp;&gt;<\/failure>/);
  t.is((xml.match(/<testcase /g) ?? []).length, 2);
});

test('markdown: a table with escaped pipes and the summary', (t) => {
  const out: string[] = [];
  drive(new MarkdownReporter({ stdout: (s) => void out.push(s) }));
  const lines = out.join('').split('\n');
  t.regex(lines[0]!, /^\| program \| method \| device \|/);
  t.regex(lines[1]!, /^\| --- \| --- \| --- \| --- \| ---: \| ---: \| ---: \| --- \| --- \|$/);
  t.regex(lines[2]!, /^\| Add\\\|Model\.bpte \| forward \| host \|.* \| ok \|$/);
  t.regex(lines[3]!, /\| crash \(SIGSEGV\) \|$/);
  t.true(lines.includes('2 jobs: 1 passed, 1 failed (2.0 s)'));
});
