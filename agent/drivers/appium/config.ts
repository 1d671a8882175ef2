// What the agent is told about app-only devices: an Appium server and, per device, the W3C
// capabilities that open a session on it (`etbench agent --appium URL --appium-device JSON` or
// `--appium-devices FILE`). The capabilities name the benchmark app the standard Appium way:
// `appium:bundleId` on iOS, `appium:appPackage` + `appium:appActivity` on Android.

export type AppiumPlatform = 'ios' | 'android';

export interface AppiumDeviceConfig {
  /** Sent as the session's alwaysMatch capabilities, unchanged. */
  capabilities: Record<string, unknown>;
  platform: AppiumPlatform;
  /** The device's UDID (iOS) or serial (Android): its unit_id. */
  udid: string;
  /** The benchmark app: iOS bundle id or Android package. */
  app: string;
  /** Android only: the activity that starts a job. */
  activity: string | null;
}

export interface AppiumServerConfig {
  protocol: 'http' | 'https';
  hostname: string;
  port: number;
  path: string;
}

/** `http://HOST:PORT[/base]` as webdriverio wants it; the error names what is wrong. */
export function parseAppiumUrl(url: string): AppiumServerConfig {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`--appium must be the Appium server's URL (http://HOST:PORT), got '${url}'`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`--appium must be an http:// or https:// URL, got '${url}'`);
  const port = u.port === '' ? (u.protocol === 'https:' ? 443 : 80) : Number(u.port);
  return { protocol: u.protocol === 'https:' ? 'https' : 'http', hostname: u.hostname, port, path: u.pathname === '' ? '/' : u.pathname };
}

const str = (caps: Record<string, unknown>, key: string): string | null => {
  const v = caps[key] ?? caps[key.replace(/^appium:/, '')];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
};

/**
 * One device's capabilities (a JSON object) checked for what the driver needs.
 * @param where names the source in errors (`--appium-device #2`, `devices.json[0]`).
 */
export function parseAppiumDevice(value: unknown, where: string): AppiumDeviceConfig {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${where}: expected a JSON object of Appium capabilities`);
  const caps = value as Record<string, unknown>;
  const platformName = str(caps, 'platformName');
  const platform = platformName?.toLowerCase();
  if (platform !== 'ios' && platform !== 'android') throw new Error(`${where}: platformName must be "iOS" or "Android", got ${JSON.stringify(caps['platformName'] ?? null)}`);
  if (str(caps, 'appium:automationName') === null) throw new Error(`${where}: "appium:automationName" is missing (XCUITest, UiAutomator2, ...)`);
  const udid = str(caps, 'appium:udid');
  if (udid === null) throw new Error(`${where}: "appium:udid" is missing (the device's UDID or serial: it is the unit_id)`);
  const app = str(caps, platform === 'ios' ? 'appium:bundleId' : 'appium:appPackage');
  if (app === null) throw new Error(`${where}: "${platform === 'ios' ? 'appium:bundleId' : 'appium:appPackage'}" is missing (the benchmark app)`);
  const activity = platform === 'android' ? str(caps, 'appium:appActivity') : null;
  if (platform === 'android' && activity === null) throw new Error(`${where}: "appium:appActivity" is missing (the activity that takes the etbench_job extra)`);
  return { capabilities: caps, platform, udid, app, activity };
}

/** `--appium-device` values (each one JSON object) and the `--appium-devices` file's text (a JSON array). */
export function parseAppiumDevices(flags: readonly string[], file: { name: string; text: string } | null): AppiumDeviceConfig[] {
  const devices = flags.map((json, i) => {
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch (e) {
      throw new Error(`--appium-device #${i + 1} is not JSON: ${(e as Error).message}`);
    }
    return parseAppiumDevice(value, `--appium-device #${i + 1}`);
  });
  if (file !== null) {
    let list: unknown;
    try {
      list = JSON.parse(file.text);
    } catch (e) {
      throw new Error(`${file.name} is not JSON: ${(e as Error).message}`);
    }
    if (!Array.isArray(list)) throw new Error(`${file.name}: expected a JSON array of capability objects`);
    list.forEach((v, i) => devices.push(parseAppiumDevice(v, `${file.name}[${i}]`)));
  }
  const seen = new Set<string>();
  for (const d of devices) {
    if (seen.has(d.udid)) throw new Error(`appium device ${d.udid} is given twice`);
    seen.add(d.udid);
  }
  return devices;
}
