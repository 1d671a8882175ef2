// `--inputs FILE` for the firmware: etrun's JSON inputs file (a list of
// {dtype, shape, data}, or {inputs: [...]}) converted to the binary form the
// firmware reads over semihosting (native/mcu/input_file.h). A file that
// cannot be converted becomes an error record, so the firmware reports it
// (exit 3) in its own JSON document, as etrun would.

// ScalarType codes (runtime/scalar_type.h) of the dtypes etrun accepts in inputs files.
const CODES: Record<string, number> = { uint8: 0, int8: 1, int16: 2, int32: 3, int64: 4, float32: 6, float64: 7, bool: 11 };

function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  return 0;
}

/** Little-endian bytes of `values` as `dtype`, with C's conversions (truncation toward zero for integers). */
function encode(dtype: string, values: unknown[]): Uint8Array {
  const n = values.length;
  const nums = values.map(toNumber);
  switch (dtype) {
    case 'float32': return new Uint8Array(Float32Array.from(nums).buffer);
    case 'float64': return new Uint8Array(Float64Array.from(nums).buffer);
    case 'int32': return new Uint8Array(Int32Array.from(nums, (x) => Math.trunc(x) | 0).buffer);
    case 'int64': return new Uint8Array(BigInt64Array.from(nums, (x) => BigInt.asIntN(64, BigInt(Number.isFinite(x) ? Math.trunc(x) : 0))).buffer);
    case 'int16': return new Uint8Array(Int16Array.from(nums, (x) => Math.trunc(x)).buffer);
    case 'int8': return new Uint8Array(Int8Array.from(nums, (x) => Math.trunc(x)).buffer);
    case 'uint8': return Uint8Array.from(nums, (x) => Math.trunc(x));
    case 'bool': return Uint8Array.from(nums, (x) => (x !== 0 ? 1 : 0));
    default: return new Uint8Array(n);
  }
}

function u32(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  return b;
}

function errorRecord(message: string): Uint8Array {
  const text = new TextEncoder().encode(message);
  return Buffer.concat([new TextEncoder().encode('ETIE'), u32(text.length), text]);
}

/** Converts the text of a JSON inputs file; `label` names it in messages. */
export function inputsFileBytes(jsonText: string, label: string): Uint8Array {
  let doc: unknown;
  try {
    doc = JSON.parse(jsonText);
  } catch (e) {
    return errorRecord(`${label}: ${(e as Error).message}`);
  }
  const list = Array.isArray(doc) ? doc : (doc as { inputs?: unknown } | null)?.inputs;
  if (!Array.isArray(list)) return errorRecord(`${label}: expected a list of {dtype, shape, data} tensors`);
  const parts: Uint8Array[] = [new TextEncoder().encode('ETI1'), u32(list.length)];
  for (const [i, item] of list.entries()) {
    const t = item as { dtype?: unknown; shape?: unknown; data?: unknown };
    const code = typeof t.dtype === 'string' ? CODES[t.dtype] : undefined;
    if (code === undefined || !Array.isArray(t.shape) || !Array.isArray(t.data)) {
      return errorRecord(`${label}: input ${i} needs dtype (a PyTorch name etrun accepts), shape and data`);
    }
    const shape = t.shape as unknown[];
    if (shape.some((s) => typeof s !== 'number' || !Number.isInteger(s) || s < 0 || s > 1e9) || shape.length > 16) {
      return errorRecord(`${label}: input ${i} has an invalid shape`);
    }
    const numel = (shape as number[]).reduce((a, b) => a * b, 1);
    if (numel !== t.data.length) return errorRecord(`${label}: input ${i} has ${t.data.length} values for ${numel} elements`);
    const data = encode(t.dtype as string, t.data as unknown[]);
    parts.push(u32(code), u32(shape.length), ...(shape as number[]).map(u32), u32(data.length), data, new Uint8Array((4 - (data.length % 4)) % 4));
  }
  return Buffer.concat(parts);
}
