#!/usr/bin/env node
// Builds the native targets from native/sources.json, the one source list.
//
//   node native/build.mjs addon etrun          release addon + etrun (npm install runs this)
//   node native/build.mjs etrun-asan           AddressSanitizer + UBSan etrun
//   node native/build.mjs native-tests --run   build and run the C++ unit tests
//   node native/build.mjs native-tests-asan --run
//   node native/build.mjs hostile-asan         hostile-corpus driver, ASan + UBSan (docs/hardening.md)
//   node native/build.mjs fuzz                 libFuzzer target (clang only; scripts/fuzz.sh runs it)
//   node native/build.mjs overhead-bench        framework-overhead benchmark (bench/overhead.mjs)
//
// Outputs go to build/native/<variant>/. Compiles are incremental (object
// newer than its source and every header in its depfile) and run in
// parallel. Environment: CXX (default g++, clang++ for asan when present),
// ETB_WERROR=1 turns warnings into errors (CI), ETB_JOBS sets parallelism.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const nativeDir = dirname(fileURLToPath(import.meta.url));
const root = join(nativeDir, '..');
const sources = JSON.parse(readFileSync(join(nativeDir, 'sources.json'), 'utf8'));
const require = createRequire(import.meta.url);

const hasClang = spawnSync('clang++', ['--version'], { stdio: 'ignore' }).status === 0;
const werror = process.env.ETB_WERROR === '1' ? ['-Werror'] : [];
const common = ['-std=c++17', '-fno-exceptions', '-fno-rtti', '-Wall', '-Wextra', '-Wno-unused-parameter', `-I${nativeDir}`, ...werror];
const sanitize = ['-fsanitize=address,undefined', '-fno-sanitize-recover=all', '-fno-omit-frame-pointer'];

const variants = {
  release: { cxx: process.env.CXX || 'g++', flags: ['-O2', '-g', '-fPIC'], ldflags: [] },
  asan: {
    cxx: process.env.CXX_ASAN || (hasClang ? 'clang++' : process.env.CXX || 'g++'),
    flags: ['-O1', '-g', ...sanitize],
    ldflags: sanitize,
  },
  // libFuzzer: coverage instrumentation everywhere, libFuzzer's main at link.
  fuzz: {
    cxx: process.env.CXX_FUZZ || 'clang++',
    flags: ['-O1', '-g', '-fsanitize=fuzzer-no-link', `-fsanitize-coverage-ignorelist=${join(nativeDir, 'fuzz', 'coverage-ignorelist.txt')}`, ...sanitize],
    ldflags: ['-fsanitize=fuzzer', ...sanitize],
  },
};

function nodeIncludes() {
  const candidates = [join(dirname(process.execPath), '..', 'include', 'node'), process.env.npm_config_nodedir && join(process.env.npm_config_nodedir, 'include', 'node')];
  const nodeInclude = candidates.find((d) => d && existsSync(join(d, 'node_api.h')));
  if (!nodeInclude) throw new Error(`cannot find node_api.h; looked in ${candidates.filter(Boolean).join(', ')}`);
  const addonApi = require('node-addon-api').include_dir;
  return [`-I${nodeInclude}`, `-I${join(root, 'node_modules', 'node-addon-api')}`, `-I${addonApi}`];
}

const targets = {
  addon: { variant: 'release', groups: ['core', 'kernels', 'hosted', 'runner_lib', 'node'], out: 'etbench_native.node', shared: true, extra: () => [...nodeIncludes(), '-DNAPI_VERSION=8', '-DNODE_ADDON_API_DISABLE_CPP_EXCEPTIONS', '-fvisibility=hidden'] },
  etrun: { variant: 'release', groups: ['core', 'kernels', 'hosted', 'runner_lib', 'etrun_main'], out: 'etrun' },
  'etrun-asan': { variant: 'asan', groups: ['core', 'kernels', 'hosted', 'runner_lib', 'etrun_main'], out: 'etrun' },
  'native-tests': { variant: 'release', groups: ['core', 'kernels', 'hosted', 'runner_lib', 'tests'], out: 'native_tests' },
  'native-tests-asan': { variant: 'asan', groups: ['core', 'kernels', 'hosted', 'runner_lib', 'tests'], out: 'native_tests' },
  // Hardening (docs/hardening.md); the fuzz target is never part of a default build.
  'hostile-asan': { variant: 'asan', groups: ['core', 'kernels', 'hosted', 'runner_lib', 'fuzz_lib', 'hostile_main'], out: 'hostile' },
  fuzz: { variant: 'fuzz', groups: ['core', 'kernels', 'hosted', 'runner_lib', 'fuzz_lib', 'fuzz_main'], out: 'fuzz_program' },
  // Benchmarks (bench/README.md); not part of npm test.
  'overhead-bench': { variant: 'release', groups: ['core', 'kernels', 'hosted', 'bench_overhead'], out: 'overhead_bench' },
};

function mtime(p) {
  try {
    return statSync(p).mtimeMs;
  } catch {
    return -1;
  }
}

function upToDate(obj, src, dep) {
  const t = mtime(obj);
  if (t < 0 || t < mtime(src) || !existsSync(dep)) return false;
  const deps = readFileSync(dep, 'utf8').replace(/\\\n/g, ' ').split(':').slice(1).join(':').split(/\s+/).filter(Boolean);
  return deps.every((d) => mtime(d) >= 0 && mtime(d) <= t);
}

function run(cmd, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'inherit', cwd: root });
    child.on('error', reject);
    child.on('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${relative(root, args.at(-1) ?? '')} failed (${signal ?? code})`))));
  });
}

async function build(name) {
  const target = targets[name];
  if (!target) throw new Error(`unknown target '${name}'; targets: ${Object.keys(targets).join(', ')}`);
  const v = variants[target.variant];
  const outDir = join(root, 'build', 'native', target.variant);
  // Extra flags (Node headers) apply to the binding's own files only, so the
  // addon and etrun share every other object.
  const extra = target.extra ? target.extra() : [];
  const files = target.groups.flatMap((g) => (sources[g] ?? []).map((file) => ({ file, own: g === 'node' })));
  const jobs = Number(process.env.ETB_JOBS) || availableParallelism();
  const objects = [];
  const queue = [];
  for (const { file, own } of files) {
    const src = join(nativeDir, file);
    const obj = join(outDir, 'obj', file.replace(/\.cpp$/, '.o'));
    const dep = obj.replace(/\.o$/, '.d');
    objects.push(obj);
    if (!upToDate(obj, src, dep)) queue.push({ src, obj, dep, flags: own ? extra : [] });
  }
  let next = 0;
  async function worker() {
    while (next < queue.length) {
      const { src, obj, dep, flags } = queue[next++];
      mkdirSync(dirname(obj), { recursive: true });
      console.error(`  c++ ${relative(root, src)} [${target.variant}]`);
      await run(v.cxx, [...common, ...v.flags, ...flags, '-MMD', '-MF', dep, '-c', '-o', obj, src]);
    }
  }
  await Promise.all(Array.from({ length: Math.min(jobs, queue.length) }, worker));
  const out = join(outDir, target.out);
  if (queue.length > 0 || !existsSync(out) || objects.some((o) => mtime(o) > mtime(out))) {
    const link = target.shared ? ['-shared', ...v.ldflags] : v.ldflags;
    console.error(`  link ${relative(root, out)}`);
    await run(v.cxx, [...link, '-o', out, ...objects, '-lpthread']);
  }
  return out;
}

const args = process.argv.slice(2);
const runAfter = args.includes('--run');
const names = args.filter((a) => !a.startsWith('--'));
try {
  for (const name of names.length ? names : ['addon', 'etrun']) {
    const out = await build(name);
    if (runAfter) {
      const r = spawnSync(out, [], { stdio: 'inherit', cwd: root, env: { ...process.env, ETB_REPO: root } });
      if (r.status !== 0) process.exit(r.status ?? 1);
    }
  }
} catch (e) {
  console.error(`native build: ${e.message}`);
  process.exit(1);
}
