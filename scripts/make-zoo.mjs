#!/usr/bin/env node
// Writes the model zoo under $ETBENCH_HOME/zoo/<key>/ (default .etbench/zoo/<key>/) and prints
// the time each model took. Run through tsx: `npm run zoo -- [--seed N] [--no-bundle] [MODEL...]`.
//   --no-bundle   skip the .bpte (its expected outputs need the reference of every operator)
import { ensureZoo } from '../program/zoo/index.js';

const args = process.argv.slice(2);
const models = [];
let seed;
let bundled = true;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--seed') seed = Number(args[++i]);
  else if (args[i] === '--no-bundle') bundled = false;
  else if (args[i].startsWith('-')) {
    console.error(`make-zoo: unknown option ${args[i]}`);
    process.exit(2);
  } else models.push(args[i]);
}
const started = performance.now();
try {
  ensureZoo({
    seed,
    bundled,
    models: models.length > 0 ? models : undefined,
    onModel: (m) => {
      const size = `${(m.params / 1e6).toFixed(3)}M params, ${(m.macs / 1e6).toFixed(1)}M MACs`;
      console.log(`${m.name.padEnd(20)} ${m.cached ? 'cached ' : `${m.seconds.toFixed(2).padStart(6)} s`}  ${size}  ${m.bpte ?? m.pte}`);
    },
  });
} catch (e) {
  console.error(`make-zoo: ${e.message}`);
  process.exit(1);
}
console.log(`zoo ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);
