/**
 * Structural comparison of two decoded XNNPACK graphs (program/read/read-xnnpack.ts), e.g. a
 * real exporter's payload and ours for the same model: the same node kinds in the same order
 * with the same parameters, and values that correspond one to one with the same datatype, dims,
 * flags, external ids, quantization and constant (named-data key). Value ids themselves may
 * differ (each writer numbers values in its own order): they are matched through the nodes.
 *
 *   const diffs = xnnStructureDiffs(realGraph, ourGraph);   // [] when structurally equal
 */
import type { XnnGraphInfo, XnnQuant, XnnValueInfo } from '../read/read-xnnpack.js';

const NO_VALUE = 0xffffffff;
const isId = (field: string): boolean => field.endsWith('_id') && field !== 'flags';

function sameNumber(a: number | null, b: number | null): boolean {
  // Decoded JSON writes infinities as null; float32 fields compare exactly.
  const norm = (x: number | null): number => (x === null ? Number.POSITIVE_INFINITY : x);
  return norm(a) === norm(b) || (Number.isNaN(norm(a)) && Number.isNaN(norm(b)));
}

function quantText(q: XnnQuant | null): string {
  if (q === null) return 'none';
  switch (q.kind) {
    case 'per_tensor': return `per_tensor(scale ${Math.fround(q.scale)}, zero point ${q.zeroPoint})`;
    case 'per_channel': return `per_channel(dim ${q.channelDim}, scales ${q.scales.map((s) => Math.fround(s)).join(',')})`;
    case 'per_token': return `per_token(${q.numNonbatchDims})`;
    case 'per_channel_group': return `per_channel_group(dim ${q.channelDim}, group ${q.groupSize})`;
  }
}

/** What of a value takes part in the comparison, as text (one line a property). */
function describe(g: XnnGraphInfo, v: XnnValueInfo): Record<string, string> {
  const constant = v.constantIndex === 0 ? 'none' : g.constantData[v.constantIndex]?.namedKey || `in-payload #${v.constantIndex}`;
  return {
    datatype: v.datatype,
    dims: `[${v.dims.join(', ')}]`,
    flags: String(v.flags),
    'external id': v.flags === 0 ? 'internal' : String(v.externalId),
    quantization: quantText(v.quant),
    constant,
  };
}

/** The differences between `a` and `b`, each a sentence naming where; empty when structurally equal. */
export function xnnStructureDiffs(a: XnnGraphInfo, b: XnnGraphInfo, names: [string, string] = ['real', 'ours']): string[] {
  const diffs: string[] = [];
  const [na, nb] = names;
  const byIdA = new Map(a.values.map((v) => [v.id, v]));
  const byIdB = new Map(b.values.map((v) => [v.id, v]));
  const aToB = new Map<number, number>();
  const bToA = new Map<number, number>();
  const match = (ia: number, ib: number, where: string): void => {
    if ((ia === NO_VALUE) !== (ib === NO_VALUE)) {
      diffs.push(`${where}: ${na} ${ia === NO_VALUE ? 'has no value' : `value ${ia}`}, ${nb} ${ib === NO_VALUE ? 'has no value' : `value ${ib}`}`);
      return;
    }
    if (ia === NO_VALUE) return;
    const seenA = aToB.get(ia);
    const seenB = bToA.get(ib);
    if ((seenA !== undefined && seenA !== ib) || (seenB !== undefined && seenB !== ia)) {
      diffs.push(`${where}: ${na} value ${ia} and ${nb} value ${ib} do not correspond (already matched elsewhere)`);
      return;
    }
    aToB.set(ia, ib);
    bToA.set(ib, ia);
  };

  if (a.nodes.length !== b.nodes.length) diffs.push(`${na} has ${a.nodes.length} nodes, ${nb} ${b.nodes.length}`);
  const n = Math.min(a.nodes.length, b.nodes.length);
  for (let i = 0; i < n; i++) {
    const [x, y] = [a.nodes[i]!, b.nodes[i]!];
    const where = `node ${i} (${x.kind})`;
    if (x.kind !== y.kind) {
      diffs.push(`node ${i}: ${na} ${x.kind}, ${nb} ${y.kind}`);
      continue;
    }
    const range = (r: [number, number] | null): [number | null, number | null] => r ?? [-Infinity, Infinity];
    const [mx, my] = [range(x.outputMinMax), range(y.outputMinMax)];
    if (!sameNumber(mx[0], my[0]) || !sameNumber(mx[1], my[1])) {
      diffs.push(`${where}: output range ${na} [${mx.join(', ')}], ${nb} [${my.join(', ')}]`);
    }
    for (const field of new Set([...Object.keys(x.fields), ...Object.keys(y.fields)])) {
      const [fx, fy] = [x.fields[field], y.fields[field]];
      if (isId(field) && typeof fx === 'number' && typeof fy === 'number') match(fx, fy, `${where} ${field}`);
      else if (JSON.stringify(fx) !== JSON.stringify(fy)) diffs.push(`${where} ${field}: ${na} ${JSON.stringify(fx)}, ${nb} ${JSON.stringify(fy)}`);
    }
  }
  const ids = (g: XnnGraphInfo, k: 'inputIds' | 'outputIds'): number[] => g[k];
  for (const k of ['inputIds', 'outputIds'] as const) {
    if (ids(a, k).length !== ids(b, k).length) diffs.push(`${k}: ${na} ${ids(a, k).length}, ${nb} ${ids(b, k).length}`);
    ids(a, k).forEach((ia, i) => { if (i < ids(b, k).length) match(ia, ids(b, k)[i]!, `${k}[${i}]`); });
  }
  for (const [ia, ib] of aToB) {
    const [va, vb] = [byIdA.get(ia), byIdB.get(ib)];
    if (va === undefined || vb === undefined) {
      diffs.push(`value ${ia} / ${ib}: ${va === undefined ? na : nb} does not define it`);
      continue;
    }
    const [da, db] = [describe(a, va), describe(b, vb)];
    for (const key of Object.keys(da)) {
      if (da[key] !== db[key]) diffs.push(`${na} value ${ia} / ${nb} value ${ib}: ${key} ${na} ${da[key]}, ${nb} ${db[key]}`);
    }
  }
  const unused = (g: XnnGraphInfo, seen: Map<number, number>): number[] => g.values.map((v) => v.id).filter((id) => !seen.has(id));
  if (unused(a, aToB).length > 0) diffs.push(`${na} values ${unused(a, aToB).join(', ')} are used by no node`);
  if (unused(b, bToA).length > 0) diffs.push(`${nb} values ${unused(b, bToA).join(', ')} are used by no node`);
  return diffs;
}
