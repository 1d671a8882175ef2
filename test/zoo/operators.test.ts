// The zoo programs call only core ATen edge operators (namespace aten, no private namespaces),
// each one the zoo's operator list knows, and the programs load back with our reader.
import test from 'ava';
import { readProgram } from '../../program/index.js';
import { ZOO_MODELS, generateModel, zooOperators } from '../../program/zoo/index.js';

for (const spec of ZOO_MODELS) {
  test(`${spec.name}: only core ATen operators`, (t) => {
    const model = generateModel(spec, 1);
    const info = readProgram(model.pte);
    t.is(info.methods.length, 1);
    const forward = info.methods[0]!;
    t.is(forward.name, 'forward');
    const names = [...new Set(forward.operators.map((o) => o.qualifiedName))].sort();
    t.log(`${spec.name}: ${names.join(', ')}`);
    for (const n of names) {
      t.true(n.startsWith('aten::'), `${n} is not a core ATen operator`);
      t.not(zooOperators().get(n), undefined, `${n} is not in the operator list`);
    }
    t.deepEqual(forward.inputs.map((i) => i.tensor?.shape), model.graph.inputs.map((v) => model.graph.shape(v)));
  });
}
