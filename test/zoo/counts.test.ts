// Parameter and multiply-add counts of the zoo models, derived from the same description the
// programs and ONNX twins are made from, are within 1% of the published figures
// (torchvision's parameter counts; MobileNetV2 300M, ResNet-18 1.82G, MobileNetV3-small 56M MACs).
import test from 'ava';
import { ZOO_MODELS, countGraph } from '../../program/zoo/index.js';

const within1 = (measured: number, published: number): boolean => Math.abs(measured - published) <= 0.01 * published;

for (const spec of ZOO_MODELS) {
  test(`${spec.name}: parameters and multiply-adds`, (t) => {
    const { params, macs } = countGraph(spec.build(1));
    t.log(`${spec.name}: ${params} parameters, ${macs} multiply-adds`);
    if (spec.published.params !== null) t.true(within1(params, spec.published.params), `${params} parameters vs published ${spec.published.params}`);
    if (spec.published.macs !== null) t.true(within1(macs, spec.published.macs), `${macs} MACs vs published ${spec.published.macs}`);
    t.true(params > 0 && macs > 0);
  });
}

test('published figures exist for the four models the issue names', (t) => {
  const published = ZOO_MODELS.filter((m) => m.published.params !== null).map((m) => m.name);
  t.deepEqual(published.sort(), ['mlp', 'mobilenet_v2', 'mobilenet_v3_small', 'resnet18']);
});

test('the MLP has exactly 1,863,690 parameters', (t) => {
  t.is(countGraph(ZOO_MODELS.find((m) => m.name === 'mlp')!.build(3)).params, 1_863_690);
});
