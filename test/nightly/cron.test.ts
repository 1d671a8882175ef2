import test from 'ava';
import { CronError, cronMatches, nextMatch, parseCron } from '../../cli/nightly/cron.js';

const at = (s: string): Date => new Date(`${s}Z`);

test('fields: lists, ranges, steps, and Sunday as 0 or 7', (t) => {
  const c = parseCron('*/15 2,14 1-10/3 * 7');
  t.deepEqual([...c.minutes], [0, 15, 30, 45]);
  t.deepEqual([...c.hours], [2, 14]);
  t.deepEqual([...c.days], [1, 4, 7, 10]);
  t.deepEqual([...c.weekdays], [0]);
  t.is(c.months.size, 12);
});

test('0 2 * * * matches 02:00 UTC every day and nothing else', (t) => {
  const c = parseCron('0 2 * * *');
  t.true(cronMatches(c, at('2026-12-07T02:00:00')));
  t.true(cronMatches(c, at('2026-12-07T02:00:59')));
  t.false(cronMatches(c, at('2026-12-07T02:01:00')));
  t.false(cronMatches(c, at('2026-12-07T03:00:00')));
  t.deepEqual(nextMatch(c, at('2026-12-07T02:00:00')), at('2026-12-08T02:00:00'));
  t.deepEqual(nextMatch(c, at('2026-12-07T01:59:30')), at('2026-12-07T02:00:00'));
});

test('both day fields restricted: either matches (classic cron); one restricted: it alone decides', (t) => {
  const either = parseCron('0 0 13 * 5'); // the 13th, or any Friday
  t.true(cronMatches(either, at('2026-12-13T00:00:00'))); // a Sunday the 13th
  t.true(cronMatches(either, at('2026-12-11T00:00:00'))); // a Friday the 11th
  t.false(cronMatches(either, at('2026-12-12T00:00:00')));
  const weekdays = parseCron('30 6 * * 1-5');
  t.true(cronMatches(weekdays, at('2026-12-07T06:30:00'))); // Monday
  t.false(cronMatches(weekdays, at('2026-12-06T06:30:00'))); // Sunday
  t.deepEqual(nextMatch(weekdays, at('2026-12-11T07:00:00')), at('2026-12-14T06:30:00')); // Fri -> Mon
});

test('month and impossible dates', (t) => {
  t.deepEqual(nextMatch(parseCron('0 0 29 2 *'), at('2026-03-01T00:00:00')), at('2028-02-29T00:00:00'));
  t.is(nextMatch(parseCron('0 0 31 2 *'), at('2026-01-01T00:00:00')), null);
});

test('bad expressions name the field and the part', (t) => {
  t.throws(() => parseCron('0 2 * *'), { instanceOf: CronError, message: /expected 5 fields .* got 4/ });
  t.throws(() => parseCron('60 2 * * *'), { instanceOf: CronError, message: /minute field '60': 60 is outside 0-59/ });
  t.throws(() => parseCron('0 2 * * mon'), { instanceOf: CronError, message: /day of week field 'mon': 'mon' is not/ });
  t.throws(() => parseCron('0 5-2 * * *'), { instanceOf: CronError, message: /hour field '5-2'/ });
  t.throws(() => parseCron('*/0 * * * *'), { instanceOf: CronError, message: /step must be at least 1/ });
});
