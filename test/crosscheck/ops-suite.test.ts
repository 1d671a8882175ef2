// The operator suites on ExecuTorch's own runtime (1.5.1 from PyPI, .venv): every case runs there
// on the inputs baked into its .bpte, and ExecuTorch's outputs must match the expected outputs
// (from our reference) within the case's tolerance, or the case must carry a documented verdict
// (program/suite/ops/verdicts.ts). Namespaces the Python runtime lacks (cortex_m::) must be
// reported as unsupported, not as wrong. The cases on which ExecuTorch's runtime aborts the process
// (EXECUTORCH_ABORTS) run too, in the forked child run_executorch.py uses for every batch, and
// must still abort: when one stops aborting, the list is stale and this test says so.

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
    const files = writeOpSuites(dir).files;
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
      const aborts = EXECUTORCH_ABORTS.includes(stem);
      const expected = aborts ? 'aborts' : missingThere ? 'unsupported' : EXECUTORCH_VERDICTS[stem] !== undefined ? 'disagrees or failed' : 'agrees';
      const ok = aborts ? j.outcome === 'failed' && /^Crashed: .*SIGABRT/.test(j.detail)
        : expected === 'disagrees or failed' ? j.outcome === 'disagrees' || j.outcome === 'failed' : j.outcome === expected;
      if (!ok) wrong.push(`${stem}: ${j.outcome} (expected ${expected}) ${j.detail} max |diff| ${String(j.maxAbsDiff)}`);
    }
    const count = (o: string): number => judged.filter((j) => j.outcome === o).length;
    const crashed = judged.filter((j) => j.detail.startsWith('Crashed:')).length;
    t.log(`${judged.length} cases: ${count('agrees')} agree, ${count('disagrees')} disagree, ${count('unsupported')} unsupported, ${count('failed')} failed (${crashed} of them abort ExecuTorch)`);
    t.is(crashed, EXECUTORCH_ABORTS.length, 'every listed abort aborts, and no other case does');
    t.deepEqual(wrong, []);
  });
});
