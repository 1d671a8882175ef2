// The phone's screen and idle state, recorded with its conditions: a phone whose screen is off
// may be dozing, with its clocks and scheduler in a power-saving mode. Read from
// `dumpsys power` in the same shell round trip as the /proc and /sys probe.

/** Appended to the probe command: its output becomes the probe's `power` section. */
export const SCREEN_PROBE = "echo '@@power'; dumpsys power 2>/dev/null | grep -E 'mWakefulness=|Display Power: state=|mDeviceIdleMode=' ; true";

export interface ScreenState {
  /** Awake, Asleep, Dreaming or Dozing (PowerManager's wakefulness). */
  wakefulness: string | null;
  /** ON, OFF, DOZE... as the display power state says. */
  display: string | null;
  /** Doze (device idle) mode, when dumpsys says. */
  device_idle: boolean | null;
}

/** The screen state from the `power` section; null when dumpsys said nothing (not Android, or no permission). */
export function parseScreen(text: string): ScreenState | null {
  const field = (re: RegExp): string | null => re.exec(text)?.[1]?.trim() ?? null;
  const wakefulness = field(/mWakefulness=(\w+)/);
  const display = field(/Display Power: state=(\w+)/);
  const idle = field(/mDeviceIdleMode=(\w+)/);
  if (wakefulness === null && display === null && idle === null) return null;
  return { wakefulness, display, device_idle: idle === null ? null : idle === 'true' };
}
