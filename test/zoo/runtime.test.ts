// Every zoo model runs on our runtime and computes what the reference says: each model's .bpte
// (seeded input, expected outputs from program/reference in float64) passes its bundled check
// within the model's tolerance on the portable kernels and on the optimized ones at 2 threads.
import test from 'ava';
import { loadProgram } from '../../native/node/index.js';
import { ZOO_MODELS, ensureZoo } from '../../program/zoo/index.js';
import { ZOO_TEST_HOME } from '../helpers/fixtures.js';

for (const spec of ZOO_MODELS) {
  for (const config of [{ kernels: 'portable' as const, threads: 1 }, { kernels: 'optimized' as const, threads: 2 }]) {
    test.serial(`${spec.name} on the ${config.kernels} kernels (${config.threads} thread${config.threads > 1 ? 's' : ''}) matches the reference`, (t) => {
      t.timeout(300_000);
      const [entry] = ensureZoo({ home: ZOO_TEST_HOME, models: [spec.name], bundled: true });
      const program = loadProgram(entry!.bpte!, config);
      try {
        program.loadMethod();
        const { rtol, atol } = entry!.tolerances;
        const checks = program.checkBundled(0, rtol, atol);
        t.true(checks.length > 0);
        for (const c of checks) {
          t.log(`output ${c.output}: max abs err ${c.maxAbsErr.toExponential(2)} (rtol ${rtol}, atol ${atol})`);
          t.true(c.pass, `${spec.name} output ${c.output}: ${JSON.stringify(c)}`);
        }
      } finally {
        program.close();
      }
    });
  }
}
