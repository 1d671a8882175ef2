// Device selection for `etbench run --devices`. Today the only device is this host; selectors
// already have the fleet's grammar: `all`, a device id, or a KEY=VALUE tag.

import { UsageError } from '../errors.js';
import type { Device } from './types.js';

export const HOST_DEVICE: Device = { id: 'host', kind: 'host', tags: { kind: 'host' } };

/** Devices this CLI can reach without an orchestrator. */
export function availableDevices(): Device[] {
  return [HOST_DEVICE];
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
