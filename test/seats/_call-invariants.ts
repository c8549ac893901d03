// What must hold between the ACD, the call layer and the board at any quiet
// moment of a stepped simulation (no board time moving): the fuzz of live
// calls over the seat socket (fuzz-calls.test.ts) checks it after every
// step. Each broken rule comes back as a sentence naming the agent, call or
// channel, so a failing step says what drifted.
import type { Engine } from '../../src/calls/engine.ts';

/** Not-ready reasons the call layer sets for the length of an operation (agent-ops.ts, outbound.ts). */
const OPERATION_REASONS = new Set(['consult', 'outbound', 'intercom']);

/** Phases in which a call's handling agent talks (or holds, consults, confers). */
const IN_CONVERSATION = new Set(['talking', 'held', 'consulting', 'conference']);

/**
 * Broken rules, as sentences (empty when all hold). `onHook(id)`: the agent's
 * telephone has been on hook long enough for the station port to see it (an
 * FXS port takes most of a second to tell a hang-up from a hook flash).
 */
export function callInvariants(e: Engine, onHook: (agentId: string) => boolean): string[] {
  const out: string[] = [];
  const acd = e.core.acd!;
  const sb = e.core.switchboard!;
  out.push(...acd.check().map((s) => `ACD: ${s}`));
  const calls = e.core.activeCalls;
  const byId = new Map(calls.map((c) => [c.id, c]));
  for (const id of acd.agentIds()) {
    const a = acd.agent(id);
    const c = sb.callOf(id);
    const port = sb.station(id);
    if (!port) continue;
    const taken = acd.stationTaken(id);
    if (a.state === 'talking' || a.state === 'held') {
      if (!c || c.state === 'offered') {
        out.push(`agent ${id} is ${a.state} (call ${a.callId}) but his station has ${c ? 'only an offer' : 'no call'}`);
        continue;
      }
      if (c.callId !== a.callId) out.push(`agent ${id} is ${a.state} on call ${a.callId} but his station is on call ${c.callId}`);
      if ((a.state === 'held') !== (c.state === 'held')) out.push(`agent ${id} is ${a.state} but his station's call is ${c.state}`);
      const live = sb.live(c.callId);
      const leg = live?.agent;
      if (!leg || leg.agentId !== id || leg.gone || leg.channel !== port) out.push(`agent ${id} is ${a.state} but call ${c.callId} has no live leg of his station (${leg ? `${leg.kind} ${leg.agentId ?? ''} on ${leg.channel.name}${leg.gone ? ', gone' : ''}` : 'none'})`);
      if (port.state !== 'connected') out.push(`agent ${id} is ${a.state} but his station ${port.name} is ${port.state}`);
      const call = byId.get(c.callId);
      if (!call) out.push(`agent ${id} is ${a.state} on call ${c.callId}, which the engine no longer runs`);
      else {
        if (leg && !call.legs.includes(leg)) out.push(`agent ${id}'s leg is not among the legs of call ${call.id}`);
        if (!IN_CONVERSATION.has(call.phase)) out.push(`agent ${id} is ${a.state} but call ${call.id} is in phase ${call.phase}`);
      }
    } else if (a.state === 'reserved' || a.state === 'ringing') {
      if (!c || c.state !== 'offered' || c.callId !== a.callId) out.push(`agent ${id} is ${a.state} for call ${a.callId} but his station has ${c ? `call ${c.callId} ${c.state}` : 'nothing'}`);
      // Reserved: his station is still clearing from a ring just stopped; it rings within a second, or the offer fails.
      if (a.state === 'reserved' && e.core.now() - a.since > 1500) out.push(`agent ${id} has been reserved for call ${a.callId} for ${e.core.now() - a.since} ms: his station ${port.name} (${port.state}) neither rings nor fails`);
      // Ringing: the port rings the telephone (from the next tick on), or gives a headset its zip tone.
      if (a.state === 'ringing' && e.core.now() - a.since >= 50 && port.state !== 'dialing' && port.state !== 'connected') out.push(`agent ${id} is ringing for call ${a.callId} but his station ${port.name} is ${port.state}`);
    } else {
      if (c) out.push(`agent ${id} is ${a.state}${a.reason ? ` (${a.reason})` : ''} but his station has call ${c.callId} ${c.state}`);
      if (a.callId !== undefined) out.push(`agent ${id} is ${a.state} with call ${a.callId} in the ACD`);
    }
    // Set not ready by an operation (consulted, placing or taking an intercom call): only while it holds his telephone.
    if (a.state === 'notReady' && OPERATION_REASONS.has(a.reason ?? '') && !taken) out.push(`agent ${id} is still not ready (${a.reason}) but no operation holds his station`);
    // An idle station (no call, no offer, no operation holding it) whose phone is on hook is idle too,
    // or still clearing (a ring just stopped: a few ticks); the end of the run checks that it clears.
    if (!c && !taken && onHook(id) && port.state !== 'idle' && port.state !== 'clearing') out.push(`agent ${id}'s phone is on hook with no call, but his station ${port.name} is ${port.state}`);
  }
  let waiting = 0;
  for (const call of calls) {
    if (call.signal.aborted || call.phase === 'ended') continue;
    const lastTransfer = call.queueInfo.transfers.at(-1);
    const dialling = lastTransfer?.to.startsWith('external:') === true;
    if ((call.phase === 'queue' || call.phase === 'ringing') && !dialling) waiting++;
    const offeredTo = acd.agentIds().filter((id) => sb.callOf(id)?.state === 'offered' && sb.callOf(id)?.callId === call.id);
    const rung = offeredTo.filter((id) => acd.agent(id).state === 'ringing');
    if (call.phase === 'ringing' && offeredTo.length === 0) out.push(`call ${call.id} is in phase ringing but no agent's station is offered it`);
    if (call.phase === 'queue' && rung.length > 0) out.push(`call ${call.id} is in phase queue but rings at ${rung.join(', ')}`);
    if (call.phase === 'talking') {
      const party = sb.live(call.id)?.agent;
      if (!party || party.gone || party.channel.state !== 'connected') out.push(`call ${call.id} is talking but has no party in conversation (${party ? `${party.kind} on ${party.channel.name} ${party.channel.state}${party.gone ? ', gone' : ''}` : 'none'})`);
    }
    for (const leg of call.legs) {
      if (leg.gone) continue;
      if (leg.channel.state === 'idle') out.push(`call ${call.id} (${call.phase}): its ${leg.kind} leg${leg.agentId ? ` of ${leg.agentId}` : ''} on ${leg.channel.name} is idle but not gone`);
      if (leg.agentId === undefined || !sb.station(leg.agentId)) continue;
      const c = sb.callOf(leg.agentId);
      if (c?.callId !== call.id && !acd.stationTaken(leg.agentId)) out.push(`call ${call.id} (${call.phase}) has a live ${leg.kind} leg of ${leg.agentId}, whose station is ${c ? `on call ${c.callId}` : 'free'} and held by no operation`);
    }
  }
  const q = acd.queue('agents');
  if (q.waiting !== waiting) out.push(`queue 'agents' counts ${q.waiting} calls waiting; the engine has ${waiting} calls in the queue or ringing phase`);
  return out;
}
