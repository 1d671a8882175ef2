// A bundled test case's inputs as the runner contract's input file ([{dtype, shape, data}] in
// logical row-major order), so both runtimes can be fed exactly the same tensors.

import { readBundled, type BundledTestCase, type BundledValue, type TensorData } from '../../program/index.js';
import type { Dtype, TensorValue } from '../../native/runner/index.js';
import { UsageError } from '../errors.js';

const CONTRACT_DTYPES = new Set<string>(['bool', 'uint8', 'int8', 'int16', 'int32', 'int64', 'uint16', 'uint32', 'uint64', 'float16', 'bfloat16', 'float32', 'float64']);

function half(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

function bfloat16(bits: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, bits << 16);
  return view.getFloat32(0);
}

/** Physical-order element values of a tensor as plain numbers. */
function physicalValues(dtype: string, data: TensorData): number[] {
  if (dtype === 'float16' || dtype === 'bfloat16') {
    const bytes = data as Uint8Array;
    const out: number[] = [];
    for (let i = 0; i + 1 < bytes.length; i += 2) {
      const bits = bytes[i]! | (bytes[i + 1]! << 8);
      out.push(dtype === 'float16' ? half(bits) : bfloat16(bits));
    }
    return out;
  }
  return Array.from(data as ArrayLike<number | bigint>, (v) => Number(v));
}

/** Reorders elements stored in `dimOrder` into logical row-major order of `shape`. */
export function toLogicalOrder<T>(values: readonly T[], shape: readonly number[], dimOrder: readonly number[]): T[] {
  const n = shape.length;
  if (dimOrder.length !== n || dimOrder.every((d, i) => d === i)) return [...values];
  const strides = new Array<number>(n).fill(1);
  for (let k = n - 2; k >= 0; k -= 1) strides[dimOrder[k]!] = strides[dimOrder[k + 1]!]! * shape[dimOrder[k + 1]!]!;
  const out: T[] = [];
  const index = new Array<number>(n).fill(0);
  for (let count = 0; count < values.length; count += 1) {
    out.push(values[index.reduce((offset, i, d) => offset + i * strides[d]!, 0)]!);
    for (let d = n - 1; d >= 0; d -= 1) {
      index[d] = index[d]! + 1;
      if (index[d]! < shape[d]!) break;
      index[d] = 0;
    }
  }
  return out;
}

function tensorValue(value: BundledValue, what: string): TensorValue {
  if (value.kind !== 'Tensor') throw new UsageError(`--inputs bundled: ${what} is a ${value.kind}, not a tensor; only tensors can be cross-checked`);
  if (!CONTRACT_DTYPES.has(value.dtype)) throw new UsageError(`--inputs bundled: ${what} has dtype ${value.dtype}, which the runner contract cannot carry`);
  const logical = toLogicalOrder(physicalValues(value.dtype, value.data), value.shape, value.dimOrder);
  const data = value.dtype === 'bool'
    ? logical.map((v) => v !== 0)
    : logical.map((v) => (Number.isNaN(v) ? ('nan' as const) : v === Infinity ? ('inf' as const) : v === -Infinity ? ('-inf' as const) : v));
  return { dtype: value.dtype as Dtype, shape: [...value.shape], data };
}

/**
 * The inputs of test case `caseIndex` of `method` (default: forward, or the only suite).
 * @throws UsageError when the file is not bundled, or has no such method or case.
 */
export function bundledInputs(file: string, bytes: Uint8Array, method: string | null, caseIndex: number): TensorValue[] {
  return bundledCase(file, bytes, method, caseIndex).inputs.map((v, i) => tensorValue(v, `input ${i}`));
}

/** The expected outputs of the same test case, in the runner contract's form. */
export function bundledExpected(file: string, bytes: Uint8Array, method: string | null, caseIndex: number): TensorValue[] {
  return bundledCase(file, bytes, method, caseIndex).expectedOutputs.map((v, i) => tensorValue(v, `expected output ${i}`));
}

function bundledCase(file: string, bytes: Uint8Array, method: string | null, caseIndex: number): BundledTestCase {
  if (bytes.length < 8 || String.fromCharCode(...bytes.subarray(4, 8)) !== 'BP08') {
    throw new UsageError(`--inputs bundled: ${file} is not a bundled program (.bpte)`);
  }
  const { suites } = readBundled(bytes);
  const suite = method !== null
    ? suites.find((s) => s.methodName === method)
    : (suites.find((s) => s.methodName === 'forward') ?? (suites.length === 1 ? suites[0] : undefined));
  if (suite === undefined) throw new UsageError(`--inputs bundled: ${file} has no test suite for ${method ?? 'forward'} (it has ${suites.map((s) => s.methodName).join(', ') || 'none'})`);
  const testCase = suite.testCases[caseIndex];
  if (testCase === undefined) throw new UsageError(`--inputs bundled:${caseIndex}: ${file} has ${suite.testCases.length} test cases for ${suite.methodName}`);
  return testCase;
}
