#!/usr/bin/env node
// Int8 GEMM GOP/s against the fp32 SGEMM's GFLOP/s on the same shapes, and
// int8-delegated programs against their fp32-delegated twins
// (docs/optimized-kernels.md, "Int8 GEMM").
//
//   node bench/qgemm.mjs                                # default shapes, 1 thread, programs
//   node bench/qgemm.mjs --shapes 256x256x256 --runs 9 --threads 1,2 --json qgemm.json
//   node bench/qgemm.mjs --suite DIR --trials 7         # DIR holds <model>.xnnpack.bpte / <model>.int8.bpte
//
// The GEMM part builds `qgemm-bench` (native/bench/qgemm_bench.cpp) and runs
// it once per thread count: every mode of a shape runs in the same rounds in
// rotated order, and figures are medians over rounds. The program part runs
// etrun (release build) on quantized_linear.pte and on every model of the
// real-exporter suite (docs/export.md; default $ETBENCH_HOME/export-suite)
// that has both an xnnpack and an int8 program, alternating the two for
// --trials trials and taking the medians of the trials' p50 and minimum
// latencies (on a loaded machine the minimum, an execute nothing preempted,
// is the steadier figure).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({
  options: {
    shapes: { type: 'string', default: '256x256x256,512x512x512,1024x1024x1024,1x1024x1024,64x1000x512,3136x64x576' },
    runs: { type: 'string', default: '7' },
    threads: { type: 'string', default: '1' },
    suite: { type: 'string', default: join(process.env.ETBENCH_HOME ?? join(root, '.etbench'), 'export-suite') },
    trials: { type: 'string', default: '5' },
    'no-programs': { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});
if (Number(opts.runs) < 5) throw new Error('--runs must be at least 5 (medians of at least 5 runs)');
if (Number(opts.trials) < 3) throw new Error('--trials must be at least 3');

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
};
const num = (v, w = 7) => v.toFixed(1).padStart(w);

function build(target) {
  const r = spawnSync(process.execPath, [join(root, 'native', 'build.mjs'), target], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// --- GEMM ---------------------------------------------------------------
build('qgemm-bench');
const gemm = [];
for (const threads of opts.threads.split(',').map(Number)) {
  const bin = join(root, 'build', 'native', 'release', 'qgemm_bench');
  const run = spawnSync(bin, ['--shapes', opts.shapes, '--runs', opts.runs, '--threads', String(threads)], { encoding: 'utf8' });
  if (run.status !== 0) {
    process.stderr.write(run.stderr);
    process.exit(run.status ?? 1);
  }
  gemm.push(JSON.parse(run.stdout.trim().split('\n').at(-1)));
}
console.log(`Int8 GEMM vs fp32 SGEMM on ${cpus()[0]?.model ?? 'unknown CPU'}; medians of ${opts.runs} rounds`);
for (const r of gemm) {
  console.log(`\nthreads ${r.threads}: int8 on ${r.isa}, fp32 on ${r.f32_isa}; GOP/s (2*M*N*K per product), cpu time then wall time`);
  const extra = Object.keys(r.shapes[0] ?? {}).filter((k) => k.startsWith('int8-'));
  console.log(`  MxNxK            |    fp32 cpu    wall |    int8 cpu    wall | ratio cpu  wall | ${extra.map((e) => `${e} cpu`.padStart(16)).join(' | ')}`);
  for (const s of r.shapes) {
    const ratio = (m) => (s.f32[m] > 0 ? s.int8[m] / s.f32[m] : 0);
    console.log(`  ${`${s.M}x${s.N}x${s.K}`.padEnd(16)} | ${num(s.f32.cpu)} ${num(s.f32.wall)} | ${num(s.int8.cpu)} ${num(s.int8.wall)} | ` +
      `${ratio('cpu').toFixed(2).padStart(8)}x ${ratio('wall').toFixed(2).padStart(4)}x | ${extra.map((e) => num(s[e].cpu, 16)).join(' | ')}`);
  }
}

// --- programs -----------------------------------------------------------
const programs = [];
if (!opts['no-programs']) {
  build('etrun');
  const etrun = join(root, 'build', 'native', 'release', 'etrun');
  // The bundled cases are checked with the tolerances the exporter measured (widest case).
  const tolerances = (file) => {
    const t = file.replace(/\.bpte$/, '.tolerances.json');
    if (!file.endsWith('.bpte') || !existsSync(t)) return [];
    const cases = JSON.parse(readFileSync(t, 'utf8')).flatMap((m) => m.cases);
    return ['--atol', String(Math.max(...cases.map((c) => c.atol))), '--rtol', String(Math.max(...cases.map((c) => c.rtol)))];
  };
  const p50 = (file) => {
    const r = spawnSync(etrun, [file, '--warmup', '3', '--min-seconds', '0.5', ...tolerances(file)], { encoding: 'utf8' });
    if (r.status !== 0) return { error: `etrun exit ${r.status}: ${(r.stdout + r.stderr).slice(-300)}` };
    const lat = JSON.parse(r.stdout).latency_ms;
    return { p50: lat.p50, min: lat.min };
  };
  // Alternates the two programs for every trial, so load drifts hit both.
  const compare = (name, files) => {
    const seen = files.map(() => []), mins = files.map(() => []);
    for (let t = 0; t < Number(opts.trials); t++) {
      for (let i = 0; i < files.length; i++) {
        const j = (i + t) % files.length;
        const r = p50(files[j]);
        if (r.error) return { name, error: `${files[j]}: ${r.error}` };
        seen[j].push(r.p50);
        mins[j].push(r.min);
      }
    }
    return { name, p50_ms: seen.map(median), min_ms: mins.map(median) };
  };
  programs.push(compare('quantized_linear.pte (int8 only)', [join(root, '..', 'shared', 'fixtures', 'xnnpack', 'quantized_linear.pte')].filter(existsSync)));
  if (existsSync(opts.suite)) {
    for (const f of readdirSync(opts.suite).filter((x) => x.endsWith('.int8.bpte')).sort()) {
      const model = f.slice(0, -'.int8.bpte'.length);
      const twin = join(opts.suite, `${model}.xnnpack.bpte`);
      if (existsSync(twin)) programs.push(compare(model, [twin, join(opts.suite, f)]));
    }
  }
  console.log(`\nprograms: etrun latency in ms (p50 / min), medians of ${opts.trials} alternating trials, 1 thread`);
  const pair = (p, i) => `${p.p50_ms[i].toPrecision(3)} / ${p.min_ms[i].toPrecision(3)}`;
  for (const p of programs) {
    if (p.error) console.log(`  ${p.name.padEnd(34)} error: ${p.error}`);
    else if (p.p50_ms.length === 1) console.log(`  ${p.name.padEnd(34)} int8 ${pair(p, 0)}`);
    else {
      const up = (k) => (p[k][0] / p[k][1]).toFixed(2);
      console.log(`  ${p.name.padEnd(34)} fp32 ${pair(p, 0)}  int8 ${pair(p, 1)}  int8 speed-up ${up('p50_ms')}x / ${up('min_ms')}x`);
    }
  }
  if (!existsSync(opts.suite)) console.log(`  (no suite at ${opts.suite}: etbench export --suite real --variants xnnpack,int8 writes one)`);
}
if (opts.json) writeFileSync(opts.json, JSON.stringify({ cpu: cpus()[0]?.model ?? null, gemm, programs }, null, 2) + '\n');
