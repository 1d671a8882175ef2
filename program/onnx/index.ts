/**
 * program/onnx — writes ONNX models with protobufjs (the zoo's twins).
 *
 *   import { writeOnnx } from '../onnx/index.js';
 *   const bytes = writeOnnx({ name, opset: 17, inputs, outputs, initializers, nodes });
 */
export { writeOnnx, type OnnxAttribute, type OnnxDType, type OnnxModel, type OnnxNode, type OnnxTensor, type OnnxValueInfo } from './writer.js';
