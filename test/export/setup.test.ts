// `etbench setup python` runs scripts/setup-python.sh; with .venv current it is a quick no-op.
// Its usage errors need no Python.

import test from 'ava';
import { etbench, show, withPython } from './helpers.js';

test('setup: a target is required, and only python exists', async (t) => {
  const none = await etbench(['setup']);
  t.is(none.code, 2, show(none));
  t.regex(none.stderr, /setup: what to set up is required: python\nSee `etbench setup --help`/);
  const other = await etbench(['setup', 'node']);
  t.is(other.code, 2);
  t.regex(other.stderr, /unknown target 'node'/);
  const help = await etbench(['setup', '--help']);
  t.is(help.code, 0);
  t.regex(help.stdout, /^Usage: etbench setup python \[--force\]/);
});

test('help lists export, crosscheck and setup', async (t) => {
  const help = await etbench(['--help']);
  t.regex(help.stdout, /^ {2}export +export a PyTorch module/m);
  t.regex(help.stdout, /^ {2}crosscheck +run programs on etrun and on ExecuTorch/m);
  t.regex(help.stdout, /^ {2}setup +set up the Python environment/m);
  t.regex((await etbench(['export', '--help'])).stdout, /^Usage: etbench export FILE\.py:FUNCTION --input-shape/);
  t.regex((await etbench(['crosscheck', '-h'])).stdout, /^Usage: etbench crosscheck FILE\.\.\./);
});

withPython('setup', () => {
  test.serial('setup python: up to date, exit 0, the script speaks on stderr', async (t) => {
    t.timeout(600_000);
    const done = await etbench(['setup', 'python']);
    t.is(done.code, 0, show(done));
    t.regex(done.stderr, /setup-python: (up to date|ready)/);
    t.is(done.stdout, '');
  });
});

test('export and crosscheck without the Python environment: exit 1 saying how to set it up', async (t) => {
  const env = { ETBENCH_PYTHON: '/nonexistent/python' };
  const exported = await etbench(['export', 'exporter/etexport/zoo.py:ds_cnn', '--input-shape', '1,1,49,10', '--out', '/tmp/never.bpte'], env);
  t.is(exported.code, 1, show(exported));
  t.regex(exported.stderr, /\/nonexistent\/python does not exist or is not executable: run `etbench setup python`/);
  const checked = await etbench(['crosscheck', 'package.json'], env);
  t.is(checked.code, 1, show(checked));
  t.regex(checked.stderr, /run `etbench setup python`/);
});
