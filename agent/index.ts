// agent/ — the process beside the devices: connects to an orchestrator, advertises the devices
// its drivers find, runs jobs through the driver interface (drivers/driver.ts).
//
//   import { Agent, HostDriver } from '../agent/index.js';
//   const agent = new Agent({ orchestrator: 'lab:50051', token, drivers: [new HostDriver()], cacheDir: '.etbench/cache' });
//   await agent.start();   // reconnects by itself; agent.finished() rejects on a refusal

export { Agent, type AgentOptions } from './agent.js';
export { ArtifactCache } from './cache.js';
export { DeviceLostError, type DeviceDriver, type DriverJob, type DriverOutcome } from './drivers/driver.js';
export { HostDriver, outcomeOf, type HostDriverOptions } from './drivers/host/driver.js';
export { SimDriver, type SimDriverOptions } from './drivers/sim/index.js';
export { QemuFarmDriver, MCU_PROGRAM_FLASH_BYTES, type QemuFarmDriverOptions } from './drivers/qemu/driver.js';
