// A test-only Appium driver (installed with `appium driver install --source=local`): it plays an
// app-only phone. The phone's app container is a sandbox folder, pushFile/pullFile read and write
// there, and "launching the benchmark app" runs app.mjs, the stand-in that does what the real app
// must (docs/devices.md). Each capability that says how to fake the phone starts with etbench.
// CommonJS because Appium loads the driver's main file with require().

'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { BaseDriver, errors } = require('@appium/base-driver');

const APP = path.join(__dirname, 'app.mjs');
const REPO = path.resolve(__dirname, '..', '..', '..');

/** `@com.example.app/files/etbench/job/x` or `@com.example.app:documents/etbench/job/x` -> the sandbox path. */
function sandboxPath(root, remote) {
  const m = /^@([^/:]+)(?::[^/]+)?\/(.*)$/.exec(remote);
  if (m === null) throw new errors.InvalidArgumentError(`loopback: '${remote}' is not in an app container (@APP/... or @APP:documents/...)`);
  const inside = path.resolve(root, m[1], m[2].replace(/^files\//, ''));
  if (!inside.startsWith(path.resolve(root) + path.sep)) throw new errors.InvalidArgumentError(`loopback: '${remote}' leaves the container`);
  return inside;
}

class LoopbackDriver extends BaseDriver {
  static executeMethodMap = {
    'mobile: deviceInfo': { command: 'deviceInfo' },
    'mobile: batteryInfo': { command: 'batteryInfo' },
    'mobile: startActivity': { command: 'startActivity', params: { optional: ['component', 'intent', 'extras', 'wait'] } },
    'mobile: launchApp': { command: 'launchApp', params: { required: ['bundleId'], optional: ['arguments', 'environment'] } },
    'mobile: terminateApp': { command: 'terminateApp', params: { optional: ['bundleId', 'appId'] } },
    'mobile: deleteFile': { command: 'deleteFile', params: { required: ['remotePath'] } },
    'mobile: deleteFolder': { command: 'deleteFolder', params: { required: ['remotePath'] } },
  };

  constructor(opts = {}, shouldValidateCaps = true) {
    super(opts, shouldValidateCaps);
    this.desiredCapConstraints = {
      platformName: { presence: true, isString: true },
      udid: { presence: true, isString: true },
      etbenchSandbox: { presence: true, isString: true },
      etbenchAbi: { isString: true },
      deviceModel: { isString: true },
      platformVersion: { isString: true },
      etbenchBattery: { isNumber: true },
      // For tests of the driver's error paths: 'malformed-result' and 'bad-exit-code' make the app
      // write a broken result.json or exit_code; 'not-installed' refuses to launch it.
      etbenchFault: { isString: true },
    };
  }

  async createSession(...args) {
    const [sessionId, caps] = await super.createSession(...args);
    fs.mkdirSync(this.opts.etbenchSandbox, { recursive: true });
    return [sessionId, { ...caps, deviceUDID: this.opts.udid, deviceModel: this.opts.deviceModel ?? 'Loopback Phone' }];
  }

  async execute(script, args) {
    return await this.executeMethod(script, args);
  }

  async pushFile(remote, base64) {
    const file = sandboxPath(this.opts.etbenchSandbox, remote);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, Buffer.from(base64, 'base64'));
  }

  async pullFile(remote) {
    const file = sandboxPath(this.opts.etbenchSandbox, remote);
    if (!fs.existsSync(file)) throw new errors.UnknownError(`The remote file '${remote}' does not exist`);
    return fs.readFileSync(file).toString('base64');
  }

  async deleteFile(remotePath) {
    fs.rmSync(sandboxPath(this.opts.etbenchSandbox, remotePath), { force: true });
  }

  async deleteFolder(remotePath) {
    fs.rmSync(sandboxPath(this.opts.etbenchSandbox, remotePath), { recursive: true, force: true });
  }

  async deviceInfo() {
    const android = this.opts.platformName.toLowerCase() === 'android';
    return {
      model: this.opts.deviceModel ?? 'Loopback Phone', manufacturer: 'Etbench', platformVersion: this.opts.platformVersion ?? '14',
      ...(android ? { apiVersion: '34', abi: this.opts.etbenchAbi ?? 'x86_64' } : { abi: this.opts.etbenchAbi ?? 'arm64' }),
    };
  }

  async batteryInfo() {
    return { level: this.opts.etbenchBattery ?? 0.8, state: 2 };
  }

  /** Android: `mobile: startActivity` with the extra etbench_job. */
  async startActivity(component, intent, extras) {
    const job = (extras ?? []).find((e) => e[1] === 'etbench_job');
    if (job === undefined) throw new errors.InvalidArgumentError('loopback: startActivity without the etbench_job extra');
    this.runApp((component ?? intent ?? '').split('/')[0], job[2]);
  }

  /** iOS: `mobile: launchApp` with the launch arguments -etbench_job DIR. */
  async launchApp(bundleId, args) {
    const i = (args ?? []).indexOf('-etbench_job');
    if (i < 0 || args[i + 1] === undefined) throw new errors.InvalidArgumentError('loopback: launchApp without -etbench_job DIR');
    this.runApp(bundleId, args[i + 1]);
  }

  async terminateApp(bundleId, appId) {
    return this.stopApp(bundleId ?? appId);
  }

  /**
   * The running app's pid is kept in its container (.running-pid), as the phone's OS knows its
   * running apps across Appium sessions and servers: an app a lost job left running is still
   * there for the next session to terminate.
   */
  pidFile(appId) {
    return path.join(this.opts.etbenchSandbox, appId, '.running-pid');
  }

  runningPid(appId) {
    let pid;
    try {
      pid = Number(fs.readFileSync(this.pidFile(appId), 'utf8'));
      process.kill(pid, 0);
    } catch {
      return null;
    }
    return pid;
  }

  /**
   * Starts app.mjs in the app's container folder; the etrun it "links" is picked by the phone's
   * ABI. Like a real launch, launching an app that already runs starts nothing new.
   */
  runApp(appId, jobDir) {
    if (this.opts.etbenchFault === 'not-installed') throw new errors.UnknownError(`loopback: the app ${appId} is not installed`);
    if (this.runningPid(appId) !== null) return;
    const arm = /^(arm64|arm64-v8a|aarch64)$/.test(this.opts.etbenchAbi ?? 'x86_64');
    const etrun = path.join(REPO, 'build', 'native', arm ? 'aarch64' : 'release', 'etrun');
    const container = path.join(this.opts.etbenchSandbox, appId);
    fs.mkdirSync(container, { recursive: true });
    const runner = arm ? ['qemu-aarch64', etrun] : [etrun];
    const child = spawn(process.execPath, [APP, path.resolve(container, jobDir), ...runner], {
      cwd: container, stdio: 'ignore', detached: true, env: { ...process.env, ETBENCH_LOOPBACK_FAULT: this.opts.etbenchFault ?? '' },
    });
    child.on('error', () => undefined);
    child.unref();
    fs.writeFileSync(this.pidFile(appId), String(child.pid));
  }

  /** Kills the app's process group (the stand-in and its etrun); false when it was not running. */
  stopApp(appId) {
    const pid = this.runningPid(appId);
    fs.rmSync(this.pidFile(appId), { force: true });
    if (pid === null) return false;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      return false;
    }
    return true;
  }
}

module.exports = { LoopbackDriver };
