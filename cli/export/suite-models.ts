// The real-exporter suite: seven architectures (exporter/etexport/zoo.py), each in the variants it
// lists (all three unless it says otherwise). Changing anything here changes its cache key.

import { packagePath } from '../../native/runner/index.js';
import type { ExportInput, ExportRequest } from './exporter.js';

export type SuiteVariant = 'portable' | 'xnnpack' | 'int8';
export const SUITE_VARIANTS: readonly SuiteVariant[] = ['portable', 'xnnpack', 'int8'];

export interface SuiteModel {
  /** Also the factory's name in zoo.py. */
  name: string;
  inputs: ExportInput[];
  what: string;
  /** The variants this model is exported in; all of SUITE_VARIANTS when absent. */
  variants?: readonly SuiteVariant[];
}

const IMAGE: ExportInput[] = [{ shape: [1, 3, 224, 224], dtype: 'float32' }];

export const SUITE_MODELS: readonly SuiteModel[] = [
  { name: 'mobilenet_v2', inputs: IMAGE, what: "torchvision's MobileNetV2, random weights" },
  { name: 'resnet18', inputs: IMAGE, what: "torchvision's ResNet-18, random weights" },
  { name: 'mobilenet_v3_small', inputs: IMAGE, what: "torchvision's MobileNetV3-Small, random weights" },
  { name: 'transformer_encoder', inputs: [{ shape: [1, 128, 256], dtype: 'float32' }], what: "the zoo's encoder: 4 post-norm layers, d=256, 4 heads, FFN 1024" },
  { name: 'lstm', inputs: [{ shape: [50, 1, 256], dtype: 'float32' }], what: "the zoo's LSTM: 2 layers, hidden 256, 50 steps" },
  { name: 'ds_cnn', inputs: [{ shape: [1, 1, 49, 10], dtype: 'float32' }], what: 'DS-CNN keyword spotter on 49x10 MFCC' },
  {
    name: 'llama_kv',
    // A 4-token prompt at a seeded start position; the prompt length is dynamic (<= 64).
    inputs: [{ shape: [1, 4], dtype: 'int64' }, { shape: [1], dtype: 'int64' }],
    what: 'Llama-style decoder over a static KV cache (mutable buffers), prompt length dynamic',
  },
];

/** The variants `model` is exported in. */
export function suiteVariantsOf(model: SuiteModel): readonly SuiteVariant[] {
  return model.variants ?? SUITE_VARIANTS;
}

/** Settings every suite export shares. */
export const SUITE_SETTINGS = { seed: 0, cases: 2, calibration: 4 } as const;

export function suiteZoo(): string {
  return packagePath('exporter', 'etexport', 'zoo.py');
}

/** `<model>.<variant>`, also the file's stem. */
export function suiteEntryName(model: string, variant: SuiteVariant): string {
  return `${model}.${variant}`;
}

export function suiteRequest(model: SuiteModel, variant: SuiteVariant, out: string): ExportRequest {
  return {
    factory: `${suiteZoo()}:${model.name}`,
    inputs: model.inputs,
    out,
    xnnpack: variant !== 'portable',
    quantize: variant === 'int8' ? 'int8' : null,
    seed: SUITE_SETTINGS.seed,
    cases: SUITE_SETTINGS.cases,
    calibration: SUITE_SETTINGS.calibration,
    verify: true,
    name: suiteEntryName(model.name, variant),
  };
}
