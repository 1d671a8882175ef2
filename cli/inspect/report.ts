// What `etbench inspect` says about a file, as plain JSON-safe data: the table renderer and
// `--json` both print this, so the two never disagree.

import crypto from 'node:crypto';
import {
  readBundled, readProgram, type BundledProgramInfo, type IoInfo, type MethodInfo, type ProgramInfo,
} from '../../program/index.js';

export interface IoReport {
  /** Position in the method's inputs or outputs. */
  index: number;
  /** Index in the method's value table. */
  value: number;
  kind: string;
  dtype: string | null;
  shape: number[] | null;
  dimOrder: number[] | null;
  /** static, dynamic_bound or dynamic_unbound; null for non-tensors. */
  dynamism: string | null;
  /** constant, planned, planned_initialized, unplanned or external; null for non-tensors. */
  placement: string | null;
  /** Arena slot of a planned tensor. */
  allocation: { memoryId: number; offset: number } | null;
  nbytes: number | null;
}

export interface MethodReport {
  name: string;
  values: number;
  instructions: number;
  inputs: IoReport[];
  outputs: IoReport[];
  operators: { name: string; count: number }[];
  delegates: {
    id: string;
    location: 'inline' | 'segment';
    index: number;
    payloadSize: number;
    compileSpecs: { key: string; size: number }[];
  }[];
  /** non_const_buffer_sizes by memory id (the reserved entry 0 left out). */
  plannedMemory: { memoryId: number; size: number; device: string }[];
}

export interface ProgramReport {
  identifier: string;
  version: number;
  size: number;
  header: { headerLength: number; programSize: number; segmentBaseOffset: number; segmentDataSize: number } | null;
  segments: { index: number; offset: number; size: number; fileOffset: number | null }[];
  constants: { storage: string; tensors: number; bytes: number; segmentIndex: number | null };
  mutableData: { segmentIndex: number; entries: number }[];
  namedData: { key: string; segmentIndex: number; size: number }[];
  methods: MethodReport[];
}

export interface InspectReport {
  file: string;
  kind: 'pte' | 'bpte';
  size: number;
  sha256: string;
  program: ProgramReport;
  /** For a .bpte: its test suites (the program above is the embedded one). */
  bundled: {
    version: number;
    programSize: number;
    suites: { method: string; cases: number; inputShapes: (number[] | string)[][] }[];
  } | null;
}

function io(entries: IoInfo[]): IoReport[] {
  return entries.map((e, index) => ({
    index,
    value: e.valueIndex,
    kind: e.kind,
    dtype: e.tensor?.dtype ?? null,
    shape: e.tensor?.shape ?? null,
    dimOrder: e.tensor?.dimOrder ?? null,
    dynamism: e.tensor?.dynamism ?? null,
    placement: e.tensor?.placement ?? null,
    allocation: e.tensor?.allocation ?? null,
    nbytes: e.tensor?.nbytes ?? null,
  }));
}

function method(m: MethodInfo): MethodReport {
  return {
    name: m.name,
    values: m.values.length,
    instructions: m.instructionCount,
    inputs: io(m.inputs),
    outputs: io(m.outputs),
    operators: m.operators.map((o) => ({ name: o.qualifiedName, count: o.count })),
    delegates: m.delegates.map((d) => ({
      id: d.id,
      location: d.location,
      index: d.index,
      payloadSize: d.payloadSize,
      compileSpecs: d.compileSpecs.map((s) => ({ key: s.key, size: s.valueSize })),
    })),
    plannedMemory: m.plannedMemory.map((b) => ({
      memoryId: b.memoryId,
      size: b.size,
      device: b.deviceType === 'cpu' ? 'cpu' : `${b.deviceType}:${b.deviceIndex}`,
    })),
  };
}

function constants(info: ProgramInfo): ProgramReport['constants'] {
  const indices = new Set<number>();
  for (const m of info.methods) {
    for (const v of m.values) if (v.kind === 'Tensor' && v.tensor.placement === 'constant') indices.add(v.tensor.dataBufferIndex);
  }
  const c = info.constants;
  const bytes =
    c.storage === 'segment'
      ? (info.segments[c.segmentIndex ?? -1]?.size ?? 0)
      : c.legacyBuffers.reduce((n, b) => n + b.size, 0);
  return { storage: c.storage, tensors: indices.size, bytes, segmentIndex: c.storage === 'segment' ? c.segmentIndex : null };
}

export function programReport(info: ProgramInfo): ProgramReport {
  return {
    identifier: info.identifier,
    version: info.version,
    size: info.fileSize,
    header: info.header,
    segments: info.segments.map((s, index) => ({ index, ...s })),
    constants: constants(info),
    mutableData: info.mutableDataSegments.map((m) => ({ segmentIndex: m.segmentIndex, entries: Math.max(0, m.offsets.length - 1) })),
    namedData: info.namedData.map((n) => ({ ...n, size: info.segments[n.segmentIndex]?.size ?? 0 })),
    methods: info.methods.map(method),
  };
}

function bundledReport(b: BundledProgramInfo): NonNullable<InspectReport['bundled']> {
  return {
    version: b.version,
    programSize: b.programBytes.length,
    suites: b.suites.map((s) => ({
      method: s.methodName,
      cases: s.testCases.length,
      inputShapes: s.testCases.map((c) => c.inputs.map((v) => (v.kind === 'Tensor' ? v.shape : v.kind))),
    })),
  };
}

/** Bytes 4..7 say which reader applies: `BP..` bundled programs, anything else is read as a program. */
export function isBundled(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && bytes[4] === 0x42 && bytes[5] === 0x50;
}

/**
 * The report for one file's bytes.
 * @throws ProgramFormatError (from program/) when the file is malformed.
 */
export function inspectBytes(file: string, bytes: Uint8Array): InspectReport {
  const common = { file, size: bytes.length, sha256: crypto.createHash('sha256').update(bytes).digest('hex') };
  if (isBundled(bytes)) {
    const b = readBundled(bytes);
    return { ...common, kind: 'bpte', program: programReport(b.program), bundled: bundledReport(b) };
  }
  return { ...common, kind: 'pte', program: programReport(readProgram(bytes)), bundled: null };
}
