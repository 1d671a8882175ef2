// `etbench run` with its embedded farm (no --orchestrator): a .pte without bundled outputs comes
// back checked against the outputs the embedded orchestrator computed on this host, and
// --profile adds the op profile of a separate launch while the document stays a valid runner
// document with the timed run's own samples.

import test from 'ava';
import type { JsonRunDocument } from '../../cli/index.js';
import { validateRunnerResult } from '../../native/runner/index.js';
import { addProgram, spawnEtbench } from '../farm/helpers.js';
import { tempDir } from '../helpers/temp-dir.js';

test('embedded run: a .pte is checked against host-computed outputs; --profile stores an op profile', async (t) => {
  const dir = await tempDir(t, 'etbench-gated-run-');
  const program = addProgram(dir, 'add.pte', 128);
  const proc = spawnEtbench(t, ['run', '--devices', 'host', '--programs', program, '--format', 'json', '--iterations', '4', '--warmup', '0', '--profile'],
    { ETBENCH_HOME: dir, ETBENCH_MCU: '0' });
  const { code } = await proc.exited;
  t.is(code, 0, proc.output());
  const out = proc.output();
  const doc = JSON.parse(out.slice(out.indexOf('{'))) as JsonRunDocument;
  const result = doc.runs[0]!.result!;
  t.deepEqual(validateRunnerResult(result), result);
  t.deepEqual(result.correctness?.map((c) => [c.pass, c.max_abs_err]), [[true, 0]], 'checked, though the program bundles no outputs');
  t.is(result.latency_ms?.samples.length, 4, 'the timed launch\'s samples');
  t.deepEqual(result.op_profile?.map((o) => [o.name, o.kind]), [['aten::add.out', 'kernel']]);
  t.is(result.delegate_fraction, 0);
});
