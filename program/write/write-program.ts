/**
 * writeProgram: ProgramSpec → `.pte` bytes. Lowers the spec to a ProgramImage
 * the way the exporter lays files out, then encodes it (write-image.ts):
 *   segment 0          constants of all methods (constant_segment; offsets[0] is
 *                      the reserved placeholder, each tensor 16-aligned)
 *   next, if any       initial values of mutable tensors (mutable_data_segments[0],
 *                      same placeholder rule)
 *   then               one segment per delegate payload, in method order
 *   then               one segment per distinct named-data blob
 */
import { ProgramFormatError, within } from '../errors.js';
import type { DelegateImage, MethodImage, ProgramImage, TensorImage, ValueImage } from '../image.js';
import type { MethodSpec, ProgramSpec, TensorSpec, ValueSpec } from '../spec.js';
import { alignUp, checkAlignment } from './file-layout.js';
import { writeProgramImage } from './write-image.js';
import { checkMethodSpec } from './write-method.js';
import { checkTensorSpec, contiguousDimOrder, extraOf } from './write-value.js';

const DEFAULT_CONSTANT_ALIGNMENT = 16;

/** Blobs packed into one segment at aligned offsets, entry 0 being the reserved placeholder. */
class Subsegment {
  readonly offsets = [0];
  private readonly chunks: { offset: number; data: Uint8Array }[] = [];
  private end = 0;

  constructor(private readonly alignment: number) {}

  /** Appends `data` and returns its index (the data_buffer_idx). */
  add(data: Uint8Array): number {
    const offset = alignUp(this.end, this.alignment);
    this.chunks.push({ offset, data });
    this.end = offset + data.length;
    return this.offsets.push(offset) - 1;
  }

  get empty(): boolean {
    return this.chunks.length === 0;
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.end);
    for (const c of this.chunks) out.set(c.data, c.offset);
    return out;
  }
}

function tensorImage(t: TensorSpec, dataBufferIndex: number): TensorImage {
  return {
    dtype: t.dtype,
    shape: t.shape,
    dimOrder: t.dimOrder ?? contiguousDimOrder(t.shape.length),
    dynamism: t.dynamism ?? 'static',
    requiresGrad: false,
    dataBufferIndex,
    allocation: t.allocation ?? null,
    extra: extraOf(t),
  };
}

function valueImage(v: ValueSpec, constants: Subsegment, mutable: Subsegment): ValueImage {
  switch (v.kind) {
    case 'Int':
      return { kind: 'Int', value: BigInt(v.value) };
    case 'Tensor': {
      const t = v.tensor;
      const index = t.data !== undefined ? constants.add(t.data) : t.initialData !== undefined ? mutable.add(t.initialData) : 0;
      return { kind: 'Tensor', tensor: tensorImage(t, index) };
    }
    default:
      return v;
  }
}

function methodImage(
  m: MethodSpec, constants: Subsegment, mutable: Subsegment, delegate: (d: NonNullable<MethodSpec['delegates']>[number]) => DelegateImage['processed'],
): MethodImage {
  return {
    name: m.name,
    values: m.values.map((v) => valueImage(v, constants, mutable)),
    inputs: m.inputs,
    outputs: m.outputs,
    chains: [{ inputs: [], outputs: [], instructions: m.instructions }],
    operators: m.operators.map(({ name, overload }) => ({ name, overload })),
    delegates: (m.delegates ?? []).map((d) => ({
      id: d.id,
      processed: delegate(d),
      compileSpecs: (d.compileSpecs ?? []).map((s) => ({ key: s.key, value: s.value })),
    })),
    nonConstBufferSizes: [0, ...m.plannedMemory],
    nonConstBufferDevice: null,
    containerMeta: m.containerMeta ?? null,
  };
}

function checkSpec(spec: ProgramSpec, constantAlignment: number): void {
  checkAlignment(constantAlignment, 'constantAlignment');
  spec.methods.forEach((m, mi) => {
    const field = `methods[${mi}]`;
    checkMethodSpec(m, field);
    m.values.forEach((v, vi) => {
      if (v.kind === 'Tensor') checkTensorSpec(v.tensor, `${field}.values[${vi}].tensor`);
    });
  });
  const keys = new Set<string>();
  (spec.namedData ?? []).forEach((n, i) => {
    if (keys.has(n.key)) throw new ProgramFormatError(`key "${n.key}" is used twice`, { field: `namedData[${i}].key` });
    keys.add(n.key);
  });
}

/** The ProgramImage writeProgram encodes for `spec`. */
export function programImageOf(spec: ProgramSpec): ProgramImage {
  const constantAlignment = spec.constantAlignment ?? DEFAULT_CONSTANT_ALIGNMENT;
  checkSpec(spec, constantAlignment);
  const constants = new Subsegment(constantAlignment);
  const mutable = new Subsegment(constantAlignment);
  const inline: Uint8Array[] = [];
  const payloads: Uint8Array[] = [];
  // Segment indices are only known once the constant and mutable segments exist,
  // so delegates first record their payload position and are patched below.
  const pending: DelegateImage['processed'][] = [];
  const methods = spec.methods.map((m, i) =>
    within(`methods[${i}]`, () =>
      methodImage(m, constants, mutable, (d) => {
        const processed =
          d.inline === true
            ? { location: 'inline' as const, index: inline.push(d.payload) - 1 }
            : { location: 'segment' as const, index: payloads.push(d.payload) - 1 };
        if (processed.location === 'segment') pending.push(processed);
        return processed;
      }),
    ),
  );

  const segments: Uint8Array[] = [];
  if (!constants.empty) segments.push(constants.bytes());
  const mutableIndex = mutable.empty ? null : segments.push(mutable.bytes()) - 1;
  const firstPayload = segments.length;
  segments.push(...payloads);
  for (const p of pending) p.index += firstPayload;
  const blobIndex = new Map<string, number>();
  const namedData = (spec.namedData ?? []).map((n) => {
    // Identical blobs share one segment, as the exporter's dedup does.
    const hex = Buffer.from(n.data).toString('base64');
    let index = blobIndex.get(hex);
    if (index === undefined) {
      index = segments.push(n.data) - 1;
      blobIndex.set(hex, index);
    }
    return { key: n.key, segmentIndex: index };
  });
  return {
    version: 0,
    methods,
    segments,
    // With no constants the table still says "placeholder only" ([0]), which the
    // loader reads as "no constants" without touching any segment.
    constantSegment: { segmentIndex: 0, offsets: constants.offsets },
    constantBuffer: [],
    backendDelegateData: inline,
    mutableDataSegments: mutableIndex === null ? [] : [{ segmentIndex: mutableIndex, offsets: mutable.offsets }],
    namedData,
    headerLength: 32,
  };
}

/**
 * Builds a `.pte` file from `spec`. Deterministic: the same spec gives the same bytes.
 * @throws ProgramFormatError naming the spec field when indices, shapes or
 *   constant data sizes are inconsistent.
 */
export function writeProgram(spec: ProgramSpec): Uint8Array {
  if (spec.segmentAlignment !== undefined) checkAlignment(spec.segmentAlignment, 'segmentAlignment');
  return writeProgramImage(programImageOf(spec), spec.segmentAlignment === undefined ? {} : { segmentAlignment: spec.segmentAlignment });
}
