/**
 * The suite coverage rule CI enforces: every (operator, dtype) the runtime
 * registers has a case touching that dtype (as any argument's or out's dtype:
 * a quantized convolution's int32 bias counts); where the operator allows
 * them, every dtype a case is *about* (`OpCase.dtype`) has an edge-value case,
 * and the operator has a broadcast and a dim-order case. Prim ops (no dtype
 * list) are exempt: they act on scalars and sizes.
 */
import type { DType } from '../../dtype.js';
import type { OperatorRegistry } from '../../builder/operators.js';
import { isCaseTensor, type OpCase, type OpSuite } from './case.js';

/** Every dtype a case touches: its own, its tensors' and its outs'. */
export function caseDTypes(c: OpCase): Set<DType> {
  const seen = new Set<DType>([c.dtype]);
  const visit = (v: unknown): void => {
    if (isCaseTensor(v)) seen.add(v.dtype);
    else if (Array.isArray(v)) v.forEach(visit);
  };
  Object.values(c.args).forEach(visit);
  for (const o of Object.values(c.outs)) for (const x of Array.isArray(o) ? o : [o]) seen.add((x as { dtype: DType }).dtype);
  return seen;
}

export interface CoverageGap {
  op: string;
  /** null: the gap is the operator's, not one dtype's. */
  dtype: string | null;
  missing: 'suite' | 'case' | 'edge' | 'broadcast' | 'dim_order' | 'unregistered';
}

export function coverageGaps(registry: OperatorRegistry, suites: readonly OpSuite[]): CoverageGap[] {
  const gaps: CoverageGap[] = [];
  const byOp = new Map(suites.map((s) => [s.op, s]));
  for (const s of suites) if (registry.get(s.op) === undefined) gaps.push({ op: s.op, dtype: null, missing: 'unregistered' });
  for (const name of registry.names()) {
    const schema = registry.get(name)!;
    if (schema.dtypes === null) continue;
    const suite = byOp.get(name);
    if (suite === undefined) {
      gaps.push({ op: name, dtype: null, missing: 'suite' });
      continue;
    }
    for (const dtype of schema.dtypes) {
      const about = suite.cases.filter((c) => c.dtype === dtype);
      if (!suite.cases.some((c) => caseDTypes(c).has(dtype))) gaps.push({ op: name, dtype, missing: 'case' });
      else if (suite.allows.edge && about.length > 0 && !about.some((c) => c.covers.includes('edge'))) {
        gaps.push({ op: name, dtype, missing: 'edge' });
      }
    }
    if (suite.allows.broadcast && !suite.cases.some((c) => c.covers.includes('broadcast'))) {
      gaps.push({ op: name, dtype: null, missing: 'broadcast' });
    }
    if (suite.allows.dimOrder && !suite.cases.some((c) => c.covers.includes('dim_order'))) {
      gaps.push({ op: name, dtype: null, missing: 'dim_order' });
    }
  }
  return gaps;
}

export function formatGap(g: CoverageGap): string {
  const what = g.missing === 'suite' ? 'has no suite' : g.missing === 'unregistered' ? 'has a suite but is not in ops.yaml'
    : g.missing === 'case' ? 'has no case' : `has no ${g.missing.replace('_', '-')} case`;
  return `${g.op}${g.dtype === null ? '' : ` (${g.dtype})`} ${what}`;
}
