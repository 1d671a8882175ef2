// The zoo's int8 DS-CNN keyword spotter (quantized_decomposed quantize/dequantize around float
// kernels) passes its bundled test on the emulated Cortex-M55, with the model's tolerance, and
// gives the host etrun's outputs.

import { ensureZoo } from '../../program/zoo/index.js';
import { ZOO_TEST_HOME } from '../helpers/fixtures.js';
import { mcuTest, runOnHost, runOnMcu } from './helpers.js';

mcuTest('the zoo int8 DS-CNN passes its bundled test on the emulated MCU, with the host etrun\'s outputs', async (t) => {
  t.timeout(600_000);
  const [entry] = ensureZoo({ home: ZOO_TEST_HOME, models: ['ds_cnn_int8'], bundled: true });
  const { rtol, atol } = entry!.tolerances;
  const mcu = await runOnMcu(entry!.bpte!, { printOutputs: true, rtol, atol, warmup: 0, iterations: 1 });
  t.is(mcu.code, 0, mcu.explain);
  t.true((mcu.doc?.correctness?.length ?? 0) > 0, mcu.explain);
  t.true(mcu.doc?.correctness?.every((c) => c.pass), mcu.explain);
  t.true((mcu.doc?.cycles ?? 0) > 1_000_000, `cycles = emulated instructions: ${String(mcu.doc?.cycles)}`);
  t.log(`ds_cnn_int8 on the Cortex-M55: ${String(mcu.doc?.cycles)} emulated instructions`);
  const host = runOnHost(entry!.bpte!, ['--print-outputs', '--rtol', String(rtol), '--atol', String(atol)]);
  t.is(host.code, 0, host.explain);
  t.deepEqual(mcu.doc?.outputs, host.doc?.outputs);
});
