// The Llama-style decoder follows ExecuTorch's export convention: prefill is a call with
// T = prompt length, decode a call with T = 1, and the KV cache lives in the program's mutable
// buffers between calls. ExecuTorch's own runtime runs prefill then two decode steps on one
// loaded method (executorch_steps.py); the ONNX twin does the same with its caches passed from
// call to call; the logits of every call agree.
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import ort from 'onnxruntime-node';
import { ensureZoo } from '../../program/zoo/index.js';
import { repoRoot } from '../helpers/fixtures.js';
import { PYTHON, withPython } from '../helpers/python.js';
import { ZOO_TEST_HOME } from '../helpers/fixtures.js';

interface Input { dtype: 'int64'; shape: number[]; data: number[] }

withPython('zoo llama steps', () => {
  test('llama: prefill then decode steps agree between ExecuTorch (mutable KV cache) and the ONNX twin', async (t) => {
    t.timeout(600_000);
    const home = ZOO_TEST_HOME;
    const [entry] = ensureZoo({ home, models: ['llama'], bundled: false });
    const prompt = JSON.parse(readFileSync(entry!.inputs, 'utf8')) as Input[];
    const p = prompt[1]!.data.length;
    const steps: Input[][] = [
      prompt,
      [{ dtype: 'int64', shape: [1, 1], data: [17] }, { dtype: 'int64', shape: [1], data: [p] }],
      [{ dtype: 'int64', shape: [1, 1], data: [4000] }, { dtype: 'int64', shape: [1], data: [p + 1] }],
    ];
    const stepsFile = path.join(home, 'steps.json');
    writeFileSync(stepsFile, JSON.stringify(steps));
    const script = path.join(repoRoot, 'test', 'zoo', 'executorch_steps.py');
    const { stdout } = await promisify(execFile)(PYTHON, [script, entry!.pte, stepsFile], { maxBuffer: 64 << 20, timeout: 570_000 });
    const et = JSON.parse(stdout) as { shape: number[]; data: number[] }[][];

    const session = await ort.InferenceSession.create(readFileSync(entry!.onnx));
    let states: Record<string, ort.Tensor> = Object.fromEntries(entry!.states.map((s) => [s.name, new ort.Tensor('float32', new Float32Array(s.shape.reduce((a, b) => a * b, 1)), s.shape)]));
    const { rtol, atol } = entry!.tolerances;
    for (const [i, inputs] of steps.entries()) {
      const feeds: Record<string, ort.Tensor> = { ...states };
      inputs.forEach((x, k) => (feeds[session.inputNames[k]!] = new ort.Tensor('int64', BigInt64Array.from(x.data, BigInt), x.shape)));
      const result = await session.run(feeds);
      states = Object.fromEntries(entry!.states.map((s) => [s.name, result[`${s.name}.out`]!]));
      const twin = result['y']!.data as Float32Array;
      const logits = et[i]![0]!;
      t.deepEqual(logits.shape, [1, 4096]);
      let maxAbs = 0;
      let ok = true;
      logits.data.forEach((e, j) => {
        const d = Math.abs(twin[j]! - e);
        maxAbs = Math.max(maxAbs, d);
        ok &&= d <= atol + rtol * Math.abs(e);
      });
      t.log(`call ${i} (T = ${inputs[1]!.data.length}): max |ort - executorch| = ${maxAbs.toExponential(2)}`);
      t.true(ok, `call ${i}: max abs diff ${maxAbs} exceeds rtol ${rtol}, atol ${atol}`);
    }
    // The same decode step on empty caches gives other logits: the prompt's keys and values mattered.
    const fresh: Record<string, ort.Tensor> = Object.fromEntries(entry!.states.map((s) => [s.name, new ort.Tensor('float32', new Float32Array(s.shape.reduce((a, b) => a * b, 1)), s.shape)]));
    steps[1]!.forEach((x, k) => (fresh[session.inputNames[k]!] = new ort.Tensor('int64', BigInt64Array.from(x.data, BigInt), x.shape)));
    const alone = (await session.run(fresh))['y']!.data as Float32Array;
    const moved = Math.max(...et[1]![0]!.data.map((e, j) => Math.abs(e - alone[j]!)));
    t.log(`decode without the prompt's cache differs by up to ${moved.toExponential(2)}`);
    t.true(moved > 1e-2);
  });
});
