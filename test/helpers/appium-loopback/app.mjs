// The benchmark app's stand-in, started by driver.js in the app's container folder:
//   node app.mjs JOB_DIR ETRUN...
// It does what the real app must (docs/devices.md): read JOB_DIR/args.json (etrun's flags),
// run the runtime on JOB_DIR/program.pte|.bpte, write the result document to result.json.part,
// rename it to result.json, then write etrun's exit code to exit_code (the same way).

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import path from 'node:path';

const [jobDir, ...runner] = process.argv.slice(2);
const flags = JSON.parse(readFileSync(path.join(jobDir, 'args.json'), 'utf8'));
const program = ['program.pte', 'program.bpte'].map((f) => path.join(jobDir, f)).find((f) => existsSync(f));
const r = spawnSync(runner[0], [...runner.slice(1), program ?? path.join(jobDir, 'program.pte'), ...flags], { encoding: 'utf8', maxBuffer: 256 << 20 });
// A signal ends etrun the way a shell reports it: 128 + the signal number.
const code = r.status ?? 128 + (r.signal === null ? 9 : constants.signals[r.signal]);
const broken = process.env.ETBENCH_LOOPBACK_FAULT === 'malformed-result';
writeFileSync(path.join(jobDir, 'result.json.part'), broken ? '{"schema": "etbench-result/1", "runtime": ' : (r.stdout ?? ''));
renameSync(path.join(jobDir, 'result.json.part'), path.join(jobDir, 'result.json'));
writeFileSync(path.join(jobDir, 'exit_code.part'), process.env.ETBENCH_LOOPBACK_FAULT === 'bad-exit-code' ? 'done\n' : `${code}\n`);
renameSync(path.join(jobDir, 'exit_code.part'), path.join(jobDir, 'exit_code'));
