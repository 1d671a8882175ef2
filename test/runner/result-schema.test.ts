import { readFileSync } from 'node:fs';
import test from 'ava';
import {
  RunnerResultInvalidError,
  packagePath,
  validateRunnerResult,
  type GenerationStats,
  type RunnerResult,
  type SustainedRun,
} from '../../native/runner/index.js';
import { validRunnerResult } from '../helpers/runner-result.js';

type Json = Record<string, unknown>;
type SchemaNode = { properties?: Record<string, SchemaNode>; required?: string[]; oneOf?: SchemaNode[]; $ref?: string; items?: SchemaNode; additionalProperties?: boolean };

const schema = JSON.parse(readFileSync(packagePath('native', 'runner', 'result.schema.json'), 'utf8')) as SchemaNode & {
  $id: string;
  $schema: string;
  $defs: Record<string, SchemaNode>;
};

/** The document as plain JSON, so a test may break it in ways the type forbids. */
function doc(): Json {
  return JSON.parse(JSON.stringify(validRunnerResult())) as Json;
}

function violationsOf(value: unknown): readonly string[] {
  try {
    validateRunnerResult(value);
  } catch (error) {
    if (error instanceof RunnerResultInvalidError) return error.violations;
    throw error;
  }
  return [];
}

test('the schema is draft 2020-12 with a versioned $id', (t) => {
  t.is(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
  t.regex(schema.$id, /runner-result:1$/);
  t.false(schema.additionalProperties);
});

test('accepts a complete, valid document and returns it unchanged', (t) => {
  const value = doc();
  t.deepEqual(validateRunnerResult(value) as unknown, value);
});

test('accepts the document of a plain run: optional parts null', (t) => {
  const value = doc();
  Object.assign(value, { correctness: null, outputs: null, op_profile: null, delegate_fraction: null });
  Object.assign(value['memory'] as Json, { peak_rss_bytes: null });
  Object.assign(value['latency_ms'] as Json, { samples: [0.4], stddev: null });
  Object.assign(value['config'] as Json, { inputs: 'random:0', case: null });
  t.deepEqual(violationsOf(value), []);
});

test('accepts an error document whose measurements are null', (t) => {
  const value = doc();
  Object.assign(value, {
    load_ms: null, init_ms: null, latency_ms: null, memory: null, correctness: null, outputs: null, op_profile: null,
    delegate_fraction: null,
    error: { code: 4, name: 'Unsupported', message: 'operator cortex_m::quantized_conv2d.out is not registered' },
  });
  (value['program'] as Json)['method'] = null;
  t.deepEqual(violationsOf(value), []);
});

test('a document without an error must carry its measurements', (t) => {
  const value = doc();
  value['latency_ms'] = null;
  value['load_ms'] = null;
  const violations = violationsOf(value);
  t.true(violations.some((v) => v.startsWith('/latency_ms')), violations.join('\n'));
  t.true(violations.some((v) => v.startsWith('/load_ms')), violations.join('\n'));
});

/** Top-level fields added to version 1 after its release (docs/cli.md): etrun writes them,
 * other producers (the microcontroller firmware) may leave them out. */
const EXTENSIONS = ['sustained'];

/** Every object in the schema lists all its properties as required (the top level all but the
 * extensions), and they are exactly the keys of the typed sample: result.ts and the schema name
 * the same fields. */
test('schema properties, required keys and the TypeScript sample agree at every level', (t) => {
  const resolve = (node: SchemaNode): SchemaNode => {
    if (node.$ref !== undefined) return resolve(schema.$defs[node.$ref.replace('#/$defs/', '')] ?? {});
    const object = node.oneOf?.find((n) => resolve(n).properties !== undefined);
    return object === undefined ? node : resolve(object);
  };
  const walk = (node: SchemaNode, value: unknown, where: string): void => {
    const s = resolve(node);
    if (Array.isArray(value) && s.items !== undefined) {
      value.forEach((item, i) => walk(s.items!, item, `${where}/${i}`));
      return;
    }
    if (s.properties === undefined || value === null || typeof value !== 'object') return;
    const keys = Object.keys(s.properties).sort();
    const optional = where === '' ? EXTENSIONS : [];
    t.deepEqual([...(s.required ?? [])].sort(), keys.filter((k) => !optional.includes(k)), `${where}: every property is required`);
    t.deepEqual(Object.keys(value).sort(), keys, `${where}: the sample has exactly the schema's keys`);
    for (const key of keys) walk(s.properties[key]!, (value as Json)[key], `${where}/${key}`);
  };
  walk(schema, validRunnerResult(), '');
  // The objects a plain run leaves null, filled: --generate and --sustained.
  walk(schema, { ...validRunnerResult(), generation: generation(), sustained: sustained(2) }, '');
});

const required = schema.required ?? [];
for (const key of required) {
  test(`rejects a document missing '${key}'`, (t) => {
    const value = doc();
    delete value[key];
    t.true(violationsOf(value).some((v) => v.includes(`'${key}'`)));
  });
}

const wrong = test.macro({
  exec(t, mutate: (d: Json) => void, expected: string | RegExp) {
    const value = doc();
    mutate(value);
    const violations = violationsOf(value);
    const matches = (v: string): boolean => (typeof expected === 'string' ? v.startsWith(expected) : expected.test(v));
    t.true(violations.some(matches), `expected a violation ${String(expected)}, got:\n${violations.join('\n')}`);
  },
  title: (name = '') => `rejects ${name}`,
});

const at = (d: Json, ...path: (string | number)[]): Json => path.reduce<Json>((o, k) => (o as Record<string | number, Json>)[k]!, d);

test('schema_version 2', wrong, (d) => { d['schema_version'] = 2; }, '/schema_version');
test('an extra top-level field', wrong, (d) => { d['latency'] = 1; }, /^\/: must NOT have additional properties \(latency\)/);
test('an extra field in a nested object', wrong, (d) => { at(d, 'runtime')['compiler'] = 'clang'; }, /^\/runtime: .*\(compiler\)/);
test('isa as a string', wrong, (d) => { at(d, 'runtime')['isa'] = 'avx2'; }, '/runtime/isa');
test('an unknown kernel set', wrong, (d) => { at(d, 'config')['kernels'] = 'fast'; }, '/config/kernels');
test('threads as a string', wrong, (d) => { at(d, 'config')['threads'] = '1'; }, '/config/threads');
test('a fractional iteration count', wrong, (d) => { at(d, 'config')['iterations'] = 2.5; }, '/config/iterations');
test('p50 as a string', wrong, (d) => { at(d, 'latency_ms')['p50'] = '0.003'; }, '/latency_ms');
test('an empty sample list', wrong, (d) => { at(d, 'latency_ms')['samples'] = []; }, '/latency_ms');
test('negative planned bytes', wrong, (d) => { at(d, 'memory')['planned_bytes'] = [-1]; }, '/memory');
test('pass as a string', wrong, (d) => { at(d, 'correctness', 0)['pass'] = 'yes'; }, '/correctness');
test("an op_profile kind other than kernel|delegate", wrong, (d) => { at(d, 'op_profile', 0)['kind'] = 'op'; }, '/op_profile');
test('a dtype outside PyTorch names', wrong, (d) => { at(d, 'outputs', 0)['dtype'] = 'f32'; }, '/outputs');
test("NaN spelled other than 'nan'", wrong, (d) => { at(d, 'outputs', 1)['data'] = [1, 'NaN', 2]; }, '/outputs');
test('tensor data that does not fill its shape', wrong, (d) => { at(d, 'outputs', 0)['data'] = [2, 2, 2]; }, '/outputs/0/data');
test('an upper-case sha256', wrong, (d) => { at(d, 'program')['sha256'] = 'A'.repeat(64); }, '/program/sha256');
test('zero cores', wrong, (d) => { at(d, 'device')['cores'] = 0; }, '/device/cores');
test('a delegate fraction above 1', wrong, (d) => { d['delegate_fraction'] = 1.5; }, '/delegate_fraction');
test('an error code outside the contract', wrong, (d) => { d['error'] = { code: 1, name: 'X', message: '' }; }, '/error');
test('an error without a message', wrong, (d) => { d['error'] = { code: 4, name: 'Unsupported' }; }, '/error');
test('generation with a missing field', wrong, (d) => { d['generation'] = { prompt_tokens: 8, generated_tokens: 8, ttft_ms: 1, prefill_tokens_per_s: 1 }; }, '/generation');
test('a ttft_ms that is a number, not a distribution', wrong, (d) => { d['generation'] = { ...generation(), ttft_ms: 12.5 }; }, '/generation');
test('a negative generated token id', wrong, (d) => { d['generation'] = { ...generation(), tokens: [3, -1] }; }, '/generation');
test('a sustained window without samples', wrong, (d) => { d['sustained'] = sustained(0); }, '/sustained');
test('a load average of two numbers', wrong, (d) => {
  const s = sustained(3);
  s.windows[0]!.conditions.loadavg = [1, 2] as unknown as [number, number, number];
  d['sustained'] = s;
}, '/sustained');

function generation(): GenerationStats {
  return {
    prompt_tokens: 6, generated_tokens: 4,
    ttft_ms: { samples: [110, 112], min: 110, p50: 110, p90: 112, p99: 112, mean: 111, stddev: 1.41 },
    prefill_tokens_per_s: 54.5, decode_tokens_per_s: 17.2, kv_cache_bytes: 786_432, vocab_size: 4096, max_seq_len: 128,
    prompt: [1, 523, 2047, 88, 3001, 4095], tokens: [3932, 2282, 3950, 1288], repeatable: true,
  };
}

function sustained(n: number): SustainedRun {
  return {
    seconds: 2, window_s: 1,
    windows: [
      { t_s: 0, end_s: 1.0, n, p50_ms: 4.2, p90_ms: 5.1, conditions: { thermal: [{ zone: 'thermal_zone0', type: 'x86_pkg_temp', celsius: 51 }], cpu_freq_khz: [{ cpu: 0, khz: 2_400_000 }], loadavg: [0.5, 0.4, 0.3] } },
      { t_s: 1.0, end_s: 2.01, n: 3, p50_ms: 4.3, p90_ms: 5.0, conditions: { thermal: null, cpu_freq_khz: null, loadavg: null } },
    ],
  };
}

test('accepts a language-model run and a sustained run', (t) => {
  const value = doc();
  Object.assign(value, { generation: generation(), sustained: sustained(5) });
  t.deepEqual(violationsOf(value), []);
  Object.assign(value, { generation: { ...generation(), decode_tokens_per_s: null, generated_tokens: 1, tokens: [3932] } });
  t.deepEqual(violationsOf(value), [], 'one generated token: no decode rate');
});

test('accepts a document without the sustained extension (producers older than it, the firmware)', (t) => {
  const value = doc();
  delete value['sustained'];
  t.deepEqual(violationsOf(value), []);
});

test('lists every violation, each with its JSON pointer', (t) => {
  const value = doc();
  at(value, 'config')['threads'] = 0;
  at(value, 'device')['os'] = 7;
  const error = t.throws(() => validateRunnerResult(value), { instanceOf: RunnerResultInvalidError });
  t.true(error.violations.some((v) => v.startsWith('/config/threads')));
  t.true(error.violations.some((v) => v.startsWith('/device/os')));
  t.is(error.name, 'RunnerResultInvalidError');
  t.regex(error.message, /\/config\/threads/);
});

test('rejects values that are not documents at all', (t) => {
  for (const value of [null, 1, 'x', [], undefined]) {
    t.throws(() => validateRunnerResult(value), { instanceOf: RunnerResultInvalidError });
  }
});

test('the returned value is typed as RunnerResult', (t) => {
  const result: RunnerResult = validateRunnerResult(doc());
  t.is(result.memory?.method_allocator_bytes, 1200);
});
