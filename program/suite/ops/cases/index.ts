/** Every operator family's suite. A new family: add its file here. */
import type { OpSuite } from '../case.js';

export const OP_SUITES: readonly OpSuite[] = [];
