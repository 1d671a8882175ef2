#!/usr/bin/env node
// Whole zoo models, six runtimes, measured in the same run (issues 13 and 14;
// docs/optimized-kernels.md): our optimized kernels, our portable kernels, our XNNPACK backend on the
// program our partitioner delegates (program/partition, optimized kernels for what stays outside),
// ONNX Runtime on the ONNX twin (same weights, every graph optimization on), and the real
// ExecuTorch runtime (PyPI) on the programs the real
// exporter wrote for the same architecture (the real-exporter suite: its XNNPACK-delegated and its
// portable program; random weights of its own, so only their timing is compared).
//
//   npm run bench:kernels                             # every model, 1 and 2 threads, 5 rounds
//   npm run bench:kernels -- --rounds 7 --threads 1 mlp resnet18 --json kernels.json
//
// Per round, in an order that rotates every round, each runtime executes the model
// `--iterations` times on a seeded input (after one warm-up call) and the round's median is kept
// (portable kernels, ours and ExecuTorch's, `--portable-iterations` times: they are slow and
// single-threaded, so they are timed at 1 thread and that time is repeated in the other rows).
// Each turn starts after `--settle-ms` (default 50) of idle time, so the worker threads of the
// runtime timed before have stopped polling for work and sleep.
// The table shows the median over rounds and ratios against our optimized time (above 1: we are
// faster). Ours runs in process through the Node addon, ORT through onnxruntime-node with
// intra-op threads = ours (the int8 model's twin runs unoptimized, as in the twins test: ORT fuses
// its QDQ graph otherwise), ExecuTorch in one Python process (bench/executorch_timer.py; its
// times include the Python call, tens of microseconds). Before timing, our optimized and ORT's
// outputs are compared (max |diff| printed). Stateful models (the KV-cache decoder) are skipped.
// ExecuTorch's columns need the suite's files: `etbench export --suite real --variants
// portable,xnnpack,int8` writes them to $ETBENCH_HOME/export-suite; missing files leave the
// column empty and say so. The header records ORT's session options, the CPU model and features.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import ort from 'onnxruntime-node';
import { tsImport } from 'tsx/esm/api';

const { values: opts, positionals } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    iterations: { type: 'string', default: '5' },
    'portable-iterations': { type: 'string', default: '1' },
    threads: { type: 'string', default: '1,2' },
    'no-executorch': { type: 'boolean', default: false },
    'settle-ms': { type: 'string', default: '50' },
    json: { type: 'string' },
  },
  allowPositionals: true,
});
const rounds = Number(opts.rounds);
const iterations = Number(opts.iterations);
const portableIterations = Number(opts['portable-iterations']);
if (!(rounds >= 5)) throw new Error('--rounds must be at least 5');
const threadCounts = opts.threads.split(',').map(Number);
// Idle time before each runtime's turn (see the rounds loop).
const settleMs = Number(opts['settle-ms']);
if (!(settleMs >= 0)) throw new Error('--settle-ms must be a number of milliseconds, 0 or more');

const zoo = await tsImport('../program/zoo/index.ts', import.meta.url);
const { loadProgram, makeTensor } = await tsImport('../native/node/index.ts', import.meta.url);
const { partitionXnnpack } = await tsImport('../program/partition/index.ts', import.meta.url);
const { writeProgram } = await tsImport('../program/write/write-program.ts', import.meta.url);

// The zoo model as our partitioner delegates it to XNNPACK, or null when nothing is lowered.
function delegatedProgram(name, threads) {
  const built = zoo.lowerToProgram(zoo.zooModel(name).build(zoo.ZOO_DEFAULT_SEED)).build();
  const { spec, report } = partitionXnnpack(built.spec);
  if (report.delegates === 0) return null;
  const program = loadProgram(writeProgram(spec), { kernels: 'optimized', threads });
  program.loadMethod();
  return program;
}
const { etbenchHome } = await tsImport('../cli/farm/home.ts', import.meta.url);

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const medianOfTimes = async (n, fn) => {
  const samples = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  return median(samples);
};

// The real-exporter suite's twin of a zoo model: same architecture, its own weights.
const SUITE_TWIN = {
  mobilenet_v2: 'mobilenet_v2', resnet18: 'resnet18', mobilenet_v3_small: 'mobilenet_v3_small',
  transformer_encoder: 'transformer_encoder', lstm: 'lstm', ds_cnn: 'ds_cnn', ds_cnn_int8: 'ds_cnn',
};
const suiteDir = path.join(etbenchHome(process.env, process.cwd()), 'export-suite');
function suiteFile(model, variant) {
  const twin = SUITE_TWIN[model];
  if (!twin) return { file: null, why: 'no real-exporter twin' };
  const file = path.join(suiteDir, `${twin}.${variant}.bpte`);
  return existsSync(file) ? { file, why: null } : { file: null, why: `${file} missing` };
}

// One ExecuTorch process for the whole run (bench/executorch_timer.py). A program that crashes
// it (ExecuTorch aborts on some inputs) loses only its own cells: the process is started again
// and the other programs are loaded again.
function startExecuTorch() {
  const python = path.join(process.cwd(), '.venv', 'bin', 'python');
  if (opts['no-executorch'] || !existsSync(python)) return null;
  const loads = new Map();
  const broken = new Set();
  let child = null;
  let lines = null;
  const spawnTimer = () => {
    child = spawn(python, [path.join(import.meta.dirname, 'executorch_timer.py')], { stdio: ['pipe', 'pipe', 'ignore'] });
    child.stdin.on('error', () => {}); // a dead child's pipe; seen as the end of its output
    lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  };
  // A call that hangs (seen once in its thread pool) is treated like a crash after 5 minutes.
  const send = async (req) => {
    child.stdin.write(JSON.stringify(req) + '\n');
    const hung = setTimeout(() => child.kill('SIGKILL'), 300_000);
    const { value, done } = await lines.next();
    clearTimeout(hung);
    return done ? null : JSON.parse(value);
  };
  spawnTimer();
  return {
    async call(req) {
      if (broken.has(req.id)) return { ok: false, error: `an earlier call on ${req.id} ended the ExecuTorch process` };
      const reply = await send(req);
      if (reply !== null) {
        if (req.op === 'load' && reply.ok) loads.set(req.id, req);
        if (req.op === 'unload') loads.delete(req.id);
        return reply;
      }
      broken.add(req.id);
      loads.delete(req.id);
      spawnTimer();
      for (const load of loads.values()) await send(load);
      return { ok: false, error: `the ExecuTorch process ended during ${req.op} of ${req.id} (a crash, an abort or a hang in its runtime)` };
    },
    close() { child.stdin.end(); },
  };
}
const et = startExecuTorch();

const cpus = os.cpus();
const header = {
  cpu_model: cpus[0]?.model ?? 'unknown',
  cpu_features: (() => {
    try { return /^flags\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1].split(' ').filter((f) => /^(avx|fma|sse4|neon|asimd)/.test(f)) ?? []; } catch { return []; }
  })(),
  ort_version: ort.env.versions?.common ?? null,
  ort_session_options: { graphOptimizationLevel: 'all (disabled for *_int8 twins)', intraOpNumThreads: 'threads', interOpNumThreads: 1 },
  rounds, iterations, portable_iterations: portableIterations, settle_ms: settleMs,
};
console.log(`cpu ${header.cpu_model}; features ${header.cpu_features.join(' ')}; ORT ${header.ort_version}`);

const names = positionals.length > 0 ? positionals : zoo.ZOO_MODELS.map((m) => m.name);
const entries = zoo.ensureZoo({ models: names, bundled: false });
const rows = [];
for (const entry of entries) {
  if (entry.states.length > 0) {
    console.log(`${entry.name}: skipped (mutable state: a timed loop would grow its KV cache)`);
    continue;
  }
  const inputs = JSON.parse(readFileSync(entry.inputs, 'utf8'));
  const ours = inputs.map((x) => makeTensor(x.dtype, x.shape, x.dtype === 'int64' ? x.data.map(BigInt) : x.data));
  const graphOptimizationLevel = entry.name.endsWith('_int8') ? 'disabled' : 'all';
  const etIds = {};
  for (const variant of [entry.name.endsWith('_int8') ? 'int8' : 'xnnpack', 'portable']) {
    const key = variant === 'portable' ? 'portable' : 'xnnpack';
    if (entry.name.endsWith('_int8') && variant === 'portable') continue;
    const { file, why } = suiteFile(entry.name, variant);
    if (!et || !file) {
      if (et || !file) console.log(`${entry.name}: no ExecuTorch ${variant} time (${et ? why : 'no .venv or --no-executorch'})`);
      continue;
    }
    const id = `${entry.name}.${variant}`;
    const r = await et.call({ op: 'load', id, program: file, inputs: 'random:0' });
    if (r.ok) etIds[key] = id;
    else console.log(`${entry.name}: ExecuTorch cannot load ${file}: ${r.error}`);
  }
  let portable;
  try {
    portable = loadProgram(entry.pte, { kernels: 'portable', threads: 1 });
    portable.loadMethod();
  } catch (e) {
    console.log(`${entry.name}: our runtime cannot run it: ${e.message.split('\n')[0]}`);
    continue;
  }
  let portableOnce = null;
  for (const threads of threadCounts) {
    const program = loadProgram(entry.pte, { kernels: 'optimized', threads });
    program.loadMethod();
    const session = await ort.InferenceSession.create(readFileSync(entry.onnx), {
      graphOptimizationLevel, intraOpNumThreads: threads, interOpNumThreads: 1,
    });
    const feeds = {};
    inputs.forEach((x, i) => {
      feeds[session.inputNames[i]] = x.dtype === 'int64'
        ? new ort.Tensor('int64', BigInt64Array.from(x.data, BigInt), x.shape)
        : new ort.Tensor('float32', Float32Array.from(x.data), x.shape);
    });
    const a = program.run(ours)[0].data;
    const b = (await session.run(feeds))[session.outputNames[0]].data;
    let maxDiff = 0;
    for (let i = 0; i < b.length; i++) maxDiff = Math.max(maxDiff, Math.abs(Number(a[i]) - Number(b[i])));
    const runners = {
      optimized: () => medianOfTimes(iterations, () => program.run(ours)),
      ort: () => medianOfTimes(iterations, () => session.run(feeds)),
    };
    let delegated = null;
    try {
      delegated = delegatedProgram(entry.name, threads);
    } catch (e) {
      console.log(`${entry.name}: no delegated time (${e.message.split('\n')[0]})`);
    }
    // The delegated program must compute what the optimized one does before it is timed (a
    // partitioner bug once made the delegated LSTM fast and wrong).
    let delegatedDiff = null;
    if (delegated) {
      const d = delegated.run(ours)[0].data;
      const { rtol, atol } = entry.tolerances;
      let outside = 0;
      delegatedDiff = 0;
      for (let i = 0; i < a.length; i++) {
        const diff = Math.abs(Number(a[i]) - Number(d[i]));
        delegatedDiff = Math.max(delegatedDiff, diff);
        if (!(diff <= atol + rtol * Math.abs(Number(a[i])))) outside++;
      }
      if (outside > 0) {
        console.log(`${entry.name}: the delegated program differs from the optimized one (${outside} values outside the zoo tolerance, max ${delegatedDiff}); not timed`);
        delegated.close();
        delegated = null;
      }
    }
    if (delegated) runners.delegated = () => medianOfTimes(iterations, () => delegated.run(ours));
    const etTime = (id, n) => async () => {
      const r = await et.call({ op: 'time', id, threads, iterations: n });
      if (r.ok) return median(r.ms);
      console.log(`${entry.name}: ExecuTorch failed on ${id} at ${threads} thread(s): ${r.error}`);
      return null;
    };
    if (etIds.xnnpack) runners.executorch_xnnpack = etTime(etIds.xnnpack, iterations);
    if (portableOnce === null) {
      runners.portable = async () => { program.run(ours); return medianOfTimes(portableIterations, () => portable.run(ours)); };
      if (etIds.portable) runners.executorch_portable = etTime(etIds.portable, portableIterations);
    }
    const times = Object.fromEntries(Object.keys(runners).map((k) => [k, []]));
    const order = Object.keys(runners);
    for (let r = 0; r < rounds; r++) {
      // Rotate who goes first, so drift on a shared machine hits every runtime alike.
      for (let k = 0; k < order.length; k++) {
        const name = order[(k + r) % order.length];
        // The runtime timed before may leave worker threads spinning for a while (ORT's
        // and XNNPACK's pools poll before they sleep); on a 2-core machine they would take a
        // core from this one. A pause lets them go to sleep first.
        await new Promise((resolve) => setTimeout(resolve, settleMs));
        times[name].push(await runners[name]());
      }
    }
    program.close();
    delegated?.close();
    await session.release();
    const ms = Object.fromEntries(Object.entries(times).map(([k, v]) => {
      const ok = v.filter((x) => x !== null);
      return [k, ok.length > 0 ? median(ok) : null];
    }));
    if (portableOnce === null) portableOnce = { portable: ms.portable ?? null, executorch_portable: ms.executorch_portable ?? null };
    const row = {
      model: entry.name, threads, optimized_ms: ms.optimized, delegated_ms: ms.delegated ?? null, ort_ms: ms.ort,
      executorch_xnnpack_ms: ms.executorch_xnnpack ?? null,
      executorch_portable_ms: portableOnce.executorch_portable, portable_ms: portableOnce.portable,
      max_abs_diff_vs_ort: maxDiff, max_abs_diff_delegated_vs_optimized: delegatedDiff, macs: entry.macs,
    };
    rows.push(row);
    const cell = (v) => (v === null ? '        -' : v.toFixed(2).padStart(9));
    const ratio = (v) => (v === null ? '    -' : (v / row.optimized_ms).toFixed(2).padStart(5));
    console.log(`${entry.name.padEnd(20)} ${String(threads).padStart(2)}t  ours ${cell(row.optimized_ms)} ms | our xnnpack ${cell(row.delegated_ms)} x${ratio(row.delegated_ms)} | ORT ${cell(row.ort_ms)} x${ratio(row.ort_ms)} | ET-xnnpack ${cell(row.executorch_xnnpack_ms)} x${ratio(row.executorch_xnnpack_ms)} | ET-portable ${cell(row.executorch_portable_ms)} x${ratio(row.executorch_portable_ms)} | our portable ${cell(row.portable_ms)} x${ratio(row.portable_ms)} | max|diff| vs ORT ${maxDiff.toExponential(1)}`);
  }
  portable.close();
  for (const id of Object.values(etIds)) await et.call({ op: 'unload', id });
}
et?.close();
if (rows.length > 0) {
  const geo = (xs) => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
  for (const t of threadCounts) {
    for (const peer of ['ort_ms', 'executorch_xnnpack_ms', 'delegated_ms']) {
      const r = rows.filter((x) => x.threads === t && x[peer] !== null);
      if (r.length > 0) console.log(`geometric mean ${peer.replace('_ms', '')} / ours at ${t} thread(s): ${geo(r.map((x) => x[peer] / x.optimized_ms)).toFixed(2)} over ${r.length} models (above 1: we are faster)`);
    }
  }
}
if (opts.json) writeFileSync(opts.json, JSON.stringify(rows.map((r) => ({ ...r, ...header })), null, 2) + '\n');
