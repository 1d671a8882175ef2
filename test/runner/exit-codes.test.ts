// One test per exit code of the runner contract (shared/docs/runner-contract.md, "Exit codes"),
// each provoked by a real program that our TypeScript writer puts in a temporary directory and
// the real etrun (build/native/release/etrun) runs in a child process. Whenever etrun prints a
// document, it must be one JSON value that passes validateRunnerResult; the error name and
// message (in the document and on stderr) must name the cause. These tests fail with
// "Run `npm run build`" until etrun is built; they are never skipped.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test, { type ExecutionContext } from 'ava';
import {
  RUNNER_EXIT_CODES, etrunBuildPath, runnerExitName, validateRunnerResult, type RunnerResult,
} from '../../native/runner/index.js';
import {
  buildElementwiseProgram, elementwiseProgramSpec, readProgram, tensorDataToBytes, writeBundled, writeProgram,
  type ElementwiseGraph, type MethodSpec, type ProgramSpec, type ValueSpec,
} from '../../program/index.js';
import { describe, type Finished } from '../helpers/processes.js';

const ETRUN = etrunBuildPath('release');
const FAST = ['--iterations', '2', '--warmup', '0'];

/** A fresh directory for one test's programs, removed when the test ends. */
async function tempDir(t: ExecutionContext): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'etbench-exit-codes-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function writeTemp(t: ExecutionContext, name: string, bytes: Uint8Array): Promise<string> {
  const file = path.join(await tempDir(t), name);
  await writeFile(file, bytes);
  return file;
}

function etrun(args: readonly string[]): Finished {
  if (!existsSync(ETRUN)) throw new Error(`${ETRUN} does not exist. Run \`npm run build\``);
  const done = spawnSync(ETRUN, args, { encoding: 'utf8', timeout: 100_000, maxBuffer: 64 << 20 });
  if (done.error) throw done.error;
  return { code: done.status, signal: done.signal, stdout: done.stdout, stderr: done.stderr };
}

/** Asserts the exit code and that stdout is exactly one valid document; returns it. */
function expectDocument(t: ExecutionContext, done: Finished, code: number): RunnerResult {
  t.is(done.signal, null, describe(done));
  t.is(done.code, code, `expected ${String(runnerExitName(code))} (${code})\n${describe(done)}`);
  let json: unknown;
  t.notThrows(() => {
    json = JSON.parse(done.stdout);
  }, `stdout is one JSON document\n${describe(done)}`);
  const result = validateRunnerResult(json);
  t.is(result.schema_version, 1);
  return result;
}

/** A failed run's document names the error; stderr says the same in one line. */
function expectError(t: ExecutionContext, done: Finished, result: RunnerResult, code: number, name: string, message: RegExp): void {
  t.truthy(result.error, describe(done));
  t.is(result.error?.code, code);
  t.is(result.error?.name, name, describe(done));
  t.regex(result.error?.message ?? '', message);
  t.true(done.stderr.includes(`etrun: ${name}: ${result.error?.message ?? ''}\n`), describe(done));
}

// --- programs --------------------------------------------------------------------------------

const X_PLUS_ONE: ElementwiseGraph = {
  inputs: [{ name: 'x', dtype: 'float32', shape: [2, 3] }],
  constants: [{ name: 'one', dtype: 'float32', shape: [], data: [1] }],
  ops: [{ op: 'add', self: 'x', other: 'one', out: 'y' }],
  outputs: ['y'],
};

const f32 = (shape: number[], extra: Partial<Extract<ValueSpec, { kind: 'Tensor' }>['tensor']> = {}): ValueSpec => ({
  kind: 'Tensor',
  tensor: { dtype: 'float32', shape, ...extra },
});

/**
 * `out = x + other` by hand: values 0 x (input, planned at 0), 1 other (as given), 2 alpha,
 * 3 out (planned at 16); one aten::add.out call with args [0, 1, 2, 3, 3].
 */
function addMethod(other: ValueSpec, over: Partial<MethodSpec> = {}): MethodSpec {
  return {
    name: 'forward',
    values: [
      f32([4], { allocation: { memoryId: 1, offset: 0 } }),
      other,
      { kind: 'Int', value: 1 },
      f32([4], { allocation: { memoryId: 1, offset: 16 } }),
    ],
    inputs: [0],
    outputs: [3],
    instructions: [{ kind: 'KernelCall', opIndex: 0, args: [0, 1, 2, 3, 3] }],
    operators: [{ name: 'aten::add', overload: 'out' }],
    plannedMemory: [32],
    ...over,
  };
}

const ONES = tensorDataToBytes(Float32Array.of(1, 1, 1, 1)).slice();

/**
 * The writer refuses an argument index past the value table, so write a valid program and
 * change one int32 of the one KernelCall args vector ([5, 0, 1, 2, 3, 3] little-endian).
 */
function withArgument(pte: Uint8Array, argument: number, valueIndex: number): Uint8Array {
  const bytes = Buffer.from(pte);
  const pattern = Buffer.from(Int32Array.of(5, 0, 1, 2, 3, 3).buffer);
  const at = bytes.indexOf(pattern);
  if (at < 0 || bytes.indexOf(pattern, at + 1) >= 0) throw new Error('the args vector is not found exactly once');
  bytes.writeInt32LE(valueIndex, at + 4 * (1 + argument));
  return new Uint8Array(bytes);
}

// --- 0 ---------------------------------------------------------------------------------------

test.serial('0 OK: an element-wise program with random inputs runs and reports no error', async (t) => {
  const program = await writeTemp(t, 'x_plus_one.pte', buildElementwiseProgram(X_PLUS_ONE));
  const done = etrun([program, '--inputs', 'random:7', ...FAST, '--print-outputs']);
  const result = expectDocument(t, done, RUNNER_EXIT_CODES.OK);
  t.is(result.error, null);
  t.is(result.correctness, null, 'random inputs have nothing to compare with');
  t.is(result.config.inputs, 'random:7');
  t.is(result.program.method, 'forward');
  t.is(result.latency_ms?.samples.length, 2);
  t.deepEqual(result.outputs?.map((o) => [o.dtype, o.shape]), [['float32', [2, 3]]]);
  // random inputs are uniform in [-1, 1): x + 1 lies in [0, 2).
  for (const v of result.outputs?.[0]?.data ?? []) t.true(typeof v === 'number' && v >= 0 && v < 2, String(v));
  t.is(done.stderr, '');
});

// --- 2 ---------------------------------------------------------------------------------------

test.serial('2 USAGE: a bad flag value is named on stderr and no document is printed', async (t) => {
  const program = await writeTemp(t, 'x_plus_one.pte', buildElementwiseProgram(X_PLUS_ONE));
  const done = etrun([program, '--iterations', 'lots']);
  t.is(done.signal, null);
  t.is(done.code, RUNNER_EXIT_CODES.USAGE, describe(done));
  t.is(done.stdout, '');
  t.regex(done.stderr, /--iterations.*'lots'/);
  const kernels = etrun([program, '--kernels=fastest']);
  t.is(kernels.code, RUNNER_EXIT_CODES.USAGE, describe(kernels));
  t.is(kernels.stdout, '');
  t.regex(kernels.stderr, /--kernels.*'fastest'/);
});

test.serial('--help prints every flag the runner contract names and exits 0; --help=x is a usage error', (t) => {
  const done = etrun(['--help']);
  t.is(done.code, RUNNER_EXIT_CODES.OK, describe(done));
  for (const flag of ['--method', '--kernels', '--backends', '--threads', '--warmup', '--iterations', '--min-seconds', '--inputs', '--case',
    '--rtol', '--atol', '--data', '--profile', '--print-outputs', '--json', '--capabilities', '--version']) {
    t.true(done.stdout.includes(flag), `${flag} is in the usage`);
  }
  t.is(etrun(['--help=x']).code, RUNNER_EXIT_CODES.USAGE);
});

// --- 3 ---------------------------------------------------------------------------------------

test.serial('3 BAD_PROGRAM: a KernelCall argument past the value table is named with its index', async (t) => {
  const valid = writeProgram({ methods: [addMethod(f32([4], { data: ONES }))] });
  const bytes = withArgument(valid, 1, 9);
  // Our reader agrees the file is malformed, and names the same argument.
  t.throws(() => readProgram(bytes), { name: 'ProgramFormatError', message: /instructions\[0\]: args\[1\] 9 is not a value index \(4 values\)/ });
  const program = await writeTemp(t, 'bad_argument.pte', bytes);
  // The untouched program runs, so the one changed index is the cause.
  t.is(etrun([await writeTemp(t, 'valid.pte', valid), ...FAST]).code, RUNNER_EXIT_CODES.OK);

  const done = etrun([program, ...FAST]);
  const result = expectDocument(t, done, RUNNER_EXIT_CODES.BAD_PROGRAM);
  expectError(t, done, result, 3, 'InvalidProgram', /chain 0 instruction 0: argument 1 names value 9 of 4/);
  t.is(result.latency_ms, null);
  t.deepEqual(result.memory?.planned_bytes, [], 'the method never loaded');
});

test.serial('3 BAD_PROGRAM: a planned tensor that overruns its buffer is named with its size and offset', async (t) => {
  const method = addMethod(f32([4], { data: ONES }));
  method.values[3] = f32([4], { allocation: { memoryId: 1, offset: 24 } });
  const program = await writeTemp(t, 'overrun.pte', writeProgram({ methods: [method] }));
  const done = etrun([program, ...FAST]);
  const result = expectDocument(t, done, RUNNER_EXIT_CODES.BAD_PROGRAM);
  expectError(t, done, result, 3, 'InvalidProgram', /planned tensor of 16 bytes at offset 24 overruns buffer 1 of 32 bytes/);
});

// --- 4 ---------------------------------------------------------------------------------------

test.serial('4 UNSUPPORTED: an operator the runtime lacks is named', async (t) => {
  const int = (value: number): ValueSpec => ({ kind: 'Int', value });
  const spec: ProgramSpec = {
    methods: [{
      name: 'forward',
      values: [
        f32([1, 1, 4, 4], { allocation: { memoryId: 1, offset: 0 } }), // 0 input
        f32([1, 1, 3, 3], { data: tensorDataToBytes(new Float32Array(9).fill(0.5)).slice() }), // 1 weight
        { kind: 'Null' }, // 2 bias
        int(1), int(0), // 3, 4
        { kind: 'IntList', items: [3, 3] }, // 5 stride
        { kind: 'IntList', items: [4, 4] }, // 6 padding
        { kind: 'IntList', items: [3, 3] }, // 7 dilation
        int(1), // 8 groups
        f32([1, 1, 2, 2], { allocation: { memoryId: 1, offset: 64 } }), // 9 out
      ],
      inputs: [0],
      outputs: [9],
      instructions: [{ kind: 'KernelCall', opIndex: 0, args: [0, 1, 2, 5, 6, 7, 8, 9, 9] }],
      operators: [{ name: 'aten::conv2d', overload: 'out' }],
      plannedMemory: [80],
    }],
  };
  const program = await writeTemp(t, 'conv2d.pte', writeProgram(spec));
  const done = etrun([program, ...FAST]);
  const result = expectDocument(t, done, RUNNER_EXIT_CODES.UNSUPPORTED);
  expectError(t, done, result, 4, 'OperatorMissing', /1 operator is not in this runtime's portable kernels: aten::conv2d\.out/);
});

// --- 5 ---------------------------------------------------------------------------------------

test.serial('5 RUNTIME_FAILURE: add.out whose other has no storage fails at execute, naming the argument', async (t) => {
  // `other` is neither an input, nor planned, nor a constant: nothing ever gives it memory.
  const program = await writeTemp(t, 'no_memory.pte', writeProgram({ methods: [addMethod(f32([4]))] }));
  t.like(readProgram(new Uint8Array(await readFile(program))).methods[0]?.values[1], {
    kind: 'Tensor', tensor: { placement: 'unplanned', dataBufferIndex: 0, allocation: null },
  });
  const done = etrun([program, ...FAST]);
  const result = expectDocument(t, done, RUNNER_EXIT_CODES.RUNTIME_FAILURE);
  expectError(t, done, result, 5, 'InvalidState', /argument 1 \(other\) has no memory/);
  // Load and init succeeded (etrun reports the method's memory only after Method::load), and
  // no sample was timed: the first execute failed.
  t.true(result.memory?.planned_bytes.includes(32), `the method loaded: ${JSON.stringify(result.memory)}`);
  t.true((result.memory?.method_allocator_bytes ?? 0) > 0);
  t.is(typeof result.init_ms, 'number');
  t.is(result.latency_ms, null);
});

// --- 6 ---------------------------------------------------------------------------------------

test.serial('6 WRONG_RESULT: a bundled program with a wrong expected output still writes the document', async (t) => {
  const graph: ElementwiseGraph = { ...X_PLUS_ONE, inputs: [{ name: 'x', dtype: 'float32', shape: [4] }] };
  const bpte = writeBundled(buildElementwiseProgram(graph), [{
    methodName: 'forward',
    testCases: [{
      inputs: [{ kind: 'Tensor', dtype: 'float32', shape: [4], dimOrder: [0], data: Float32Array.of(1, 2, 3, 4) }],
      // x + 1 is [2, 3, 4, 5]; the last element is wrong.
      expectedOutputs: [{ kind: 'Tensor', dtype: 'float32', shape: [4], dimOrder: [0], data: Float32Array.of(2, 3, 4, 6) }],
    }],
  }]);
  const program = await writeTemp(t, 'wrong.bpte', bpte);
  const done = etrun([program, ...FAST]);
  const result = expectDocument(t, done, RUNNER_EXIT_CODES.WRONG_RESULT);
  t.is(result.error, null, 'a wrong result is not an error: the document is complete');
  t.is(result.config.inputs, 'bundled');
  t.is(result.correctness?.length, 1);
  t.like(result.correctness?.[0], { output: 0, pass: false, max_abs_err: 1 });
  t.truthy(result.latency_ms, 'the run was still timed');
  t.regex(done.stderr, /case 0 output 0: values differ beyond the tolerance \(max abs err 1\)/);

  // The same program with the right expectation passes, so the wrong value is the cause.
  const right = writeBundled(buildElementwiseProgram(graph), [{
    methodName: 'forward',
    testCases: [{
      inputs: [{ kind: 'Tensor', dtype: 'float32', shape: [4], dimOrder: [0], data: Float32Array.of(1, 2, 3, 4) }],
      expectedOutputs: [{ kind: 'Tensor', dtype: 'float32', shape: [4], dimOrder: [0], data: Float32Array.of(2, 3, 4, 5) }],
    }],
  }]);
  const ok = etrun([await writeTemp(t, 'right.bpte', right), ...FAST]);
  t.like(expectDocument(t, ok, RUNNER_EXIT_CODES.OK).correctness?.[0], { pass: true });
});

// --- 7 ---------------------------------------------------------------------------------------

test.serial('7 RESOURCE_LIMIT: planned memory beyond 16 GiB is a resource limit, not a bad program', async (t) => {
  const spec = elementwiseProgramSpec(X_PLUS_ONE);
  const method = spec.methods[0]!;
  method.plannedMemory = [2 ** 35];
  const bytes = writeProgram(spec);
  t.deepEqual(readProgram(bytes).methods[0]?.plannedMemory.map((p) => p.size), [2 ** 35]);
  const program = await writeTemp(t, 'huge_arena.pte', bytes);
  const done = etrun([program, ...FAST]);
  const result = expectDocument(t, done, RUNNER_EXIT_CODES.RESOURCE_LIMIT);
  expectError(t, done, result, 7, 'MemoryAllocationFailed', /planned buffer 1 needs 34359738368 bytes, more than this runner's limit of 17179869184/);
  t.is(result.latency_ms, null);
});

test.serial('7 RESOURCE_LIMIT: a JumpFalseCall that jumps to itself trips the instruction guard', async (t) => {
  const spec: ProgramSpec = {
    methods: [{
      name: 'forward',
      values: [{ kind: 'Bool', value: false }],
      inputs: [],
      outputs: [],
      instructions: [{ kind: 'JumpFalseCall', condValueIndex: 0, destinationInstruction: 0 }],
      operators: [],
      plannedMemory: [],
    }],
  };
  const bytes = writeProgram(spec);
  t.deepEqual(readProgram(bytes).methods[0]?.chains, [[{ kind: 'JumpFalseCall', condValueIndex: 0, destinationInstruction: 0 }]]);
  const program = await writeTemp(t, 'loop.pte', bytes);
  const done = etrun([program, ...FAST]);
  const result = expectDocument(t, done, RUNNER_EXIT_CODES.RESOURCE_LIMIT);
  expectError(t, done, result, 7, 'OutOfResources', /execute ran more than 10000000 instructions; the program loops/);
  t.is(result.latency_ms, null);
});
