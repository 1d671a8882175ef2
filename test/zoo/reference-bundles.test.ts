// THE ZOO'S EXPECTED OUTPUTS COME FROM OUR REFERENCE. Each model's `.bpte` carries the seeded
// input and the outputs program/reference (referenceRun, float64) computes for the `.pte`;
// they must agree with the ONNX twin on onnxruntime-node within the model's tolerance.
// (The decoder's KV caches are planned_initialized tensors: the reference starts them from their
// mutable_data_segments bytes.)
import { readFileSync } from 'node:fs';
import test from 'ava';
import ort from 'onnxruntime-node';
import { readBundled } from '../../program/index.js';
import { ZOO_MODELS, ensureZoo } from '../../program/zoo/index.js';
import { ZOO_TEST_HOME } from '../helpers/fixtures.js';

for (const spec of ZOO_MODELS) {
  test.serial(`zoo .bpte of ${spec.name}: expected outputs from the reference match the ONNX twin`, async (t) => {
    t.timeout(300_000);
    const home = ZOO_TEST_HOME;
    const [entry] = ensureZoo({ home, models: [spec.name], bundled: true });
    const bundle = readBundled(new Uint8Array(readFileSync(entry!.bpte!)));
    const [suite] = bundle.suites;
    t.is(suite?.methodName, 'forward');
    const [testCase] = suite!.testCases;
    const session = await ort.InferenceSession.create(readFileSync(entry!.onnx));
    const feeds: Record<string, ort.Tensor> = {};
    testCase!.inputs.forEach((v, i) => {
      if (v.kind !== 'Tensor') throw new Error(`input ${i} is not a tensor`);
      feeds[session.inputNames[i]!] = v.dtype === 'int64'
        ? new ort.Tensor('int64', v.data as BigInt64Array, v.shape)
        : new ort.Tensor('float32', v.data as Float32Array, v.shape);
    });
    // The twin's state inputs (the decoder's KV caches) start at zero, as the program's buffers do.
    for (const st of entry!.states) feeds[st.name] = new ort.Tensor('float32', new Float32Array(st.shape.reduce((a, b) => a * b, 1)), st.shape);
    const result = await session.run(feeds);
    const { rtol, atol } = entry!.tolerances;
    testCase!.expectedOutputs.forEach((expected, k) => {
      if (expected.kind !== 'Tensor') throw new Error(`expected output ${k} is not a tensor`);
      const twin = result[session.outputNames[k]!]!.data as Float32Array;
      const want = expected.data as Float32Array;
      t.is(twin.length, want.length);
      let maxAbs = 0;
      let worst = 0;
      want.forEach((e, j) => {
        const d = Math.abs(twin[j]! - e);
        maxAbs = Math.max(maxAbs, d);
        worst = Math.max(worst, d / (atol + rtol * Math.abs(e)));
      });
      t.log(`${spec.name} output ${k}: max |twin - reference| = ${maxAbs.toExponential(2)} (${(worst * 100).toFixed(1)}% of tolerance)`);
      t.true(worst <= 1, `max abs diff ${maxAbs} exceeds rtol ${rtol}, atol ${atol}`);
    });
  });
}
