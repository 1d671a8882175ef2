// `etbench run` option parsing and compilation, in-process (no etrun needed).

import path from 'node:path';
import test from 'ava';
import { UsageError, compileRunOptions, parseRunArgs, DEFAULT_TIMEOUT_S, HOST_DEVICE } from '../../cli/index.js';
import { ADD_MODEL, BUNDLED, repoRoot } from '../helpers/fixtures.js';

const context = { cwd: repoRoot, env: {} as NodeJS.ProcessEnv };
// ETBENCH_MCU=0: the emulated MCU is left out unless a test asks for it (it is there whenever its toolchain is).
const compile = (argv: string[], env: NodeJS.ProcessEnv = {}) => compileRunOptions(parseRunArgs(argv), { ...context, env: { ETBENCH_MCU: '0', ...env } });

test('--programs takes every following word; defaults are filled', (t) => {
  const options = compile(['--devices', 'all', '--programs', ADD_MODEL, BUNDLED]);
  t.deepEqual(options.programs, [ADD_MODEL, BUNDLED]);
  t.deepEqual(options.devices, [HOST_DEVICE]);
  t.is(options.kernels, 'portable');
  t.is(options.format, 'table');
  t.is(options.timeoutS, DEFAULT_TIMEOUT_S);
  t.is(options.method, null);
  t.is(options.iterations, null);
});

test('relative programs resolve against the working directory', (t) => {
  const relative = path.relative(repoRoot, ADD_MODEL);
  t.deepEqual(compile(['--devices', 'host', '--programs', relative]).programs, [ADD_MODEL]);
});

test('every flag is compiled to its typed value', (t) => {
  const options = compile(
    ['--devices', 'kind=host', '--programs', ADD_MODEL, '--method', 'forward', '--kernels', 'optimized',
      '--iterations', '20', '--warmup', '0', '--threads', '4', '--format', 'json', '--timeout', '2.5'],
    { ETBENCH_HOME: '/tmp/eh' },
  );
  t.like(options, { method: 'forward', kernels: 'optimized', iterations: 20, warmup: 0, threads: 4, format: 'json', timeoutS: 2.5 });
  t.is(options.home, '/tmp/eh');
});

test('no --programs means the zoo suite under $ETBENCH_HOME, default ./.etbench; --suite picks another', (t) => {
  const options = compile(['--devices', 'all']);
  t.is(options.programs, null);
  t.is(options.suite, 'zoo');
  t.is(options.home, path.join(repoRoot, '.etbench'));
  // The zoo's smaller defaults, unless given; other suites keep etrun's.
  t.like(options, { iterations: 10, warmup: 1 });
  t.like(compile(['--devices', 'all', '--iterations', '4', '--warmup', '0']), { iterations: 4, warmup: 0 });
  t.like(compile(['--devices', 'all', '--suite', 'starter']), { iterations: null, warmup: null });
  t.is(compile(['--devices', 'all', '--suite', 'ops']).suite, 'ops');
  t.throws(() => compile(['--devices', 'all', '--suite', 'models']), { message: /--suite must be one of zoo, ops, starter, got 'models'/ });
  t.throws(() => compile(['--devices', 'all', '--suite', 'ops', '--programs', ADD_MODEL]), { message: /--suite and --programs exclude each other/ });
});

test('--devices accepts all, host and kind=host, comma-separated or repeated', (t) => {
  for (const argv of [['--devices', 'all'], ['--devices', 'host'], ['--devices', 'kind=host'], ['--devices', 'host,kind=host'], ['--devices', 'all', '--devices', 'host']]) {
    t.deepEqual(compile(argv).devices, [HOST_DEVICE], argv.join(' '));
  }
});

test('ETBENCH_MCU=1 adds the emulated MCU: all selects both, kind=mcu only it', (t) => {
  const env = { ETBENCH_MCU: '1' };
  t.deepEqual(compile(['--devices', 'all'], env).devices.map((d) => d.id), ['host', 'qemu-mps3-an547']);
  t.deepEqual(compile(['--devices', 'kind=mcu'], env).devices.map((d) => [d.id, d.kind]), [['qemu-mps3-an547', 'mcu']]);
  t.throws(() => compile(['--devices', 'kind=mcu']), { message: /no device matches 'kind=mcu'/ });
});

test('an unknown device is a usage error that lists what exists', (t) => {
  const error = t.throws(() => compile(['--devices', 'phone']), { instanceOf: UsageError });
  t.is(error.code, 2);
  t.regex(error.message, /--devices: no device matches 'phone'/);
  t.regex(error.message, /host \(kind=host\)/);
  t.throws(() => compile(['--devices', 'kind=phone']), { instanceOf: UsageError });
  t.throws(() => compile(['--devices', 'os=linux']), { instanceOf: UsageError });
});

test('--devices is required', (t) => {
  t.throws(() => compile(['--programs', ADD_MODEL]), { instanceOf: UsageError, message: /--devices is required/ });
});

const usage = test.macro({
  exec(t, argv: string[], message: RegExp) {
    const error = t.throws(() => compile(argv), { instanceOf: UsageError });
    t.regex(error.message, message);
  },
  title: (_ = '', argv: string[]) => `usage error: ${argv.map((a) => JSON.stringify(a)).join(' ')}`,
});

test(usage, ['--devices', 'all', '--bogus'], /--bogus/);
test(usage, ['--devices', 'all', '--programs', '/no/such/file.pte'], /--programs: no such file: \/no\/such\/file\.pte/);
test(usage, ['--devices', 'all', 'stray.pte'], /unexpected argument 'stray\.pte'/);
test(usage, ['--devices', 'all', '--kernels', 'simd'], /--kernels must be one of portable, optimized/);
test(usage, ['--devices', 'all', '--format', 'yaml'], /--format must be one of table, json/);
test(usage, ['--devices', 'all', '--iterations', '0'], /--iterations must be an integer >= 1/);
test(usage, ['--devices', 'all', '--iterations', '2.5'], /--iterations/);
test(usage, ['--devices', 'all', '--warmup', '-1'], /--warmup/);
test(usage, ['--devices', 'all', '--threads', 'many'], /--threads must be an integer >= 1, got 'many'/);
test(usage, ['--devices', 'all', '--timeout', '0'], /--timeout must be a number of seconds > 0/);
test(usage, ['--devices', 'all', '--timeout', 'soon'], /--timeout/);
test(usage, ['--devices', 'all', '--method', ''], /--method must not be empty/);
test(usage, ['--devices', 'all', '--method'], /--method/);

test('--help is parsed, not an error', (t) => {
  t.true(parseRunArgs(['--help']).help);
  t.true(parseRunArgs(['-h']).help);
});
