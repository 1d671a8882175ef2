// The ONNX twins are the same models as the zoo programs: each `.pte`, run by ExecuTorch
// 1.5.1's own runtime (exporter/run_executorch.py in .venv, portable kernels), and its ONNX twin,
// run by onnxruntime-node, give the same outputs on the model's seeded input within the model's
// tolerance (|ort - et| <= atol + rtol * |et|). One Python process runs every program
// (ResNet-18 alone takes about 3 s in the portable runtime; run_executorch.py loads ExecuTorch's
// quantized kernels for the int8 model). ORT runs the int8 twin with graph
// optimizations off, so it computes the same quantize/dequantize/float-conv graph instead of
// fusing it into integer kernels (which round differently by one output step).
import { readFileSync } from 'node:fs';
import test from 'ava';
import ort from 'onnxruntime-node';
import { runExecuTorch } from '../../cli/crosscheck/index.js';
import { ZOO_MODELS, ensureZoo, type ZooEntry } from '../../program/zoo/index.js';
import { PYTHON, withPython } from '../helpers/python.js';
import { ZOO_TEST_HOME } from '../helpers/fixtures.js';

interface InputFile { dtype: 'float32' | 'int64'; shape: number[]; data: number[] }

const tensorOf = (x: InputFile): ort.Tensor =>
  x.dtype === 'int64' ? new ort.Tensor('int64', BigInt64Array.from(x.data, BigInt), x.shape) : new ort.Tensor('float32', Float32Array.from(x.data), x.shape);

async function runTwin(entry: ZooEntry): Promise<{ shape: number[]; data: Float32Array }[]> {
  const graphOptimizationLevel = entry.name.endsWith('_int8') ? 'disabled' : 'all';
  const session = await ort.InferenceSession.create(readFileSync(entry.onnx), { graphOptimizationLevel });
  const inputs = JSON.parse(readFileSync(entry.inputs, 'utf8')) as InputFile[];
  const feeds: Record<string, ort.Tensor> = {};
  inputs.forEach((x, i) => (feeds[session.inputNames[i]!] = tensorOf(x)));
  // Mutable state (KV caches) starts at zero, as the program's does.
  for (const s of entry.states) feeds[s.name] = new ort.Tensor('float32', new Float32Array(s.shape.reduce((a, b) => a * b, 1)), s.shape);
  const result = await session.run(feeds);
  // The program's outputs come first; the twin's updated states follow.
  return session.outputNames.slice(0, session.outputNames.length - entry.states.length)
    .map((n) => ({ shape: [...result[n]!.dims], data: result[n]!.data as Float32Array }));
}

withPython('zoo twins', () => {
  test('each ONNX twin under onnxruntime agrees with ExecuTorch on the zoo .pte', async (t) => {
    t.timeout(600_000);
    const home = ZOO_TEST_HOME;
    const entries = ensureZoo({ home, bundled: false });
    const docs = await runExecuTorch(entries.map((e) => ({ program: e.pte, inputs: e.inputs })), { python: PYTHON, timeoutMs: 570_000 });
    for (const [i, entry] of entries.entries()) {
      const doc = docs[i]!;
      t.is(doc.error, null, `${entry.name}: ExecuTorch failed: ${JSON.stringify(doc.error)}`);
      const twin = await runTwin(entry);
      t.is(twin.length, doc.outputs?.length ?? -1, `${entry.name}: output count`);
      twin.forEach((o, k) => {
        const et = doc.outputs![k]!;
        t.deepEqual(o.shape, et.shape, `${entry.name} output ${k}: shape`);
        const { rtol, atol } = entry.tolerances;
        let maxAbs = 0;
        let worst = 0;
        o.data.forEach((v, j) => {
          const e = Number(et.data[j]!);
          const d = Math.abs(v - e);
          maxAbs = Math.max(maxAbs, d);
          worst = Math.max(worst, d / (atol + rtol * Math.abs(e)));
        });
        t.log(`${entry.name} output ${k}: max |ort - executorch| = ${maxAbs.toExponential(2)} (${(worst * 100).toFixed(1)}% of tolerance rtol ${rtol}, atol ${atol})`);
        t.true(worst <= 1, `${entry.name} output ${k}: max abs diff ${maxAbs} exceeds rtol ${rtol}, atol ${atol}`);
      });
    }
    t.is(entries.length, ZOO_MODELS.length);
  });
});
