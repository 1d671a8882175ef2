/**
 * program/zoo — the model zoo: seeded models lowered to the core ATen edge
 * operators the real exporter emits, each with an ONNX twin (identical
 * weights) and a `.bpte` whose expected outputs come from our reference.
 * docs/zoo.md describes the models and files.
 *
 *   import { ensureZoo } from '../program/zoo/index.js';
 *
 *   for (const m of ensureZoo({ models: ['mlp', 'resnet18'] })) {   // cached under $ETBENCH_HOME/zoo/<key>/
 *     console.log(m.name, m.params, m.macs, m.bpte, m.onnx, m.tolerances, m.cached ? 'reused' : `${m.seconds} s`);
 *   }
 *
 *   const model = generateModel(zooModel('mlp'), 7);                 // in memory: graph, counts, pte, onnx, inputs
 */
export { ZOO_DEFAULT_SEED, ZOO_GENERATOR_VERSION, ZOO_MODELS, zooModel, type ZooModelSpec } from './catalogue.js';
export { countGraph, type ZooCounts } from './counts.js';
export { ensureZoo, inputsJson, zooDir, zooHome, type EnsureZooOptions, type ZooEntry } from './cache.js';
export { ZooError } from './errors.js';
export { bundleModel, generateModel, zooInputs, type GeneratedModel, type ZooInput } from './generate.js';
export { ZooGraph, type ZooNode, type ZooOp, type ZooValue } from './graph.js';
export { lowerToProgram } from './lower-pte.js';
export { zooOperators } from './registry.js';
export { ONNX_OPSET, toOnnx } from './to-onnx.js';
