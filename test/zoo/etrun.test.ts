// Every zoo model passes its bundled test through the etrun binary, as a benchmark run would
// start it: a child process, one JSON document on stdout (valid against the runner contract),
// exit 0, and every output within the model's tolerance of the float64 reference.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import test from 'ava';
import { etrunBuildPath, validateRunnerResult } from '../../native/runner/index.js';
import { ZOO_MODELS, ensureZoo } from '../../program/zoo/index.js';
import { ZOO_TEST_HOME } from '../helpers/fixtures.js';

const run = promisify(execFile);

for (const spec of ZOO_MODELS) {
  test.serial(`${spec.name}: etrun runs its .bpte and every output passes the bundled check`, async (t) => {
    t.timeout(300_000);
    const [entry] = ensureZoo({ home: ZOO_TEST_HOME, models: [spec.name], bundled: true });
    const { rtol, atol } = entry!.tolerances;
    // Few iterations: this checks correctness and the timing record, it is not a benchmark.
    const args = [entry!.bpte!, '--kernels', 'optimized', '--threads', '2', '--warmup', '0', '--iterations', '2',
      '--min-seconds', '0', '--rtol', String(rtol), '--atol', String(atol)];
    const { stdout } = await run(etrunBuildPath(), args, { maxBuffer: 64 << 20, timeout: 280_000 });
    const result = validateRunnerResult(JSON.parse(stdout));
    t.is(result.error, null);
    t.true(result.correctness !== null && result.correctness.length > 0, 'a bundled program is checked');
    for (const c of result.correctness ?? []) {
      t.true(c.pass, `${spec.name} output ${c.output}: ${JSON.stringify(c)}`);
      t.is(c.rtol, rtol);
      t.is(c.atol, atol);
    }
    const latency = result.latency_ms!;
    t.true(latency.samples.length >= 2 && latency.p50 > 0);
    const errs = (result.correctness ?? []).map((c) => Number(c.max_abs_err).toExponential(2)).join(', ');
    t.log(`${spec.name}: p50 ${latency.p50.toFixed(2)} ms (min ${latency.min.toFixed(2)}, ${latency.samples.length} samples, optimized, 2 threads); max abs err ${errs}`);
  });
}
