/**
 * ensureZoo: the zoo's files on disk, generated on first use and reused after.
 *
 *   <home>/zoo/<key>/<model>.pte | .bpte | .onnx | .inputs.json | .tolerances.json
 *   <home>/zoo/<key>/<model>.json        what was made (counts, sha256 of every file)
 *
 * `home` defaults to $ETBENCH_HOME, else `.etbench` in the working directory;
 * `key` is a hash of the generator version, the seed and the source of the zoo and
 * the reference (so a changed kernel of the reference, whose outputs the .bpte
 * files carry, never leaves stale expected outputs behind). Files are written to a
 * temporary name and renamed, so a reader never sees half a file; a model whose
 * record or files do not match is generated again.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ZOO_DEFAULT_SEED, ZOO_GENERATOR_VERSION, ZOO_MODELS, zooModel } from './catalogue.js';
import { bundleModel, generateModel, type ZooInput } from './generate.js';

export interface EnsureZooOptions {
  /** Default: $ETBENCH_HOME, else `.etbench`. */
  home?: string;
  /** Model names; default every model. */
  models?: readonly string[];
  seed?: number;
  /** Write `.bpte` files with expected outputs from the reference (default true). */
  bundled?: boolean;
  /** Called after each model with how long it took (0 when reused). */
  onModel?: (entry: ZooEntry) => void;
}

export interface ZooEntry {
  name: string;
  pte: string;
  /** null when `bundled: false`. */
  bpte: string | null;
  onnx: string;
  /** The seeded test input, as a runner-contract input file (etrun --inputs FILE). */
  inputs: string;
  tolerances: { rtol: number; atol: number };
  params: number;
  /** Multiply-adds of one call (at the bound of a dynamic dimension). */
  macs: number;
  /**
   * Mutable state of the program (KV caches), zero at load. The ONNX twin takes each as an
   * input of the same name and returns it updated as output `<name>.out`.
   */
  states: { name: string; shape: number[] }[];
  /** True when the files were already there. */
  cached: boolean;
  seconds: number;
}

interface Record_ {
  generator: number;
  seed: number;
  params: number;
  macs: number;
  states: { name: string; shape: number[] }[];
  files: Record<string, string>;
}

export function zooHome(home?: string): string {
  return home ?? process.env['ETBENCH_HOME'] ?? '.etbench';
}

let sourceDigest: string | undefined;

/** A digest of the files that decide what the zoo writes: program/zoo and program/reference
 * (.ts in the source tree, .js in dist/), read once per process. */
function zooSourceDigest(): string {
  if (sourceDigest !== undefined) return sourceDigest;
  const here = path.dirname(fileURLToPath(import.meta.url));
  const hash = createHash('sha256');
  for (const dir of [here, path.join(here, '..', 'reference')]) {
    for (const f of fs.readdirSync(dir).filter((n) => /\.(ts|js)$/.test(n)).sort()) {
      hash.update(f).update(fs.readFileSync(path.join(dir, f)));
    }
  }
  return (sourceDigest = hash.digest('hex'));
}

/** The folder of one (generator version, seed, zoo and reference source). */
export function zooDir(home: string | undefined, seed: number): string {
  const key = createHash('sha256').update(`etbench-zoo/${ZOO_GENERATOR_VERSION}/${seed}/${zooSourceDigest()}`).digest('hex').slice(0, 16);
  return path.join(zooHome(home), 'zoo', key);
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

function writeAtomic(file: string, bytes: Uint8Array | string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, bytes);
  fs.renameSync(tmp, file);
}

/** The runner-contract input file: a JSON list of {dtype, shape, data}. */
export function inputsJson(inputs: readonly ZooInput[]): string {
  return JSON.stringify(inputs.map((x) => ({ dtype: x.dtype, shape: x.shape, data: Array.from(x.data as ArrayLike<number | bigint>, Number) })));
}

function reusable(dir: string, name: string, seed: number, files: string[]): Record_ | null {
  try {
    const rec = JSON.parse(fs.readFileSync(path.join(dir, `${name}.json`), 'utf8')) as Record_;
    if (rec.generator !== ZOO_GENERATOR_VERSION || rec.seed !== seed) return null;
    for (const f of files) {
      if (rec.files[f] === undefined || sha256(fs.readFileSync(path.join(dir, f))) !== rec.files[f]) return null;
    }
    return rec;
  } catch {
    return null;
  }
}

/**
 * Makes sure the zoo files of `models` exist and returns where they are.
 * @throws ZooError when a model cannot be generated (e.g. the reference lacks an operator for its `.bpte`).
 */
export function ensureZoo(options: EnsureZooOptions = {}): ZooEntry[] {
  const seed = options.seed ?? ZOO_DEFAULT_SEED;
  const dir = zooDir(options.home, seed);
  fs.mkdirSync(dir, { recursive: true });
  const specs = (options.models ?? ZOO_MODELS.map((m) => m.name)).map(zooModel);
  return specs.map((spec) => {
    const started = performance.now();
    const n = spec.name;
    const bundled = options.bundled ?? true;
    const files = [`${n}.pte`, `${n}.onnx`, `${n}.inputs.json`, ...(bundled ? [`${n}.bpte`, `${n}.tolerances.json`] : [])];
    let rec = reusable(dir, n, seed, files);
    const cached = rec !== null;
    if (rec === null) {
      const model = generateModel(spec, seed);
      const contents: Record<string, Uint8Array | string> = {
        [`${n}.pte`]: model.pte, [`${n}.onnx`]: model.onnx, [`${n}.inputs.json`]: inputsJson(model.inputs),
      };
      if (bundled) {
        const { bpte, tolerances } = bundleModel(spec, model);
        contents[`${n}.bpte`] = bpte;
        contents[`${n}.tolerances.json`] = tolerances;
      }
      const states = model.graph.values.filter((v) => v.role === 'state').map((v) => ({ name: v.name, shape: v.shape }));
      rec = { generator: ZOO_GENERATOR_VERSION, seed, params: model.counts.params, macs: model.counts.macs, states, files: {} };
      for (const [f, bytes] of Object.entries(contents)) {
        writeAtomic(path.join(dir, f), bytes);
        rec.files[f] = sha256(typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes);
      }
      writeAtomic(path.join(dir, `${n}.json`), `${JSON.stringify(rec, null, 2)}\n`);
    }
    const entry: ZooEntry = {
      name: n,
      pte: path.join(dir, `${n}.pte`),
      bpte: bundled ? path.join(dir, `${n}.bpte`) : null,
      onnx: path.join(dir, `${n}.onnx`),
      inputs: path.join(dir, `${n}.inputs.json`),
      tolerances: { ...spec.tolerance },
      params: rec.params,
      macs: rec.macs,
      states: rec.states,
      cached,
      seconds: cached ? 0 : (performance.now() - started) / 1000,
    };
    options.onModel?.(entry);
    return entry;
  });
}
