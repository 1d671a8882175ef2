#!/usr/bin/env node
// Code size of the runtime core and of the kernels (bench/README.md).
//
//   node bench/core-size.mjs              # x86-64 host g++, plus cross compilers when installed
//   node bench/core-size.mjs --files      # also one line per object
//
// Compiles each source of a native/sources.json group on its own with
// size-oriented flags (no exceptions, no RTTI, one section per function) and
// sums the `.text*` sections that `size -A` reports. Two totals per group:
// the plain sum of objects, and after `ld -r` of the group's objects, which
// keeps one copy of each inline/template function emitted by several files
// (what a final link does too; a final link with --gc-sections would also
// drop functions nothing calls, so both are upper bounds for a firmware).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const nativeDir = join(root, 'native');
const sources = JSON.parse(readFileSync(join(nativeDir, 'sources.json'), 'utf8'));
const showFiles = process.argv.includes('--files');

const flags = ['-std=c++17', '-Os', '-fno-exceptions', '-fno-rtti', '-ffunction-sections'];
// 'core' is the runtime without kernels and without the hosted loaders and
// platform defaults ('hosted'); 'kernels' is portable + prim + the generated
// registration and argument unpacking.
const groups = [
  { name: 'core', files: sources.core },
  { name: 'kernels', files: sources.kernels },
];
const toolchains = [
  { name: 'x86-64 (host)', cxx: process.env.CXX || 'g++', size: 'size', ld: 'ld', extra: [], debian: 'g++' },
  { name: 'aarch64 Linux', cxx: 'aarch64-linux-gnu-g++', size: 'aarch64-linux-gnu-size', ld: 'aarch64-linux-gnu-ld', extra: [], debian: 'g++-aarch64-linux-gnu' },
  {
    name: 'Cortex-M55 (arm-none-eabi)', cxx: 'arm-none-eabi-g++', size: 'arm-none-eabi-size', ld: 'arm-none-eabi-ld',
    extra: ['-mcpu=cortex-m55', '-mthumb', '-mfloat-abi=hard'],
    debian: 'gcc-arm-none-eabi libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib',
  },
];

const installed = (cmd) => spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;

function must(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}

/** Bytes in `.text*` sections and berkeley text/data/bss of one object. */
function measure(sizeTool, obj) {
  let text = 0;
  for (const line of must(sizeTool, ['-A', obj]).split('\n')) {
    const [section, bytes] = line.trim().split(/\s+/);
    if (section?.startsWith('.text') && bytes) text += Number(bytes);
  }
  const [berkeley] = must(sizeTool, ['--format=berkeley', obj]).trim().split('\n').slice(1);
  const [btext, data, bss] = berkeley.trim().split(/\s+/).map(Number);
  return { text, btext, data, bss };
}

const fmt = (n) => String(n).padStart(8);
const tmp = mkdtempSync(join(tmpdir(), 'etb-size-'));
try {
  for (const tc of toolchains) {
    console.log(`== ${tc.name}`);
    if (!installed(tc.cxx)) {
      console.log(`   ${tc.cxx} is not installed: skipped (Debian packages: ${tc.debian})`);
      console.log('');
      continue;
    }
    const cxxFlags = [...flags, ...tc.extra, '-I', relative(root, nativeDir)];
    console.log(`   command: ${tc.cxx} ${cxxFlags.join(' ')} -c native/<file>.cpp -o <obj>   (once per file)`);
    console.log(`   measure: ${tc.size} -A <obj> (sum of .text* sections); ${tc.size} --format=berkeley <obj>`);
    console.log(`   ${'group'.padEnd(8)} ${'files'.padStart(5)} ${'.text'.padStart(8)} ${'ld -r'.padStart(8)}   berkeley text / data / bss`);
    for (const g of groups) {
      const dir = join(tmp, tc.cxx, g.name);
      mkdirSync(dir, { recursive: true });
      const objects = g.files.map((file) => {
        const obj = join(dir, file.replace(/[/]/g, '__').replace(/\.cpp$/, '.o'));
        must(tc.cxx, [...cxxFlags, '-c', join('native', file), '-o', obj]);
        return { file, obj, ...measure(tc.size, obj) };
      });
      const merged = join(dir, `${g.name}-merged.o`);
      must(tc.ld, ['-r', '-o', merged, ...objects.map((o) => o.obj)]);
      const m = measure(tc.size, merged);
      const sum = (k) => objects.reduce((s, o) => s + o[k], 0);
      console.log(`   ${g.name.padEnd(8)} ${String(objects.length).padStart(5)} ${fmt(sum('text'))} ${fmt(m.text)}   ${sum('btext')} / ${sum('data')} / ${sum('bss')}`);
      const folders = [...new Set(objects.map((o) => dirname(o.file).split('/').slice(0, 2).join('/')))];
      if (folders.length > 1) {
        for (const f of folders) {
          const part = objects.filter((o) => o.file.startsWith(`${f}/`));
          console.log(`     ${f.padEnd(22)} ${fmt(part.reduce((s, o) => s + o.text, 0))}  (${part.length} files)`);
        }
      }
      if (showFiles) {
        for (const o of objects) console.log(`     ${fmt(o.text)}  ${basename(o.file)}`);
      }
    }
    console.log('');
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
