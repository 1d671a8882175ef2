// The appium driver's configuration: the server URL and each device's capabilities, with errors
// that name the flag or file, the device and what is wrong. No server needed.

import test from 'ava';
import { parseAppiumDevice, parseAppiumDevices, parseAppiumUrl } from '../../agent/drivers/appium/index.js';

const IOS = { platformName: 'iOS', 'appium:automationName': 'XCUITest', 'appium:udid': '00008110-A', 'appium:bundleId': 'org.etbench.bench' };
const ANDROID = { platformName: 'Android', 'appium:automationName': 'UiAutomator2', 'appium:udid': 'R5CT', 'appium:appPackage': 'org.etbench.bench', 'appium:appActivity': '.Bench' };

test('the server URL becomes webdriverio host, port and base path', (t) => {
  t.deepEqual(parseAppiumUrl('http://10.0.0.5:4723'), { protocol: 'http', hostname: '10.0.0.5', port: 4723, path: '/' });
  t.deepEqual(parseAppiumUrl('https://grid.lab/wd/hub'), { protocol: 'https', hostname: 'grid.lab', port: 443, path: '/wd/hub' });
  t.throws(() => parseAppiumUrl('127.0.0.1:4723'), { message: /--appium must be (the Appium server's URL|an http:\/\/ or https:\/\/ URL).*got '127.0.0.1:4723'/ });
  t.throws(() => parseAppiumUrl('ftp://x:1'), { message: "--appium must be an http:// or https:// URL, got 'ftp://x:1'" });
});

test('a device: platform, udid (the unit id) and the app from the standard capabilities', (t) => {
  t.like(parseAppiumDevice(IOS, 'd'), { platform: 'ios', udid: '00008110-A', app: 'org.etbench.bench', activity: null });
  t.like(parseAppiumDevice(ANDROID, 'd'), { platform: 'android', udid: 'R5CT', app: 'org.etbench.bench', activity: '.Bench' });
  t.is(parseAppiumDevice(ANDROID, 'd').capabilities, ANDROID, 'sent to Appium unchanged');
});

test('what is wrong with a device is named, with where it came from', (t) => {
  const bad: [unknown, string][] = [
    [[], 'x: expected a JSON object of Appium capabilities'],
    [{ ...IOS, platformName: 'tvOS' }, 'x: platformName must be "iOS" or "Android", got "tvOS"'],
    [{ ...IOS, 'appium:automationName': undefined }, 'x: "appium:automationName" is missing (XCUITest, UiAutomator2, ...)'],
    [{ ...IOS, 'appium:udid': '' }, `x: "appium:udid" is missing (the device's UDID or serial: it is the unit_id)`],
    [{ ...IOS, 'appium:bundleId': undefined }, 'x: "appium:bundleId" is missing (the benchmark app)'],
    [{ ...ANDROID, 'appium:appPackage': undefined }, 'x: "appium:appPackage" is missing (the benchmark app)'],
    [{ ...ANDROID, 'appium:appActivity': undefined }, 'x: "appium:appActivity" is missing (the activity that takes the etbench_job extra)'],
  ];
  for (const [value, message] of bad) t.throws(() => parseAppiumDevice(value, 'x'), { message });
});

test('flags and a file together; bad JSON and a device given twice are refused', (t) => {
  const devices = parseAppiumDevices([JSON.stringify(IOS)], { name: 'phones.json', text: JSON.stringify([ANDROID]) });
  t.deepEqual(devices.map((d) => d.udid), ['00008110-A', 'R5CT']);
  t.throws(() => parseAppiumDevices(['{"platformName":'], null), { message: /^--appium-device #1 is not JSON: / });
  t.throws(() => parseAppiumDevices([], { name: 'phones.json', text: '{}' }), { message: 'phones.json: expected a JSON array of capability objects' });
  t.throws(() => parseAppiumDevices([], { name: 'phones.json', text: JSON.stringify([IOS, { ...IOS, platformName: 'x' }]) }), { message: /^phones.json\[1\]: platformName/ });
  t.throws(() => parseAppiumDevices([JSON.stringify(IOS)], { name: 'p.json', text: JSON.stringify([IOS]) }), { message: 'appium device 00008110-A is given twice' });
});
