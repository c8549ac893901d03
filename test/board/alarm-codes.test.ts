// A span alarm reaches the technician as its native code and the .def's
// sentence (what to check): `hotline start` logs describeAlarm() lines.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { describeAlarm, openBoard } from '../../src/board/index.ts';
import type { AlarmEvent } from '../../src/board/types.ts';

test('a pulled cable is logged as HL_E1_LOS with what to check, and its clearing too', async () => {
  const board = await openBoard(new URL('../../boards/sim-e1x2.json', import.meta.url).pathname, { mode: 'stepped' });
  try {
    const alarms: AlarmEvent[] = [];
    board.events$.subscribe((e) => e.type === 'alarm' && alarms.push(e));
    board.spans[1].setCable(false);
    await board.advance(200);
    board.spans[1].setCable(true);
    await board.advance(2000);
    const lines = alarms.filter((a) => a.alarm === 'los').map(describeAlarm);
    assert.equal(lines, ['span 1 alarm: HL_E1_LOS: loss of signal on the E1 span: check the cable and the far end', 'span 1 alarm cleared: HL_E1_LOS']);
  } finally {
    await board.close();
  }
});

test.run();
