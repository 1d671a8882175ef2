/** Every operator family's suite. A new family: add its file here. */
import type { OpSuite } from '../case.js';
import { SHAPE_SUITES } from './shape.js';

export const OP_SUITES: readonly OpSuite[] = [
  ...SHAPE_SUITES,
];
