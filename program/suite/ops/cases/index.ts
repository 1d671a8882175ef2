/** Every operator family's suite. A new family: add its file here. */
import type { OpSuite } from '../case.js';
import { CORE_SUITES } from './core.js';
import { CORTEX_M_SUITES } from './cortex-m.js';
import { ELEM_SUITES } from './elem.js';
import { LINALG_SUITES } from './linalg.js';
import { SHAPE_SUITES } from './shape.js';

export const OP_SUITES: readonly OpSuite[] = [...CORE_SUITES, ...CORTEX_M_SUITES, ...SHAPE_SUITES, ...ELEM_SUITES, ...LINALG_SUITES];
