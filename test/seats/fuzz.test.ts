// Bounded fuzz of the seat socket on 127.0.0.1: random, mutated and valid
// messages from an agent, a supervisor and a socket that never logged in.
// Every message gets exactly one reply; an independent model of the two
// agents' states predicts which operations succeed and what state follows,
// so a wrongly accepted or wrongly refused message, or a state that drifts
// from what the seats were told, fails the test.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Sfc32 } from '../../src/acd/rng.ts';
import { Client, loggedIn, rig, type Msg } from './_harness.ts';

const MESSAGES = 1500;

interface Model {
  state: 'loggedOut' | 'notReady' | 'ready';
  reason?: string;
  kept?: string;
}

test('random and mutated messages: one reply each, no state drift, the server still answers', async () => {
  const r = await rig();
  const rng = new Sfc32(12315);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)];
  try {
    r.acd.login('1002', { ready: true });
    const agent = await loggedIn(r, '1001');
    const sup = await loggedIn(r, '2001');
    const anon = await Client.open(r.server.seatUrl);
    const model: Record<string, Model> = { '1001': { state: 'loggedOut' }, '1002': { state: 'ready' } };

    const reasons = ['meal', 'training', '临时闭席', 'x'.repeat(64), 'x'.repeat(65), '', 7, null];
    const types = ['acd-login', 'acd-logout', 'ready', 'not-ready', 'wrap-up-end', 'snapshot', 'wallboard', 'force-not-ready', 'force-logout', 'ping', 'login', 'resume', 'nope', '__proto__', 'constructor'];
    const junk = (): unknown => pick([() => rng.next(), () => 'x'.repeat(Math.floor(rng.next() * 300)), () => null, () => [1, 2], () => ({}), () => true, () => ({ __proto__: { type: 'ready' } }), () => -1e308])();
    const valid = (type: string): Record<string, unknown> => {
      const m: Record<string, unknown> = { id: `f${Math.floor(rng.next() * 1e9)}`, type };
      if (type === 'acd-login' && rng.next() < 0.5) m.ready = rng.next() < 0.5;
      if (type === 'not-ready' || type === 'force-not-ready') m.reason = pick(reasons);
      if (type.startsWith('force-')) m.agentId = pick(['1002', '1002', '1001', 'ghost', '../etc']);
      if (type === 'wallboard' && rng.next() < 0.3) m.live = rng.next() < 0.5;
      if (type === 'login') Object.assign(m, { agentId: '1001', password: 'guess-guess' });
      if (type === 'resume') m.token = 'A'.repeat(32);
      return m;
    };
    const mutate = (m: Record<string, unknown>): string => {
      const k = pick(Object.keys(m).concat(['extra', 'id']));
      switch (Math.floor(rng.next() * 5)) {
        case 0: delete m[k]; break;
        case 1: m[k] = junk(); break;
        case 2: return JSON.stringify(m).slice(0, Math.floor(rng.next() * 40));
        case 3: return JSON.stringify([m]);
        default: m.extra = junk();
      }
      return JSON.stringify(m);
    };

    let applied = 0;
    let refused = 0;
    for (let i = 0; i < MESSAGES; i++) {
      // Agent 1002 has no seat here; put him back when the supervisor logged him out.
      if (model['1002'].state === 'loggedOut' && rng.next() < 0.2) {
        r.acd.login('1002', { ready: true });
        model['1002'] = { state: 'ready' };
      }
      const who = pick([agent, agent, sup, anon]);
      // The supervisor acts on 1002 (forcing), the agent on himself: the model keeps each apart.
      const type = pick(types);
      const m = valid(type);
      if (who === sup && type.startsWith('force-') && m.agentId === '1001') m.agentId = '1002';
      const roll = rng.next();
      const text = roll < 0.45 ? JSON.stringify(m) : roll < 0.9 ? mutate(m) : String.fromCharCode(...Array.from({ length: Math.floor(rng.next() * 20) }, () => Math.floor(rng.next() * 0x3000)));
      const replies = who.got.filter((x) => x.type === 'reply').length;
      who.sendRaw(text);
      const rep: Msg = await who.until(() => who.got.filter((x) => x.type === 'reply')[replies], `reply ${i} to ${text.slice(0, 60)}`);
      let sent: Record<string, unknown> | null = null;
      try {
        sent = JSON.parse(text);
      } catch {}
      if (who === anon) assert.not.ok(rep.ok && !['ping'].includes(String(sent?.type)), `anonymous ${text} accepted`);
      const target = who === agent ? '1001' : who === sup && typeof sent?.agentId === 'string' ? sent.agentId : null;
      if (!target || !model[target] || !sent) continue;
      const mod = model[target];
      const t = String(sent.type);
      // What the model says of a schema-valid operation: allowed, and the next state.
      let next: Model | 'refused' | null = null;
      if (who === agent && t === 'acd-login') next = mod.state !== 'loggedOut' ? 'refused' : sent.ready === true ? { state: 'ready' } : { state: 'notReady', reason: mod.kept ?? 'login', kept: mod.kept };
      else if ((who === agent && t === 'acd-logout') || (who === sup && t === 'force-logout')) next = mod.state === 'loggedOut' ? 'refused' : { state: 'loggedOut', kept: mod.state === 'notReady' ? mod.reason : undefined };
      else if (who === agent && t === 'ready') next = mod.state === 'loggedOut' ? 'refused' : { state: 'ready' };
      else if ((who === agent && t === 'not-ready') || (who === sup && t === 'force-not-ready')) next = mod.state === 'loggedOut' ? 'refused' : { state: 'notReady', reason: String(sent.reason), kept: mod.kept };
      else if (who === agent && t === 'wrap-up-end') next = 'refused';
      if (next === null) continue;
      if (rep.ok) {
        assert.ok(next !== 'refused', `${text} accepted for ${target} in ${mod.state}`);
        model[target] = next as Model;
        applied++;
        assert.equal([rep.result.state, rep.result.reason], [(next as Model).state, (next as Model).state === 'notReady' ? (next as Model).reason : undefined], text);
      } else if (rep.code === 'ACD_STATE_REFUSED') {
        assert.is(next, 'refused', `${text} refused for ${target} in ${mod.state}: ${rep.message}`);
        refused++;
      }
      else assert.match(String(rep.code), /^SEAT_(BAD_MESSAGE|UNKNOWN_TYPE)$/, `${text}: ${rep.code}`);
    }

    // The model was exercised both ways, not skipped.
    assert.ok(applied >= 30 && refused >= 30, `applied ${applied}, refused ${refused}`);
    assert.equal(r.acd.check(), []);
    for (const [id, mod] of Object.entries(model)) {
      const a = r.acd.agent(id);
      assert.equal([a.state, a.reason], [mod.state, mod.state === 'notReady' ? mod.reason : undefined], `agent ${id}`);
    }
    // What the agent's seat was told matches the ACD, with no gap in seq.
    const evs = agent.events();
    assert.equal(evs.map((e) => e.seq), evs.map((_, i) => i + 1));
    const last = agent.events('agent-state').at(-1);
    if (last) assert.is(last.data.state, r.acd.agent('1001').state);
    // Still answering, and a too-large frame closes only that socket.
    const big = await Client.open(r.server.seatUrl);
    big.sendRaw(JSON.stringify({ id: 'x', type: 'ping', pad: 'y'.repeat(70_000) }));
    await big.until(() => big.closed ?? undefined, 'close of an oversized frame');
    assert.is(big.closed!.code, 1009);
    const fresh = await Client.open(r.server.seatUrl);
    assert.ok((await fresh.ask('ping')).ok);
    assert.ok((await agent.ask('ping')).ok);
    for (const c of [agent, sup, anon, fresh]) await c.close();
  } finally {
    await r.close();
  }
});

test.run();
