// The operator suites on ExecuTorch's own runtime (1.5.1 from PyPI, .venv): every case runs there
// on the inputs baked into its .bpte, and ExecuTorch's outputs must match the expected outputs
// (from our reference) within the case's tolerance, or the case must carry a documented verdict
// (program/suite/ops/verdicts.ts). Namespaces the Python runtime lacks (cortex_m::) must be
// reported as unsupported, not as wrong.

import path from 'node:path';
import test from 'ava';
import { judgeWithExecuTorch } from '../../cli/suite/executorch.js';
import { tolerancesFor } from '../../program/index.js';
import { EXECUTORCH_ABORTS, EXECUTORCH_VERDICTS, NOT_IN_EXECUTORCH_PYBINDINGS } from '../../program/suite/ops/verdicts.js';
import { writeOpSuites } from '../../program/suite/ops/write.js';
import { PYTHON, withPython } from '../helpers/python.js';
import { tempDir } from '../helpers/temp-dir.js';

withPython('operator suites on ExecuTorch', () => {
  test('every suite case agrees with ExecuTorch, or is unsupported there, or has a documented verdict', async (t) => {
    t.timeout(600_000);
    const dir = await tempDir(t, 'etb-suite-et-');
    // Cases ExecuTorch aborts on would take the whole judging process down (verdicts-elem.ts).
    const files = writeOpSuites(dir).files.filter((f) => !EXECUTORCH_ABORTS.includes(path.basename(f, '.bpte')));
    const cases = files.map((file) => {
      const tol = tolerancesFor(file, 'forward');
      return { file, rtol: tol?.rtol ?? 0, atol: tol?.atol ?? 0 };
    });
    const judged = await judgeWithExecuTorch(cases, PYTHON);
    t.is(judged.length, files.length);
    const wrong: string[] = [];
    for (const j of judged) {
      const stem = path.basename(j.file, '.bpte');
      const op = stem.replace('__', '::').split('__')[0]!;
      const missingThere = NOT_IN_EXECUTORCH_PYBINDINGS.some((ns) => op.startsWith(ns));
      const expected = missingThere ? 'unsupported' : EXECUTORCH_VERDICTS[stem] !== undefined ? 'disagrees or failed' : 'agrees';
      const ok = expected === 'disagrees or failed' ? j.outcome === 'disagrees' || j.outcome === 'failed' : j.outcome === expected;
      if (!ok) wrong.push(`${stem}: ${j.outcome} (expected ${expected}) ${j.detail} max |diff| ${String(j.maxAbsDiff)}`);
    }
    const count = (o: string): number => judged.filter((j) => j.outcome === o).length;
    t.log(`${count('agrees')} agree, ${count('disagrees')} disagree, ${count('unsupported')} unsupported, ${count('failed')} failed`);
    t.deepEqual(wrong, []);
  });
});
