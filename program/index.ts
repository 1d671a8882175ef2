/**
 * program/ — the TypeScript side of the ExecuTorch program format: read and
 * inspect `.pte` / `.bpte` files, rewrite them exactly, and build programs
 * from checked operator calls with planned memory. Other folders import only
 * from this file.
 *
 *   import { readProgram, readBundled, readProgramImage, writeProgramImage, ProgramBuilder } from '../program/index.js';
 *
 *   const info = readProgram(new Uint8Array(fs.readFileSync('model.pte')));   // ProgramFormatError on bad bytes
 *   for (const m of info.methods) console.log(m.name, m.inputs.map((i) => i.tensor?.shape), m.operators, m.plannedMemory);
 *   const same = writeProgramImage(readProgramImage(bytes));                 // same program, same segment bytes
 *
 *   const b = new ProgramBuilder();                                          // operators checked against ops.yaml
 *   const m = b.method('forward');
 *   const x = m.input({ dtype: 'float32', shape: [4] });
 *   m.output(m.call('aten::add.out', { self: x, other: m.constant({ dtype: 'float32', shape: [], data: [1] }) }));
 *   b.testCase('forward', { inputs: [[1, 2, 3, 4]], expectedOutputs: [[2, 3, 4, 5]] });
 *   const { pte, bpte, memory } = b.build();                                // ProgramBuildError subclasses on bad calls
 *
 * Format spec: shared/docs/pte-format.md and bundled-program.md; user doc:
 * docs/program-format.md. The FlatBuffers code under generated/ is produced by
 * `npm run generate:schema` from native/schema/*.fbs; never edit it by hand.
 */
export {
  IncompatibleVersionError, ProgramBuildError, ProgramFormatError, ShapeMismatchError, ToleranceManifestError,
  UnknownDTypeError, UnknownOperatorError,
} from './errors.js';
export {
  DTYPES, dtypeSize, numel, tensorBytes, tensorDataFromBytes, tensorDataFromNumbers, tensorDataToBytes,
  type DType, type TensorData,
} from './dtype.js';
export type {
  Allocation, CompileSpecInfo, ConstantInfo, DelegateInfo, Dynamism, ExtendedHeader, ExtraTensorInfo, InstructionInfo, IoInfo,
  MethodInfo, OperatorInfo, PlannedBuffer, ProgramInfo, SegmentInfo, TensorInfo, TensorPlacement, ValueInfo, ValueKind,
} from './types.js';
export type { BundledProgramInfo, BundledSuite, BundledTestCase, BundledValue } from './bundled-types.js';
export type {
  DelegateSpec, InstructionSpec, MethodSpec, OperatorSpec, ProgramSpec, TensorSpec, ValueSpec,
} from './spec.js';
export type {
  ChainImage, CompileSpecImage, DelegateImage, MethodImage, ProgramImage, SubsegmentImage, TensorImage, ValueImage,
} from './image.js';

export { readProgram } from './read/read-program.js';
export { readBundled } from './read/read-bundled.js';
export { readConstantData } from './read/read-constant.js';
export { readProgramImage } from './read/read-image.js';
export { programImageOf, writeProgram } from './write/write-program.js';
export { writeProgramImage, type WriteImageOptions } from './write/write-image.js';
export { writeBundled } from './write/write-bundled.js';

export { planMemory, type MemoryPlan, type PlannedTensor } from './builder/memory-plan.js';
export {
  ProgramBuilder, type BuiltProgram, type ProgramBuilderOptions, type TestCaseSpec, type TestValue,
} from './builder/program-builder.js';
export { MethodBuilder, type DelegateOptions } from './builder/method-builder.js';
export type { CallOptions } from './builder/calls.js';
export { ValueRef, type PlannedOptions, type TensorFacts, type TensorOptions, type TensorValues } from './builder/values.js';
export type { ArgInput, ArgItem } from './builder/arguments.js';
export {
  OperatorRegistry, defaultOpsYamlPath, parseOperatorSchema, type ArgType, type DefaultValue, type OperatorArg, type OperatorSchema,
} from './builder/operators.js';
export { planMethod, type MethodMemoryPlan, type PlanRequest, type PlannedRole, type PlannedTensorReport } from './builder/lifetimes.js';
export type { ElementwiseGraph, GraphConstant, GraphOp, GraphTensor } from './builder/graph.js';
export { buildElementwiseProgram, elementwiseProgramSpec } from './builder/elementwise.js';
export { evaluateElementwise } from './builder/evaluate.js';
export { ensureStarterSuite, starterSuite, type StarterProgram } from './suite/starter.js';
export {
  DEFAULT_TOLERANCE, formatToleranceManifest, parseToleranceManifest, tolerancesFor,
  type CaseTolerance, type ProgramTolerances, type ToleranceEntry,
} from './suite/tolerances.js';

export { evaluate, referenceOp, REFERENCE_OPS, type ReferenceOp, type ReferenceOpKind } from './reference/evaluate.js';
export { ReferenceSession, referenceRun, type ReferenceRunOptions } from './reference/interpreter.js';
export { ReferenceOpError } from './reference/errors.js';
export { toLogical, toPhysical, type RefTensor, type RefValue, type Scalar as RefScalar } from './reference/tensor.js';
export { canCast, promoteTypes, resultType, type OperandKind } from './reference/scalar-types.js';
export { requantize } from './reference/cortex-m-quant.js';
