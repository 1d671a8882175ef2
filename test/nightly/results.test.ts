// `etbench results RUN --format oss-v3` and `etbench rerun RESULT_ID` against a real
// orchestrator with a host agent running etrun on the zoo MLP.

import path from 'node:path';
import test from 'ava';
import { Agent, HostDriver } from '../../agent/index.js';
import { FarmClient } from '../../cli/farm/client.js';
import { suiteFiles } from '../../cli/nightly/night.js';
import { parseSuite } from '../../cli/nightly/suite.js';
import { newToken, startOrchestrator } from '../../orchestrator/index.js';
import { ZOO_TEST_HOME } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp-dir.js';
import { etbench } from './helpers.js';

/** Checks one record against the v3 shape ExecuTorch's CI uploads; returns the problems. */
function shapeProblems(r: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const obj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  const b = r['benchmark'];
  const m = r['model'];
  const x = r['metric'];
  const runners = r['runners'];
  if (!obj(b) || typeof b['name'] !== 'string' || typeof b['mode'] !== 'string' || !obj(b['extra_info'])) problems.push('benchmark {name, mode, extra_info}');
  if (!obj(m) || typeof m['name'] !== 'string' || m['name'] === '' || typeof m['type'] !== 'string' || typeof m['backend'] !== 'string') problems.push('model {name, type, backend}');
  if (!obj(x) || typeof x['name'] !== 'string' || !Array.isArray(x['benchmark_values']) || !(x['benchmark_values'] as unknown[]).every((v) => typeof v === 'number') || !('target_value' in x)) {
    problems.push('metric {name, benchmark_values: number[], target_value}');
  }
  if (!Array.isArray(runners) || runners.length !== 1 || !obj(runners[0]) || typeof runners[0]['name'] !== 'string' || typeof runners[0]['type'] !== 'string') problems.push('runners [{name, type}]');
  const extra = Object.keys(r).filter((k) => !['benchmark', 'model', 'metric', 'runners', 'dependencies'].includes(k));
  if (extra.length > 0) problems.push(`unknown top-level keys ${extra.join(', ')}`);
  return problems;
}

test('results --format oss-v3 writes the v3 records; rerun reproduces a result from its provenance', async (t) => {
  const dir = await tempDir(t, 'etbench-results-');
  const token = newToken();
  const orchestrator = await startOrchestrator({ port: 0, store: `sqlite:${path.join(dir, 'farm.db')}`, tokens: [{ token, scopes: ['admin'] }] });
  t.teardown(() => orchestrator.close(200));
  const agent = new Agent({ orchestrator: orchestrator.address, token, agentId: 'a', cacheDir: path.join(dir, 'cache'), drivers: [new HostDriver({ deviceIds: ['host'], env: process.env })] });
  const registered = new Promise<void>((resolve) => agent.once('registered', resolve));
  await agent.start();
  t.teardown(() => agent.stop());
  await registered;

  const [mlp] = suiteFiles(parseSuite('name: x\nprograms: [zoo:mlp]\ndevices: [host]\n', dir), ZOO_TEST_HOME);
  const client = new FarmClient(orchestrator.address, token);
  t.teardown(() => client.close());
  const ref = await client.uploadProgram(mlp!);
  const config = { kernels: 'portable', backends: [], threads: 0, warmup: 1, hasWarmup: true, iterations: 7, minSeconds: 0, inputs: '' };
  const submitted = await client.submit({ programs: [ref], devices: ['host'], configs: [config], label: 'export' });
  const run = await client.watch(submitted.id);
  t.is(run.done, 1);
  const common = ['--orchestrator', orchestrator.address, '--token', token];

  const exported = await etbench(['results', run.id, '--format', 'oss-v3', ...common]);
  t.is(exported.code, 0, `${exported.err}${exported.out}`);
  const records = JSON.parse(exported.out) as Record<string, unknown>[];
  t.true(Array.isArray(records));
  t.deepEqual(records.flatMap(shapeProblems), []);
  const byMetric = new Map(records.map((r) => [(r['metric'] as { name: string }).name, r]));
  t.deepEqual([...byMetric.keys()].slice(0, 3), ['avg_inference_latency(ms)', 'trimmean_inference_latency(ms)', 'median_inference_latency(ms)']);
  const median = byMetric.get('median_inference_latency(ms)') as { model: { name: string; backend: string }; metric: { benchmark_values: number[]; extra_info: { samples: string } }; runners: { name: string; cpu_count: number }[]; benchmark: { extra_info: { run_id: string } } };
  t.is(median.model.name, 'mlp');
  t.is(median.model.backend, 'portable');
  t.is(median.metric.extra_info.samples, '7');
  t.true(median.metric.benchmark_values[0]! > 0);
  t.is(median.runners[0]!.name, 'host');
  t.true(median.runners[0]!.cpu_count > 0);
  t.is(median.benchmark.extra_info.run_id, run.id);
  const wrongFormat = await etbench(['devices', '--format', 'oss-v3', ...common]);
  t.is(wrongFormat.code, 2);

  const jobId = run.jobs[0]!.id;
  const rerun = await etbench(['rerun', jobId, '--format', 'json', ...common]);
  t.is(rerun.code, 0, rerun.err);
  const doc = JSON.parse(rerun.out) as { provenance: { programSha256: string; device: string; config: { iterations: number } }; old: { jobId: string; medianMs: number }; new: { jobId: string; medianMs: number; trials: number[] }; runId: string; ratio: number };
  t.is(doc.provenance.programSha256, ref.sha256);
  t.is(doc.provenance.device, 'host');
  t.is(doc.provenance.config.iterations, 7);
  t.is(doc.old.jobId, jobId);
  t.not(doc.runId, run.id);
  t.is(doc.new.jobId, `${doc.runId}-1`);
  t.true(doc.new.medianMs > 0 && doc.ratio > 0);
  const fresh = await client.getRun(doc.runId);
  t.is(fresh.label, `rerun:${jobId}`);
  t.is(fresh.jobs[0]!.result!.samplesMs.length, 7, 'the stored config (7 iterations) was reused');
  const missing = await etbench(['rerun', `${run.id}-9`, ...common]);
  t.is(missing.code, 2);
  t.regex(missing.err, /no result 'run-\S+-9'/);
});
