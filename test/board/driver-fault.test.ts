// An error the driver returns inside the tick reaches JavaScript: a 'fault'
// event (source, HL_* code, count) and the span's driverErrors counter. The sim
// refuses a bit error rate of 0.5 (HL_ERANGE) when the tick applies it; that
// refusal used to vanish.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Engine } from '../../src/board/engine.ts';
import { SIM, nativeBoardClass } from '../../src/board/native.ts';
import type { BoardEvent } from '../../src/board/types.ts';

test('a driver error inside the tick becomes a fault event and a counter', () => {
  const Native = nativeBoardClass();
  const native = new Native(2, 10, [1, 0]);
  const engine = new Engine(native, 10, 'stepped');
  const evs: BoardEvent[] = [];
  engine.setDispatch((ev) => evs.push(ev));
  try {
    native.driver(1, SIM.BER, 0.5);
    native.step(2, false);
    engine.drainAll(false);
    const faults = evs.filter((e) => e.type === 'fault');
    assert.equal(
      faults.map((e) => (e.type === 'fault' ? [e.span, e.source, e.code, e.count] : [])),
      [[1, 'driver.control', 'HL_ERANGE', 1]],
    );
    assert.is(native.spanStatus(1).driverErrors, 1);
    assert.is(native.spanStatus(0).driverErrors, 0);
    assert.is(native.stats().driverErrors, 1);
  } finally {
    engine.close();
  }
});

test.run();
