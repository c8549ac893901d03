// The seat protocol over a real socket on 127.0.0.1: login, snapshot, agent
// operations, roles, sessions, rate limit, reconnect.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Client, loggedIn, PASSWORD, rig } from './_harness.ts';
import { eventually } from '../_wait.ts';

test('login gives a token, a snapshot with seq 1, and agent operations change the ACD state', async () => {
  const r = await rig();
  try {
    const c = await Client.open(r.server.seatUrl);
    const rep = await c.ask('login', { agentId: '1001', password: PASSWORD });
    assert.ok(rep.ok, JSON.stringify(rep));
    assert.is(rep.result.role, 'agent');
    assert.ok(rep.result.token.length >= 32);
    const snap = await c.until(() => c.events('snapshot')[0], 'snapshot');
    assert.is(snap.seq, 1);
    assert.is(snap.data.agent.state, 'loggedOut');
    assert.equal(snap.data.queues.map((q: { queue: string }) => q.queue), ['agents']);

    let x = await c.ask('acd-login');
    assert.is(x.result.state, 'notReady');
    x = await c.ask('ready');
    assert.is(x.result.state, 'ready');
    assert.is(r.acd.agent('1001').state, 'ready');
    r.clock.advance(5000);
    x = await c.ask('not-ready', { reason: '临时闭席' });
    assert.equal([x.result.state, x.result.reason], ['notReady', '临时闭席']);
    // Each change was pushed as an event, seq counting up with no gap.
    const evs = c.events();
    assert.equal(evs.map((e) => e.seq), evs.map((_, i) => i + 1));
    assert.equal(c.events('agent-state').map((e) => e.data.state), ['notReady', 'ready', 'notReady']);
    x = await c.ask('wrap-up-end');
    assert.is(x.code, 'ACD_STATE_REFUSED');
    x = await c.ask('acd-logout');
    assert.is(x.result.state, 'loggedOut');
    assert.equal(r.acd.check(), []);
    await c.close();
  } finally {
    await r.close();
  }
});

test('bad, unknown, unauthenticated and forbidden messages get their code and change nothing', async () => {
  const r = await rig();
  try {
    const c = await Client.open(r.server.seatUrl);
    c.sendRaw('{not json');
    await c.until(() => c.got.find((m) => m.code === 'SEAT_BAD_MESSAGE' && m.id === null), 'bad JSON reply');
    assert.is((await c.ask('teleport')).code, 'SEAT_UNKNOWN_TYPE');
    assert.is((await c.ask('ready')).code, 'SEAT_NOT_LOGGED_IN');
    assert.is((await c.ask('login', { agentId: '1001' })).code, 'SEAT_BAD_MESSAGE');
    assert.is((await c.ask('login', { agentId: '1001', password: PASSWORD, extra: 1 })).code, 'SEAT_BAD_MESSAGE');
    assert.ok((await c.ask('login', { agentId: '1001', password: PASSWORD })).ok);
    assert.is((await c.ask('login', { agentId: '1002', password: PASSWORD })).code, 'SEAT_ALREADY_LOGGED_IN');
    assert.is((await c.ask('not-ready', { reason: '' })).code, 'SEAT_BAD_MESSAGE');
    const before = r.acd.agent('1002');
    assert.is((await c.ask('force-not-ready', { agentId: '1002', reason: 'meal' })).code, 'SEAT_FORBIDDEN');
    assert.is((await c.ask('force-logout', { agentId: '1002' })).code, 'SEAT_FORBIDDEN');
    assert.is((await c.ask('wallboard')).code, 'SEAT_FORBIDDEN');
    assert.equal(r.acd.agent('1002'), before);
    assert.is(r.acd.agent('1001').state, 'loggedOut');
    // The admin is not a call taker: no ACD state.
    const admin = await loggedIn(r, '9001');
    assert.is(admin.events('snapshot')[0].data.agent, null);
    assert.is((await admin.ask('acd-login')).code, 'SEAT_NOT_IN_ROSTER');
    await c.close();
    await admin.close();
  } finally {
    await r.close();
  }
});

test('a supervisor forces not ready and logout, and gets a live wallboard', async () => {
  const r = await rig();
  try {
    const a = await loggedIn(r, '1001');
    await a.ask('acd-login', { ready: true });
    const b = await loggedIn(r, '1002');
    await b.ask('acd-login');
    const sup = await loggedIn(r, '2001');
    r.clock.advance(12_000);
    const wb = await sup.ask('wallboard', { live: true });
    assert.ok(wb.ok, JSON.stringify(wb));
    assert.equal(wb.result.counts, { loggedIn: 2, ready: 1, talking: 0, notReady: 1, wrapUp: 0 });
    const a1001 = wb.result.agents.find((x: { agentId: string }) => x.agentId === '1001');
    assert.equal([a1001.state, a1001.timeInStateMs, a1001.seatConnected], ['ready', 12_000, true]);
    assert.equal(wb.result.queues[0].queue, 'agents');
    r.acd.enter('c1', 'agents', { callerNumber: '13900001234' }); // offered to 1001 at once
    const f = await sup.ask('force-not-ready', { agentId: '1002', reason: 'training' });
    assert.equal([f.result.state, f.result.reason], ['notReady', 'training']);
    await b.until(() => b.events('agent-state').find((e) => e.data.reason === 'training'), 'the agent sees it');
    const live = await sup.until(() => sup.events('wallboard').find((e) => e.data.agents.some((x: { agentId: string; reason?: string }) => x.agentId === '1002' && x.reason === 'training')), 'live wallboard');
    assert.is(live.data.counts.talking, 1);
    const pending = await sup.ask('force-logout', { agentId: '1001' }); // call offered: logged out after it, never cut
    assert.equal([pending.result.state, pending.result.pendingLogout], [r.acd.agent('1001').state, true]);
    assert.is((await sup.ask('force-logout', { agentId: '1002' })).result.state, 'loggedOut');
    assert.is((await sup.ask('force-logout', { agentId: 'nobody' })).code, 'SEAT_NOT_IN_ROSTER');
    assert.equal(r.acd.check(), []);
    for (const c of [a, b, sup]) await c.close();
  } finally {
    await r.close();
  }
});

test('the wallboard shows today\'s service level and abandon rate from the durable queue log', async () => {
  const r = await rig();
  try {
    r.acd.login('1001', { ready: true });
    r.acd.enter('c1', 'agents');
    r.clock.advance(5_000);
    r.acd.answered('c1', '1001'); // within 20 s
    r.acd.enter('c2', 'agents');
    r.clock.advance(40_000);
    r.acd.callerHangup('c2'); // abandoned after 40 s
    await r.acd.settled();
    const sup = await loggedIn(r, '2001');
    const q = (await sup.ask('wallboard')).result.queues[0];
    assert.equal([q.answeredToday, q.abandonedToday, q.serviceLevelToday, q.abandonRateToday], [1, 1, 1, 0.5]);
    assert.equal(r.acd.check(), []);
    await sup.close();
  } finally {
    await r.close();
  }
});

test('failed logins are rate-limited per agent id and per address', async () => {
  const r = await rig({ maxLoginFailures: 3, loginWindowMs: 60_000 });
  try {
    const c = await Client.open(r.server.seatUrl);
    for (let i = 0; i < 3; i++) assert.is((await c.ask('login', { agentId: '1001', password: 'wrong-one' })).code, 'SEAT_LOGIN_FAILED');
    const limited = await c.ask('login', { agentId: '1001', password: PASSWORD });
    assert.is(limited.code, 'SEAT_LOGIN_RATE_LIMITED');
    assert.is(limited.retryAfterMs, 60_000);
    // The address is limited too: another id from here is refused.
    assert.is((await c.ask('login', { agentId: '1002', password: PASSWORD })).code, 'SEAT_LOGIN_RATE_LIMITED');
    // REST login shares the limiter and says when.
    const rest = await r.server.app.inject({ method: 'POST', url: '/login', payload: { agentId: '1002', password: PASSWORD } });
    assert.is(rest.statusCode, 429);
    assert.is(rest.json().code, 'SEAT_LOGIN_RATE_LIMITED');
    r.wall.t += 60_000;
    assert.ok((await c.ask('login', { agentId: '1001', password: PASSWORD })).ok);
    await c.close();
  } finally {
    await r.close();
  }
});

test('sessions expire: messages are refused and the socket closes; a token resumes a session on a new socket', async () => {
  const r = await rig({ sessionTtlMs: 60_000, wallboardEveryMs: 50 });
  try {
    const rest = await r.server.app.inject({ method: 'POST', url: '/login', payload: { agentId: '1001', password: PASSWORD } });
    assert.is(rest.statusCode, 200);
    const bad = await r.server.app.inject({ method: 'POST', url: '/login', payload: { agentId: '1001', password: 'nope-nope' } });
    assert.equal([bad.statusCode, bad.json().code], [401, 'SEAT_LOGIN_FAILED']);
    const c = await Client.open(r.server.seatUrl);
    const res = await c.ask('resume', { token: rest.json().token });
    assert.is(res.result.agentId, '1001');
    assert.ok((await c.ask('acd-login')).ok);
    r.wall.t += 60_000;
    await c.until(() => c.events('session-ended')[0], 'session-ended');
    await c.until(() => c.closed ?? undefined, 'close');
    assert.is(c.closed!.code, 4401);
    const d = await Client.open(r.server.seatUrl);
    assert.is((await d.ask('resume', { token: rest.json().token })).code, 'SEAT_SESSION_EXPIRED');
    await d.close();
  } finally {
    await r.close();
  }
});

test('a dropped seat keeps the pause reason; a ready agent who does not come back is set not ready', async () => {
  const r = await rig();
  try {
    const a = await loggedIn(r, '1001');
    const token = a.got.find((m) => m.type === 'reply')!.result.token;
    await a.ask('acd-login');
    await a.ask('not-ready', { reason: 'meal' });
    await a.close();
    await waitFor(() => !r.acd.agent('1001').connected);
    r.clock.advance(60_000);
    assert.equal([r.acd.agent('1001').state, r.acd.agent('1001').reason], ['notReady', 'meal']);
    const back = await Client.open(r.server.seatUrl);
    await back.ask('resume', { token });
    const snap = await back.until(() => back.events('snapshot')[0], 'snapshot');
    assert.equal([snap.seq, snap.data.agent.state, snap.data.agent.reason, snap.data.agent.seatConnected], [1, 'notReady', 'meal', true]);
    await back.ask('ready');
    await back.close();
    await waitFor(() => !r.acd.agent('1001').connected);
    r.clock.advance(29_000);
    assert.is(r.acd.agent('1001').state, 'ready');
    r.clock.advance(1_000);
    assert.equal([r.acd.agent('1001').state, r.acd.agent('1001').reason], ['notReady', 'disconnected']);
    assert.equal(r.acd.check(), []);
  } finally {
    await r.close();
  }
});

async function waitFor(cond: () => boolean): Promise<void> {
  assert.ok(await eventually(cond), 'condition not met in 30 s');
}

test.run();
