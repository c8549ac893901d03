// The ACD's vocabulary: agent states, queue configuration, the decisions the
// ACD hands to the call layer and the events it writes to the queue log.
import type { CallbackList } from './callbacks.ts';

/**
 * Agent states, named as ECMA-269 CSTA agent states and the common CTI
 * servers call them (CSTA: agentNotReady, agentReady, agentBusy,
 * agentWorkingAfterCall; "reserved" as Genesys/Cisco; ringing/talking/held
 * as the device's alerting/connected/held).
 */
export type AgentState =
  | 'loggedOut' // CSTA agentLoggedOff
  | 'notReady' // CSTA agentNotReady, with a reason code (临时闭席, meal, training …)
  | 'ready' // CSTA agentReady: idle, may be offered a call
  | 'reserved' // chosen for a call; the station is about to ring
  | 'ringing' // the station rings (CSTA alerting)
  | 'talking' // connected to the caller (CSTA agentBusy)
  | 'held' // the caller is on hold
  | 'workingAfterCall'; // wrap-up (CSTA agentWorkingAfterCall), per queue / agent

export const AGENT_STATES: readonly AgentState[] = ['loggedOut', 'notReady', 'ready', 'reserved', 'ringing', 'talking', 'held', 'workingAfterCall'];

/** Reasons the ACD itself gives for not ready (an agent or supervisor gives any other text). */
export const REASON_NO_ANSWER = 'no-answer';
export const REASON_OFFER_FAILED = 'offer-failed';
export const REASON_DISCONNECTED = 'disconnected';

/**
 * Reasons the call layer gives for the length of an operation that holds the
 * agent's telephone: consulted by a colleague, on a call he placed, taking a
 * colleague's intercom call (src/calls/agent-ops.ts, outbound.ts). The
 * operation sets him ready again when it ends; a logout meanwhile keeps no
 * such reason for his next login (the operation ends without him).
 */
export const REASON_CONSULT = 'consult';
export const REASON_OUTBOUND = 'outbound';
export const REASON_INTERCOM = 'intercom';
export const OPERATION_REASONS: readonly string[] = [REASON_CONSULT, REASON_OUTBOUND, REASON_INTERCOM];

/**
 * Strategies: the union of Asterisk app_queue's and FreeSWITCH
 * mod_callcenter's. Aliases are given where the two name the same thing.
 */
export type Strategy =
  | 'ring-all' // Asterisk ringall, FreeSWITCH ring-all
  | 'longest-idle' // FreeSWITCH longest-idle-agent, Asterisk leastrecent
  | 'fewest-calls' // Asterisk fewestcalls, FreeSWITCH agent-with-fewest-calls
  | 'least-talk-time' // FreeSWITCH agent-with-least-talk-time
  | 'round-robin' // Asterisk rrmemory, FreeSWITCH round-robin: resumes after the last agent offered
  | 'linear' // Asterisk linear, FreeSWITCH top-down: always from the top of the member list
  | 'top-down'
  | 'random' // Asterisk random, FreeSWITCH random
  | 'weighted-random' // Asterisk wrandom (weights given per member here)
  | 'ring-progressively'; // FreeSWITCH ring-progressively: one more agent rings every interval

export const STRATEGIES: readonly Strategy[] = ['ring-all', 'longest-idle', 'fewest-calls', 'least-talk-time', 'round-robin', 'linear', 'top-down', 'random', 'weighted-random', 'ring-progressively'];

/** Where a call goes when it leaves a queue without an agent. */
export type OverflowTarget =
  // A voice mailbox: `mailbox` names the flow node that takes its message (e.g. the 12315 flow's
  // `mailbox`, the director's mailbox 局长信箱); absent or not in the caller's flow: the transfer node's overflow.
  | { kind: 'mailbox'; mailbox?: string }
  | { kind: 'callback' } // "press 1 and we will call you back": a callback request
  | { kind: 'flow'; node: string }; // an IVR node

export type EmptyRule = 'join' | 'refuse' | 'leave';

export interface MemberConfig {
  agent: string;
  /** Asterisk penalty / FreeSWITCH tier level: lower is offered first (default 0). */
  penalty?: number;
  /** Weight for weighted-random (default 1). */
  weight?: number;
}

export interface QueueConfig {
  id: string;
  strategy: Strategy;
  /** In order: the order linear/top-down and ring-progressively use. */
  members: MemberConfig[];
  /** skill → minimum level (1–100) an agent needs to be offered this queue's calls. */
  requiredSkills?: Record<string, number>;
  /** Between queues an agent serves, the higher weight is served first (Asterisk weight). */
  weight?: number;
  /** An offer not answered in this time returns the call to the queue at its position (default 15 s). */
  ringTimeoutMs?: number;
  /** Consecutive unanswered offers after which the agent is set not ready (default 3). */
  maxMisses?: number;
  /** Wrap-up after each call of this queue (default 0); an agent's own wrapUpMs wins. */
  wrapUpMs?: number;
  /** ring-progressively: one more agent rings every this many ms (default 5 s). */
  progressiveIntervalMs?: number;
  /** Penalties that widen with wait time: after `afterMs` of waiting, members up to `maxPenalty` may be offered. Before the first step, only penalty ≤ startPenalty. */
  startPenalty?: number;
  penaltySteps?: { afterMs: number; maxPenalty: number }[];
  /** Caller-side announcements (decisions the call layer plays). */
  announce?: { positionFirstMs?: number; positionEveryMs?: number; periodicEveryMs?: number };
  /** Maximum wait, then overflow. */
  maxWaitMs?: number;
  overflow?: OverflowTarget;
  /** Empty-queue rules (Asterisk joinempty / leavewhenempty). "No agent logged in": every member logged out; "none ready": nobody who will take a call without changing state (all logged out or not ready). */
  whenEmpty?: { noneLoggedIn?: EmptyRule; noneReady?: EmptyRule; leaveAfterMs?: number; target?: OverflowTarget };
  /** A caller who abandoned and calls again within this time gets his old place back (default 0: off). */
  rejoinKeepsPlaceMs?: number;
  /** "Press 1 and we will call you back": the key a waiting caller presses to leave a callback request; the periodic announcement offers it (default: none, not offered). */
  callbackKey?: string;
}

export interface AgentConfig {
  id: string;
  /** skill → level 1–100 (complaint, report, consultation, english …). */
  skills?: Record<string, number>;
  /** The agent's own wrap-up time, overriding the queue's. */
  wrapUpMs?: number;
  /** His telephone: a station (FXS) port, "SPAN:PORT" (the call layer rings it; default: the i-th agent gets the i-th station port). */
  station?: string;
}

export interface AcdConfig {
  agents: AgentConfig[];
  queues: QueueConfig[];
  /** Seed of the ACD's random generator (random, weighted-random). */
  seed?: number;
  /** An agent whose seat disconnects while idle is set not ready after this time (default 30 s). */
  disconnectGraceMs?: number;
  /** The callback list to start from (CallbackList.fromLog after a restart; default empty). */
  callbacks?: CallbackList;
}

/** Decisions the ACD makes; the call layer plays them on the board. */
export type Decision =
  | { type: 'offer'; callId: string; agentId: string; queue: string }
  | { type: 'cancel-offer'; callId: string; agentId: string; reason: 'no-answer' | 'answered-elsewhere' | 'caller-gone' }
  | { type: 'announce-position'; callId: string; queue: string; position: number; estimatedWaitMs: number }
  | { type: 'announce-periodic'; callId: string; queue: string }
  | { type: 'overflow'; callId: string; queue: string; reason: 'max-wait' | 'empty' | 'callback-request'; target: OverflowTarget }
  | { type: 'agent-state'; agentId: string; state: AgentState; reason?: string };

/** One step in the queue log. `at` is the ACD clock's ms. */
export type QueueEvent =
  | { type: 'enter'; at: number; queue: string; callId: string; priority: number; position: number; callerNumber?: string; rejoin?: boolean }
  | { type: 'refuse'; at: number; queue: string; callId: string; reason: 'none-logged-in' | 'none-ready' }
  | { type: 'offer'; at: number; queue: string; callId: string; agentId: string }
  | { type: 'ring-no-answer'; at: number; queue: string; callId: string; agentId: string; ringMs: number }
  | { type: 'offer-failed'; at: number; queue: string; callId: string; agentId: string; why: string }
  | { type: 'connect'; at: number; queue: string; callId: string; agentId: string; waitMs: number; ringMs: number; transferred?: boolean }
  | { type: 'abandon'; at: number; queue: string; callId: string; waitMs: number; position: number; callerNumber?: string }
  | { type: 'hold'; at: number; queue: string; callId: string; agentId: string }
  | { type: 'retrieve'; at: number; queue: string; callId: string; agentId: string }
  | { type: 'transfer'; at: number; queue: string; callId: string; agentId: string; to: string; talkMs: number; holdMs: number }
  | { type: 'complete'; at: number; queue: string; callId: string; agentId: string; talkMs: number; holdMs: number; by: 'caller' | 'agent' }
  | { type: 'overflow'; at: number; queue: string; callId: string; waitMs: number; reason: 'max-wait' | 'empty' | 'callback-request'; target: string }
  | { type: 'wrap-up'; at: number; queue: string; callId: string; agentId: string; wrapMs: number }
  | { type: 'agent-state'; at: number; agentId: string; from: AgentState; to: AgentState; reason?: string }
  // The callback list (callbacks.ts): the number a caller confirmed, or an agent called him back (done).
  | { type: 'callback'; at: number; queue: string; callId: string; number?: string; done?: true };

export type QueueEventType = QueueEvent['type'];

/** An entry in the callback list: an abandoned call, or a caller who asked to be called back. */
export interface CallbackEntry {
  callId: string;
  queue: string;
  callerNumber?: string;
  at: number;
  waitMs: number;
  reason: 'abandoned' | 'requested';
  /** The number to call back, when the caller confirmed his own or keyed another (requests). */
  number?: string;
}
