// The seat protocol: every message a seat client sends and every message the
// server sends, each a TypeBox schema. The schema is the one source of the
// TypeScript types (Static<>), of the validation a message passes before it
// can change anything, and of docs/seat-protocol.md (protocol-doc.ts).
//
// A client message is `{ "id": "<request id>", "type": "<type>", ... }`; the
// server answers each with a reply carrying the same id, `ok: true` and a
// result, or `ok: false` with an error catalog code (SEAT_*, ACD_*). Server
// events carry `seq`, counting 1, 2, 3 … per socket, so a client that sees a
// gap knows it missed something and asks for a snapshot.
import { Type, type Static, type TSchema } from 'typebox';
import { AGENT_STATES, type AgentState } from '../acd/types.ts';

const RequestId = Type.String({ minLength: 1, maxLength: 64, description: 'chosen by the client; the reply carries it back' });
const AgentId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._:-]+$', description: 'the agent id (工号) as in the case store' });
const Reason = Type.String({ minLength: 1, maxLength: 64, description: 'not-ready reason code: 临时闭席, meal, training …' });

function message<const T extends string, P extends Record<string, TSchema>>(type: T, props: P) {
  return Type.Object({ id: RequestId, type: Type.Literal(type), ...props }, { additionalProperties: false });
}

export type Role = 'agent' | 'supervisor' | 'admin';

interface MessageDef {
  schema: TSchema;
  /** Roles allowed to send it; 'anyone' needs no session. */
  roles: readonly Role[] | 'anyone';
  summary: string;
  result: string;
}

const ALL: readonly Role[] = ['agent', 'supervisor', 'admin'];
const SUPERVISORS: readonly Role[] = ['supervisor', 'admin'];

/** Every client message type: its schema, who may send it, what it does. */
export const CLIENT_MESSAGES = {
  login: {
    schema: message('login', { agentId: AgentId, password: Type.String({ minLength: 1, maxLength: 256 }) }),
    roles: 'anyone',
    summary: 'Log in with agent id and password (scrypt-checked against the case store). Failed logins are rate-limited per agent id and per address.',
    result: '`{ token, agentId, role, expiresAt }`, then a `snapshot` event',
  },
  resume: {
    schema: message('resume', { token: Type.String({ minLength: 16, maxLength: 128 }) }),
    roles: 'anyone',
    summary: 'Carry on a session on a new socket (after a dropped connection) with its token.',
    result: 'as `login`, then a `snapshot` event',
  },
  'end-session': {
    schema: message('end-session', {}),
    roles: ALL,
    summary: 'End the session: the token stops working. The agent\'s ACD state is left as it is.',
    result: '`{}`',
  },
  snapshot: {
    schema: message('snapshot', {}),
    roles: ALL,
    summary: 'Ask for a full snapshot again (e.g. after a gap in `seq`).',
    result: '`{}`, then a `snapshot` event',
  },
  'acd-login': {
    schema: message('acd-login', { ready: Type.Optional(Type.Boolean({ description: 'log in ready at once (default: not ready, with the reason held at logout)' })) }),
    roles: ALL,
    summary: 'Log in to the ACD (签入): not ready with the reason kept from the last logout, or ready.',
    result: 'the agent\'s state',
  },
  'acd-logout': {
    schema: message('acd-logout', {}),
    roles: ALL,
    summary: 'Log out of the ACD (签出); refused while a call is offered or connected.',
    result: 'the agent\'s state',
  },
  ready: {
    schema: message('ready', {}),
    roles: ALL,
    summary: 'Ready (返回): from not ready or wrap-up; while on a call it cancels a pending not ready.',
    result: 'the agent\'s state',
  },
  'not-ready': {
    schema: message('not-ready', { reason: Reason }),
    roles: ALL,
    summary: 'Not ready (临时闭席) with a reason; during a call it applies when the call and wrap-up end.',
    result: 'the agent\'s state',
  },
  'wrap-up-end': {
    schema: message('wrap-up-end', {}),
    roles: ALL,
    summary: 'End the wrap-up (话后处理) now.',
    result: 'the agent\'s state',
  },
  wallboard: {
    schema: message('wallboard', { live: Type.Optional(Type.Boolean({ description: 'true: send `wallboard` events from now on; false: stop them' })) }),
    roles: SUPERVISORS,
    summary: 'The wallboard: agents by state, each agent\'s state and time in state, each queue\'s waiting calls, longest wait, service level and abandon rate today.',
    result: 'a wallboard (see the `wallboard` event)',
  },
  'force-not-ready': {
    schema: message('force-not-ready', { agentId: AgentId, reason: Reason }),
    roles: SUPERVISORS,
    summary: 'Set another agent not ready (班长强制闭席), with a reason.',
    result: 'that agent\'s state',
  },
  'force-logout': {
    schema: message('force-logout', { agentId: AgentId }),
    roles: SUPERVISORS,
    summary: 'Log another agent out of the ACD (强制签出); refused while a call is offered to him or connected.',
    result: 'that agent\'s state',
  },
  ping: {
    schema: message('ping', {}),
    roles: 'anyone',
    summary: 'Liveness check.',
    result: '`{ serverTime }` (UTC ms)',
  },
} as const satisfies Record<string, MessageDef>;

export type ClientType = keyof typeof CLIENT_MESSAGES;
export type ClientMessage = { [K in ClientType]: Static<(typeof CLIENT_MESSAGES)[K]['schema']> }[ClientType];

// ---- what the server sends ------------------------------------------------

const StateName = Type.Unsafe<AgentState>(Type.Union(AGENT_STATES.map((s) => Type.Literal(s))));

export const AgentStateView = Type.Object({
  agentId: Type.String(),
  state: StateName,
  reason: Type.Optional(Type.String({ description: 'not-ready reason' })),
  pendingNotReady: Type.Optional(Type.String({ description: 'not ready asked for during a call, applied after it' })),
  timeInStateMs: Type.Integer({ minimum: 0 }),
  seatConnected: Type.Boolean(),
});
export type AgentStateView = Static<typeof AgentStateView>;

export const QueueView = Type.Object({
  queue: Type.String(),
  waiting: Type.Integer({ minimum: 0 }),
  longestWaitMs: Type.Integer({ minimum: 0 }),
  loggedIn: Type.Integer({ minimum: 0 }),
  ready: Type.Integer({ minimum: 0 }),
});
export type QueueView = Static<typeof QueueView>;

const Ratio = Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()], { description: '0–1, null before any call today' });

export const WallboardQueue = Type.Object({
  ...QueueView.properties,
  serviceLevelToday: Ratio,
  abandonRateToday: Ratio,
  answeredToday: Type.Integer({ minimum: 0 }),
  abandonedToday: Type.Integer({ minimum: 0 }),
});

export const Wallboard = Type.Object({
  counts: Type.Object({
    loggedIn: Type.Integer(),
    ready: Type.Integer(),
    talking: Type.Integer({ description: 'reserved, ringing, talking or held' }),
    notReady: Type.Integer(),
    wrapUp: Type.Integer(),
  }),
  agents: Type.Array(AgentStateView),
  queues: Type.Array(WallboardQueue),
  serviceLevelMs: Type.Integer({ description: 'T of the service level: answered within T ÷ answered (Asterisk SL)' }),
});
export type Wallboard = Static<typeof Wallboard>;

export const Snapshot = Type.Object({
  agentId: Type.String(),
  role: Type.Union([Type.Literal('agent'), Type.Literal('supervisor'), Type.Literal('admin')]),
  agent: Type.Union([AgentStateView, Type.Null()], { description: 'null when the agent is not in the ACD roster' }),
  queues: Type.Array(QueueView, { description: 'the queues the agent serves' }),
});
export type Snapshot = Static<typeof Snapshot>;

export const ReplyOk = Type.Object({ type: Type.Literal('reply'), id: Type.String(), ok: Type.Literal(true), result: Type.Unknown() });
export const ReplyError = Type.Object({
  type: Type.Literal('reply'),
  id: Type.Union([Type.String(), Type.Null()], { description: 'null when the message had no readable id' }),
  ok: Type.Literal(false),
  code: Type.String({ description: 'an error catalog code (docs/errors.md)' }),
  message: Type.String(),
  retryAfterMs: Type.Optional(Type.Integer({ description: 'SEAT_LOGIN_RATE_LIMITED: when to try again' })),
});

function event<const E extends string, D extends TSchema>(name: E, data: D) {
  return Type.Object({ type: Type.Literal('event'), seq: Type.Integer({ minimum: 1 }), event: Type.Literal(name), data });
}

/** Server events, in the order of `seq` per socket. */
export const SERVER_EVENTS = {
  snapshot: { schema: event('snapshot', Snapshot), summary: 'Everything the seat shows, after login/resume and on request.' },
  'agent-state': { schema: event('agent-state', AgentStateView), summary: 'The agent\'s own state changed (by himself, a supervisor, the ACD: missed offers, seat gone while ready).' },
  wallboard: { schema: event('wallboard', Wallboard), summary: 'Supervisors who asked for `wallboard` with `live: true`: on every agent change and once a second.' },
  'session-ended': { schema: event('session-ended', Type.Object({ code: Type.String(), message: Type.String() })), summary: 'The session expired or was ended; the socket closes after it.' },
} as const;

export type ServerEventName = keyof typeof SERVER_EVENTS;
