// The phone's screen and idle state from `dumpsys power` lines (agent/drivers/adb/screen.ts).

import test from 'ava';
import { parseScreen } from '../../agent/drivers/adb/screen.js';
import { parseProbe } from '../../agent/drivers/remote/index.js';

test('screen state: wakefulness, display power and doze from dumpsys power; nothing said is null', (t) => {
  const probe = parseProbe(['@@loadavg', '0.1 0.2 0.3 1/2 3', '@@power', '  mWakefulness=Asleep', '  mDeviceIdleMode=true', 'Display Power: state=OFF', ''].join('\n'));
  t.deepEqual(parseScreen(probe.sections.get('power') ?? ''), { wakefulness: 'Asleep', display: 'OFF', device_idle: true });
  t.deepEqual(parseScreen('mWakefulness=Awake\nDisplay Power: state=ON\n'), { wakefulness: 'Awake', display: 'ON', device_idle: null });
  t.is(parseScreen(''), null);
  t.is(parseScreen('sh: dumpsys: not found'), null);
});
