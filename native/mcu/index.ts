// The microcontroller target on the TypeScript side: build a program's
// firmware (cached by hash under $ETBENCH_HOME/mcu/) and run it under QEMU
// on an emulated Cortex-M55 (mps3-an547). docs/mcu.md explains the pieces.
//
//   import { mcuToolchain, ensureFirmware, runFirmware } from '../native/mcu/index.js';
//
//   if (!mcuToolchain().ok) throw new Error('install gcc-arm-none-eabi ... qemu-system-arm');
//   const fw = await ensureFirmware('kws.pte');            // builds once, then reuses
//   const r = await runFirmware(fw.elf, 'kws.pte', { inputs: 'mfcc.json', printOutputs: true });
//   console.log(r.code, r.result?.['cycles'], r.ram?.arenaUsed);   // exit code, emulated instructions, RAM
//
// The JSON in r.result is the runner contract's document (validate it with
// validateRunnerResult from native/runner/index.js); `cycles` counts emulated
// instructions, and the time fields are null.

export { MCU_PACKAGES, mcuToolchain, type McuToolchain } from './host/toolchain.js';
export { buildCoreOnly, ensureFirmware, etbenchHome, programOperators, type Firmware } from './host/firmware.js';
export { footprint, flashByPart, type FirmwarePart, type Footprint } from './host/size.js';
export { runFirmware, type McuRam, type McuRunOptions, type McuRunResult } from './host/qemu.js';
export { inputsFileBytes } from './host/inputs-file.js';
export { etrunMcu } from './host/cli.js';
