// The ssh/adb drivers behind the agent's DeviceDriver interface: a ready device's capabilities
// and ISA features are what the etrun pushed to it answers (`--capabilities` run there); the
// host etrun's stand in only when the device cannot be asked.

import test from 'ava';
import { RemoteFarmDriver, type RemoteDriverLike } from '../../agent/drivers/remote/farm-driver.js';

interface FakeDevice { id: string; unitId: string | null; state: string; problem: string | null; tags: Record<string, string> }

const HOST = { kernelSets: [{ name: 'portable', operators: ['aten::add.out', 'aten::mul.out'] }], backends: ['XnnpackBackend'] };
const PHONE_CAPS = {
  runtime: { version: '0.1.0', git: 'abc', isa: ['neon'], build: 'release' },
  kernel_sets: [{ name: 'portable', operators: [{ name: 'aten::add.out' }] }, { name: 'optimized', operators: [{ name: 'aten::mm.out' }] }],
  backends: [],
};

function fake(answer: () => Promise<string>): RemoteDriverLike<FakeDevice> {
  return {
    name: 'fake',
    discover: async () => [{ id: 'p1', unitId: 'serial-1', state: 'device', problem: null, tags: {} }],
    facts: async () => ({ arch: 'aarch64', os: 'android', cpu_model: 'X', cores: 8, mem_total_bytes: 1 } as never),
    conditions: async () => ({}),
    prepare: async () => { throw new Error('not used'); },
    run: async () => { throw new Error('not used'); },
    cleanup: async () => undefined,
    runtimeCapabilities: answer,
  };
}

test('a ready device reports the capabilities and ISA of the etrun on it', async (t) => {
  const driver = new RemoteFarmDriver(fake(async () => JSON.stringify(PHONE_CAPS)), { kind: 'phone', hostCapabilities: HOST, readyState: 'device' });
  const [device] = await driver.discover();
  t.deepEqual(device?.capabilities, {
    kernelSets: [{ name: 'portable', operators: ['aten::add.out'] }, { name: 'optimized', operators: ['aten::mm.out'] }],
    backends: [],
  });
  t.deepEqual(device?.features, ['neon']);
  t.is(device?.runtime?.abi, 'linux-arm64');
});

test('a device that cannot be asked (no answer, or not JSON) falls back to the host etrun\'s capabilities', async (t) => {
  for (const answer of [async () => { throw new Error('no aarch64 build'); }, async () => 'Segmentation fault']) {
    const driver = new RemoteFarmDriver(fake(answer), { kind: 'phone', hostCapabilities: HOST, readyState: 'device' });
    const [device] = await driver.discover();
    t.deepEqual(device?.capabilities, HOST);
    t.deepEqual(device?.features, []);
  }
});
