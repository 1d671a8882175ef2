/**
 * The one place the zoo picks its operator list: native/kernels/ops.yaml plus,
 * until the kernel engineers' entries are merged, program/zoo/pending-ops.yaml
 * (entries of ops.yaml win). When pending-ops.yaml is deleted this returns the
 * default registry unchanged.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OperatorRegistry, type OperatorSchema } from '../builder/operators.js';

let registry: OperatorRegistry | undefined;

/** pending-ops.yaml beside this module in the source tree (tsc does not copy it to dist/, so look there too). */
function pendingPath(): string | null {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const dir of [here, path.join(here, '..', '..', '..', 'program', 'zoo')]) {
    const p = path.join(dir, 'pending-ops.yaml');
    if (fs.existsSync(p)) return p;
  }
  return null;
}

export function zooOperators(): OperatorRegistry {
  if (registry !== undefined) return registry;
  const base = OperatorRegistry.default();
  const pending = pendingPath();
  if (pending === null) return (registry = base);
  const extra = OperatorRegistry.fromYaml(fs.readFileSync(pending, 'utf8'), 'program/zoo/pending-ops.yaml');
  const all = new Map<string, OperatorSchema>();
  for (const r of [extra, base]) for (const n of r.names()) all.set(n, r.get(n)!);
  return (registry = new OperatorRegistry([...all.values()]));
}
