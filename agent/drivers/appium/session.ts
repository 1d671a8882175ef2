// One Appium session on one device, and the platform's commands for what the benchmark app
// contract (docs/devices.md) needs: files in the app's container, launch with the job argument,
// stop, device info, battery. iOS speaks XCUITest's `mobile:` methods, Android UiAutomator2's.

import type { remote } from 'webdriverio';
import type { AppiumDeviceConfig, AppiumServerConfig } from './config.js';

/** The job folder inside the app's container, as the app sees it. */
export const JOB_DIR = 'etbench/job';

type Browser = Awaited<ReturnType<typeof remote>>;

export class AppiumSession {
  private constructor(private readonly browser: Browser, readonly device: AppiumDeviceConfig) {}

  static async open(server: AppiumServerConfig, device: AppiumDeviceConfig, timeoutMs = 120_000): Promise<AppiumSession> {
    // Loaded on first use: webdriverio is large, and every `etbench` command loads this module.
    const { remote } = await import('webdriverio');
    const browser = await remote({
      ...server, logLevel: 'silent',
      // A refused connection is an answer (the server is gone): no retries that would hide it.
      connectionRetryCount: 0, connectionRetryTimeout: timeoutMs,
      capabilities: { ...device.capabilities, 'wdio:enforceWebDriverClassic': true } as WebdriverIO.Capabilities,
    });
    return new AppiumSession(browser, device);
  }

  /** What the server says the session is (UiAutomator2 adds deviceModel, platformVersion, deviceUDID...). */
  get capabilities(): Record<string, unknown> {
    return this.browser.capabilities as Record<string, unknown>;
  }

  /** A path in the app's container: iOS `@bundle:documents/...`, Android `@package/files/...` (run-as). */
  remotePath(file: string): string {
    const { app, platform } = this.device;
    return platform === 'ios' ? `@${app}:documents/${JOB_DIR}/${file}` : `@${app}/files/${JOB_DIR}/${file}`;
  }

  async push(file: string, data: Buffer): Promise<void> {
    await this.browser.pushFile(this.remotePath(file), data.toString('base64'));
  }

  async pull(file: string): Promise<Buffer> {
    return Buffer.from(await this.browser.pullFile(this.remotePath(file)), 'base64');
  }

  async mobile(method: string, args: Record<string, unknown> = {}): Promise<unknown> {
    return this.browser.executeScript(`mobile: ${method}`, [args]);
  }

  /** Starts the app with the job argument: iOS launch arguments, Android an intent extra. */
  async launch(): Promise<void> {
    const { app, activity, platform } = this.device;
    if (platform === 'ios') await this.mobile('launchApp', { bundleId: app, arguments: ['-etbench_job', JOB_DIR] });
    else await this.mobile('startActivity', { component: `${app}/${activity}`, extras: [['s', 'etbench_job', JOB_DIR]], wait: false });
  }

  async stop(): Promise<void> {
    const { app, platform } = this.device;
    await this.mobile('terminateApp', platform === 'ios' ? { bundleId: app } : { appId: app });
  }

  /** Removes the job folder (iOS deleteFolder; Android deleteFile on each file the job has). */
  async removeJob(files: readonly string[]): Promise<void> {
    if (this.device.platform === 'ios') await this.mobile('deleteFolder', { remotePath: this.remotePath('').replace(/\/$/, '') });
    else for (const f of files) await this.mobile('deleteFile', { remotePath: this.remotePath(f) }).catch(() => undefined);
  }

  /** True when the server and the session still answer (a failed pull then only means "no such file"). */
  async alive(): Promise<boolean> {
    try {
      await this.browser.getTimeouts();
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.browser.deleteSession();
  }
}
