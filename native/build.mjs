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
//   node native/build.mjs install-sdk --prefix DIR   backend SDK: headers, libetb.a, etrun_main.o (docs/backends.md)
//   node native/build.mjs mcu-core             Cortex-M55 core without kernels (footprint; docs/mcu.md)
//
// Per-program microcontroller firmware is built by buildFirmware() below
// (native/mcu/host/firmware.ts calls it; docs/mcu.md).
//   node native/build.mjs sgemm-bench           SGEMM GFLOP/s against the FMA peak (bench/sgemm.mjs)
//   node native/build.mjs qgemm-bench           int8 GEMM GOP/s against fp32 SGEMM (bench/qgemm.mjs)
//   node native/build.mjs etrun-aarch64         static aarch64 Linux etrun (phones over adb, boards; docs/cross-build.md)
//   node native/build.mjs native-tests-aarch64 --run   the C++ tests for aarch64, run under qemu-aarch64 (NEON paths)
//
// Outputs go to build/native/<variant>/. Compiles are incremental (object
// newer than its source and every header in its depfile) and run in
// parallel. Environment: CXX (default g++, clang++ for asan when present),
// ETB_WERROR=1 turns warnings into errors (CI), ETB_JOBS sets parallelism.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
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

// Bare-metal Cortex-M55 (QEMU mps3-an547): size-optimised, newlib-nano, no
// start files (native/mcu/startup.cpp), unused sections dropped at link.
// -Wno-format: int32_t is `long` on arm-none-eabi, so the core's %d for
// int32_t warns although both are 32 bits. ETB_MAX_KERNELS bounds the
// registry's static table (one program needs a few dozen operators at most).
const mcuCpu = ['-mcpu=cortex-m55', '-mthumb', '-mfloat-abi=hard'];
const mcuLinker = join(nativeDir, 'mcu', 'board', 'mps3_an547.ld');
const mcuVariant = {
  cxx: process.env.CXX_MCU || 'arm-none-eabi-g++',
  flags: [...mcuCpu, '-Os', '-g', '--specs=nano.specs', '-ffunction-sections', '-fdata-sections', '-fno-threadsafe-statics',
    '-fno-use-cxa-atexit', '-Wno-format', '-DETB_MAX_KERNELS=64', '-DETB_NO_OPTIMIZED_KERNELS'],
  ldflags: [...mcuCpu, '--specs=nano.specs', '-nostartfiles', '-Wl,--gc-sections', `-T${mcuLinker}`],
  libs: [],
};

const variants = {
  release: { cxx: process.env.CXX || 'g++', flags: ['-O2', '-g', '-fPIC'], ldflags: [] },
  // Static, so the one binary runs on any aarch64 Linux, Android's adb shell included (no
  // dynamic loader or libc of ours there). `run` goes through qemu-aarch64 on other hosts.
  aarch64: {
    cxx: process.env.CXX_AARCH64 || 'aarch64-linux-gnu-g++',
    flags: ['-O2', '-g'],
    ldflags: ['-static'],
    runner: process.arch === 'arm64' ? [] : ['qemu-aarch64'],
  },
  mcu: mcuVariant,
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
  addon: { variant: 'release', groups: ['core', 'kernels', 'kernels_optimized', 'backends', 'hosted', 'runner_lib', 'node'], out: 'etbench_native.node', shared: true, extra: () => [...nodeIncludes(), '-DNAPI_VERSION=8', '-DNODE_ADDON_API_DISABLE_CPP_EXCEPTIONS', '-fvisibility=hidden'] },
  etrun: { variant: 'release', groups: ['core', 'kernels', 'kernels_optimized', 'backends', 'hosted', 'runner_lib', 'etrun_main'], out: 'etrun' },
  'etrun-asan': { variant: 'asan', groups: ['core', 'kernels', 'kernels_optimized', 'backends', 'hosted', 'runner_lib', 'etrun_main'], out: 'etrun' },
  'native-tests': { variant: 'release', groups: ['core', 'kernels', 'kernels_optimized', 'backends', 'hosted', 'runner_lib', 'tests'], out: 'native_tests' },
  'native-tests-asan': { variant: 'asan', groups: ['core', 'kernels', 'kernels_optimized', 'backends', 'hosted', 'runner_lib', 'tests'], out: 'native_tests' },
  // Hardening (docs/hardening.md); the fuzz target is never part of a default build.
  'hostile-asan': { variant: 'asan', groups: ['core', 'kernels', 'kernels_optimized', 'backends', 'hosted', 'runner_lib', 'fuzz_lib', 'hostile_main'], out: 'hostile' },
  fuzz: { variant: 'fuzz', groups: ['core', 'kernels', 'kernels_optimized', 'backends', 'hosted', 'runner_lib', 'fuzz_lib', 'fuzz_main'], out: 'fuzz_program' },
  // Benchmarks (bench/README.md); not part of npm test.
  'overhead-bench': { variant: 'release', groups: ['core', 'kernels', 'kernels_optimized', 'hosted', 'bench_overhead'], out: 'overhead_bench' },
  // The core with no kernels and no program, linked for its size (bench/mcu-size.ts).
  'mcu-core': { variant: 'mcu', groups: ['core', 'mcu_platform', 'mcu_core_only'], out: 'core_only.elf', extraObjects: () => [emptyProgramBlob()] },
  'etrun-aarch64': { variant: 'aarch64', groups: ['core', 'kernels', 'kernels_optimized', 'backends', 'hosted', 'runner_lib', 'etrun_main'], out: 'etrun' },
  'native-tests-aarch64': { variant: 'aarch64', groups: ['core', 'kernels', 'kernels_optimized', 'backends', 'hosted', 'runner_lib', 'tests'], out: 'native_tests' },
  'sgemm-bench': { variant: 'release', groups: ['core', 'kernels', 'kernels_optimized', 'hosted', 'bench_sgemm'], out: 'sgemm_bench' },
  'qgemm-bench': { variant: 'release', groups: ['core', 'kernels', 'kernels_optimized', 'hosted', 'bench_qgemm'], out: 'qgemm_bench' },
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

// Compiles `files` ({src, obj, flags}) that are out of date, in parallel.
async function compile(v, files, label) {
  const jobs = Number(process.env.ETB_JOBS) || availableParallelism();
  const queue = files.filter(({ src, obj }) => !upToDate(obj, src, obj.replace(/\.o$/, '.d')));
  let next = 0;
  async function worker() {
    while (next < queue.length) {
      const { src, obj, flags } = queue[next++];
      mkdirSync(dirname(obj), { recursive: true });
      console.error(`  c++ ${relative(root, src)} [${label}]`);
      await run(v.cxx, [...common, ...v.flags, ...(flags ?? []), '-MMD', '-MF', obj.replace(/\.o$/, '.d'), '-c', '-o', obj, src]);
    }
  }
  await Promise.all(Array.from({ length: Math.min(jobs, queue.length) }, worker));
  return queue.length;
}

async function link(v, out, objects, extra = [], changed = 0) {
  if (changed > 0 || !existsSync(out) || objects.some((o) => mtime(o) > mtime(out))) {
    console.error(`  link ${relative(root, out)}`);
    await run(v.cxx, [...extra, ...v.ldflags, '-o', out, ...objects, ...(v.libs ?? ['-lpthread'])]);
  }
  return out;
}

const objectOf = (outDir, file) => join(outDir, 'obj', file.replace(/\.(cpp|S)$/, '.o'));

// Parallel test files (and agents) may build the same variant at once; compilers writing one
// object file together would corrupt it. A lock directory per variant holds them apart; a lock
// whose holder process is gone (killed build) is taken over.
async function withVariantLock(variant, fn) {
  const lock = join(root, 'build', 'native', `${variant}.build.lock`);
  mkdirSync(dirname(lock), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      let pid = 0;
      try {
        pid = Number(readFileSync(join(lock, 'pid'), 'utf8'));
      } catch {
        // No pid yet: just created by its holder, or left by a build killed at that instant.
      }
      let alive = pid === 0 ? Date.now() - mtime(lock) < 5_000 : true;
      if (pid > 0) {
        try {
          process.kill(pid, 0);
        } catch {
          alive = false;
        }
      }
      if (!alive) rmSync(lock, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

async function build(name) {
  const target = targets[name];
  if (!target) throw new Error(`unknown target '${name}'; targets: ${Object.keys(targets).join(', ')}`);
  return withVariantLock(target.variant, () => buildUnlocked(name, target));
}

async function buildUnlocked(name, target) {
  const v = variants[target.variant];
  const outDir = join(root, 'build', 'native', target.variant);
  // Extra flags (Node headers) apply to the binding's own files only, so the
  // addon and etrun share every other object.
  const extra = target.extra ? target.extra() : [];
  const files = target.groups.flatMap((g) => (sources[g] ?? []).map((file) => ({
    src: join(nativeDir, file), obj: objectOf(outDir, file), flags: g === 'node' ? extra : [],
  })));
  const more = target.extraObjects ? target.extraObjects() : [];
  const changed = await compile(v, [...files, ...more], target.variant);
  const out = join(outDir, target.out);
  const linkFlags = target.shared ? ['-shared'] : target.variant === 'mcu' ? [`-Wl,-Map=${out}.map`] : [];
  return link(v, out, [...files, ...more].map((f) => f.obj), linkFlags, changed);
}

// The program blob of mcu-core: no program at all.
function emptyProgramBlob() {
  const outDir = join(root, 'build', 'native', 'mcu', 'core_only');
  mkdirSync(outDir, { recursive: true });
  const empty = join(outDir, 'empty.bin');
  if (!existsSync(empty)) writeFileSync(empty, '');
  return { src: join(nativeDir, 'mcu', 'program_blob.S'), obj: join(outDir, 'program_blob.o'), flags: [`-DETB_PROGRAM_FILE="${empty}"`] };
}

/**
 * Builds the firmware for one program (docs/mcu.md): the core, the MCU
 * platform and firmware main (compiled once under build/native/mcu/), the
 * kernels as an archive the linker picks from, a registration file with only
 * `ops` (scripts/generate-kernels.mjs --select) and the program linked into
 * flash. Writes OUTDIR/firmware.elf and OUTDIR/firmware.elf.map.
 * @param {{ program: string, ops: string[], sha256: string, outDir: string }} options
 * @returns {Promise<string>} the ELF path
 */
export async function buildFirmware({ program, ops, sha256, outDir }) {
  const v = variants.mcu;
  const shared = join(root, 'build', 'native', 'mcu');
  const fixed = ['core', 'mcu_platform', 'mcu_firmware'].flatMap((g) => sources[g]).map((file) => ({ src: join(nativeDir, file), obj: objectOf(shared, file) }));
  // ops_table.cpp serves --capabilities (not on the MCU); register_kernels.cpp
  // is replaced by the program's selective registration.
  const kernelFiles = sources.kernels.filter((f) => !f.startsWith('kernels/generated/'))
    .map((file) => ({ src: join(nativeDir, file), obj: objectOf(shared, file) }));
  await compile(v, [...fixed, ...kernelFiles], 'mcu');
  const archive = join(shared, 'libetb_kernels.a');
  if (!existsSync(archive) || kernelFiles.some((k) => mtime(k.obj) > mtime(archive))) {
    await run('arm-none-eabi-ar', ['rcs', archive, ...kernelFiles.map((k) => k.obj)]);
  }
  mkdirSync(outDir, { recursive: true });
  const selected = join(outDir, 'selected_kernels.cpp');
  const opsFile = join(outDir, 'ops.txt');
  writeFileSync(opsFile, ops.join('\n') + '\n');
  await run(process.execPath, [join(root, 'scripts', 'generate-kernels.mjs'), '--select', `@${opsFile}`, '--out', selected]);
  const info = join(outDir, 'program_info.cpp');
  const infoText = `// Generated by native/build.mjs buildFirmware. Do not edit.\nextern "C" const char etb_program_sha256[] = "${sha256}";\n`;
  if (!existsSync(info) || readFileSync(info, 'utf8') !== infoText) writeFileSync(info, infoText);
  const programPath = isAbsolute(program) ? program : resolve(program);
  const own = [
    { src: selected, obj: join(outDir, 'selected_kernels.o') },
    { src: info, obj: join(outDir, 'program_info.o') },
    { src: join(nativeDir, 'mcu', 'program_blob.S'), obj: join(outDir, 'program_blob.o'), flags: [`-DETB_PROGRAM_FILE="${programPath}"`] },
  ];
  const changed = await compile(v, own, 'mcu firmware');
  const out = join(outDir, 'firmware.elf');
  return link(v, out, [...own, ...fixed].map((f) => f.obj).concat(archive), [`-Wl,-Map=${out}.map`], changed);
}

/**
 * Installs the backend SDK into `prefix` (docs/backends.md, "Vendor path"): the public headers
 * a backend needs (native/runtime/*.h, as include/runtime/), the runtime, kernels, XNNPACK
 * backend and runner as one static library (lib/libetb.a), etrun's main as its own object
 * (lib/etrun_main.o, so a vendor links the same runner around their backend) and the flags the
 * library was compiled with (share/etbench/cxxflags: the ABI depends on them). Reuses the
 * release objects of `etrun`.
 * @param {string} prefix
 * @returns {Promise<string>} the prefix
 */
export async function installSdk(prefix) {
  await build('etrun');
  const outDir = join(root, 'build', 'native', 'release');
  const libGroups = ['core', 'kernels', 'kernels_optimized', 'backends', 'hosted', 'runner_lib'];
  const objects = libGroups.flatMap((g) => sources[g]).map((f) => objectOf(outDir, f));
  const dest = resolve(prefix);
  for (const d of ['include/runtime', 'lib', 'share/etbench']) mkdirSync(join(dest, d), { recursive: true });
  for (const f of readdirSync(join(nativeDir, 'runtime')).filter((n) => n.endsWith('.h'))) {
    copyFileSync(join(nativeDir, 'runtime', f), join(dest, 'include', 'runtime', f));
  }
  const archive = join(dest, 'lib', 'libetb.a');
  rmSync(archive, { force: true });  // ar appends; a stale member of an older build must not stay
  await run(process.env.AR || 'ar', ['rcs', archive, ...objects]);
  copyFileSync(objectOf(outDir, sources.etrun_main[0]), join(dest, 'lib', 'etrun_main.o'));
  writeFileSync(join(dest, 'share', 'etbench', 'cxxflags'), '-std=c++17 -fno-exceptions -fno-rtti\n');
  copyFileSync(join(root, 'docs', 'backends.md'), join(dest, 'share', 'etbench', 'backends.md'));
  return dest;
}

/** Builds one of `targets` by name (for callers that import this file); returns the output path. */
export const buildTarget = (name) => build(name);

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
const args = isMain ? process.argv.slice(2) : [];
const runAfter = args.includes('--run');
const prefixAt = args.indexOf('--prefix');
const prefix = prefixAt >= 0 ? args[prefixAt + 1] : undefined;
const names = args.filter((a, i) => !a.startsWith('--') && !(prefixAt >= 0 && i === prefixAt + 1));
if (isMain) try {
  if (names.includes('install-sdk')) {
    if (!prefix) throw new Error('install-sdk needs --prefix DIR');
    console.error(`  installed the backend SDK in ${await installSdk(prefix)}`);
    process.exit(0);
  }
  for (const name of names.length ? names : ['addon', 'etrun']) {
    const out = await build(name);
    if (runAfter) {
      const [cmd, ...pre] = [...(variants[targets[name].variant].runner ?? []), out];
      const r = spawnSync(cmd, pre, { stdio: 'inherit', cwd: root, env: { ...process.env, ETB_REPO: root } });
      if (r.status !== 0) process.exit(r.status ?? 1);
    }
  }
} catch (e) {
  console.error(`native build: ${e.message}`);
  process.exit(1);
}
