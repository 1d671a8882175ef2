/**
 * The one place the zoo picks its operator list: the runtime's own, native/kernels/ops.yaml.
 * Every operator a zoo model emits must be there, so a zoo program never needs an operator the
 * runtime lacks (test/zoo/operators.test.ts).
 */
import { OperatorRegistry } from '../builder/operators.js';

export function zooOperators(): OperatorRegistry {
  return OperatorRegistry.default();
}
