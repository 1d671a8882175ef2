// Device selection for `etbench run --devices` in the embedded farm: this host, plus the
// emulated microcontroller when its toolchain is installed. Selectors have the fleet's grammar:
// `all`, a device id, or a KEY=VALUE tag.

import { mcuToolchain } from '../../native/mcu/index.js';
import { UsageError } from '../errors.js';
import type { Device } from './types.js';

export const HOST_DEVICE: Device = { id: 'host', kind: 'host', tags: { kind: 'host' } };
/** The qemu driver's device (agent/drivers/qemu). */
export const MCU_DEVICE: Device = { id: 'qemu-mps3-an547', kind: 'mcu', tags: { kind: 'mcu' } };

/**
 * Whether the embedded farm includes the emulated Cortex-M55: $ETBENCH_MCU=0 turns it off,
 * =1 insists on it; otherwise it is there when arm-none-eabi-g++ and qemu-system-arm are.
 */
export function embeddedMcu(env: NodeJS.ProcessEnv): boolean {
  const setting = env['ETBENCH_MCU'];
  if (setting === '0') return false;
  if (setting === '1') return true;
  return mcuToolchain().ok;
}

/** Devices this CLI can reach without an orchestrator. */
export function availableDevices(env: NodeJS.ProcessEnv = {}): Device[] {
  return embeddedMcu(env) ? [HOST_DEVICE, MCU_DEVICE] : [HOST_DEVICE];
}

function matches(device: Device, selector: string): boolean {
  if (selector === 'all' || selector === device.id) return true;
  const eq = selector.indexOf('=');
  return eq > 0 && device.tags[selector.slice(0, eq)] === selector.slice(eq + 1);
}

function describe(devices: readonly Device[]): string {
  return devices
    .map((d) => `${d.id} (${Object.entries(d.tags).map(([k, v]) => `${k}=${v}`).join(', ')})`)
    .join(', ');
}

/**
 * The devices the selectors name, each once, in availability order. Selectors may be given
 * comma-separated. Every selector must match something.
 * @throws UsageError naming the selector that matched nothing and listing what exists.
 */
export function selectDevices(selectors: readonly string[], available = availableDevices()): Device[] {
  const list = selectors.flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s !== '');
  if (list.length === 0) throw new UsageError('--devices is required: use --devices all');
  for (const selector of list) {
    if (!available.some((d) => matches(d, selector))) {
      const names = [...new Set(['all', ...available.flatMap((d) => [d.id, ...Object.entries(d.tags).map(([k, v]) => `${k}=${v}`)])])];
      throw new UsageError(
        `--devices: no device matches '${selector}'. Devices here: ${describe(available)}. ` +
          `Select with: ${names.join(', ')}.`,
      );
    }
  }
  return available.filter((d) => list.some((s) => matches(d, s)));
}
