// The qemu agent driver: discovers the emulated MCU, prepares a program's firmware and runs a job.

import { qemuDriver } from '../../agent/drivers/qemu/index.js';
import { BUNDLED } from '../helpers/fixtures.js';
import { mcuTest } from './helpers.js';

mcuTest('the qemu driver discovers one kind=mcu device and runs a bundled program on it', async (t) => {
  const [device] = qemuDriver.discover();
  if (device === undefined) return t.fail('no device discovered');
  t.is(device.tags['kind'], 'mcu');
  t.is(device.tags['cpu'], 'cortex-m55');
  const prepared = await qemuDriver.prepare(device, null, { path: BUNDLED });
  const run = await qemuDriver.run(device, { prepared });
  t.is(run.status, 'OK', run.problem ?? '');
  t.true((run.result?.cycles ?? 0) > 0);
  t.true(run.result?.correctness?.every((c) => c.pass));
});
