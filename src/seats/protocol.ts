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
import { ADMIN_EDIT_MESSAGES } from './admin-protocol.ts';

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

// ---- cases, caller history, knowledge base (seatapi) -----------------------
// The case fields and workflow actions go to the case store as they are: its
// own validation answers (CASE_INVALID with `details.errors` per field,
// CASE_TRANSITION_ILLEGAL, CASE_NUMBER_CHECK …), so a seat and the CLI get the
// same codes and sentences. The schemas here only bound the envelope.
// Who may do what (checked in src/seats/cases.ts): reading (a case, a caller's
// history, search, the knowledge base, the screen pop) is open to every role:
// a caller's earlier cases were usually taken by another agent. An agent
// changes (update, workflow, reminder) only the cases he registered and the
// unowned ones (IVR, web or letter intake); he may add a note or record a
// callback on any case. Supervisors and admins change every case.

const CaseNumber = Type.String({ minLength: 1, maxLength: 32, description: 'the 14-digit case number (checked by the case store: CASE_NUMBER_FORMAT / CASE_NUMBER_CHECK / CASE_NOT_FOUND)' });
const Phone = Type.String({ minLength: 1, maxLength: 32, description: 'a telephone number as the caller id gives it' });
const Fields = (what: string) => Type.Record(Type.String(), Type.Unknown(), { description: `${what}, as the case store takes them (src/cases/README.md, Fields); the store checks them: CASE_INVALID with \`details.errors\` per field` });
const Limit = (max: number, dflt: number) => Type.Optional(Type.Integer({ minimum: 1, maximum: max, description: `at most this many (default ${dflt})` }));

const CASE_MESSAGES = {
  'case-create': {
    schema: message('case-create', {
      fields: Fields('kind, channel (default hotline), callerNumber, callbackNumber, complainant, business, anonymous, request, facts, categoryId, recordingIds, attachments, answerLater, answer, receivedAt, callId; `agentId` is the sender, never a field'),
    }),
    roles: ALL,
    summary: 'Register a case of one of the five kinds (咨询 投诉 举报 批评建议 局长信箱) in the sender\'s name. A consultation is answered at once (`answer`, closed) or later (`answerLater` with `callbackNumber`; see also `answer-later`). With the `callId` of a call (the one the agent is on, or just had), the case joins that call: its call record\'s `caseNumbers` and its recordings\' index entries (a recordings search by the case finds them).',
    result: 'the case record (number, status, deadlines, missingFields …)',
  },
  'case-get': {
    schema: message('case-get', { number: CaseNumber }),
    roles: ALL,
    summary: 'One case with its history, deadlines and dispatches.',
    result: 'the case record',
  },
  'case-update': {
    schema: message('case-update', { number: CaseNumber, fields: Fields('the fields to change: callbackNumber, complainant, business, anonymous, request, facts, categoryId, recordingIds, attachments, answerLater') }),
    roles: ALL,
    summary: 'Change fields of a case (completes an IVR intake, corrects the facts). An agent updates his own cases and unowned ones.',
    result: 'the case record',
  },
  'case-action': {
    schema: message('case-action', {
      number: CaseNumber,
      action: Type.Record(Type.String(), Type.Unknown(), { description: 'a workflow action: `{ type: accept | not_accept (reason) | dispatch (departments: [{ departmentId, personInCharge? }]) | start_mediation | start_verification | close (result, answer?) | callback_done | note (text), note? }`; checked by the case store' }),
    }),
    roles: ALL,
    summary: 'A workflow step (受理, 不予受理, 分派/执法调度, 调解, 核查, 办结, 回访, 备注) through the case store\'s workflow. An agent acts on his own and unowned cases; `note` and `callback_done` on any case.',
    result: 'the case record',
  },
  'case-reminder': {
    schema: message('case-reminder', { number: CaseNumber, at: Type.Integer({ minimum: 0, description: 'when (UTC epoch ms)' }), note: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) }),
    roles: ALL,
    summary: 'Set a reminder (定时催办) on a case, in the sender\'s name; it appears in `due`.',
    result: 'the case record',
  },
  'case-search': {
    schema: message('case-search', {
      query: Type.Record(Type.String(), Type.Unknown(), { description: 'callerNumber, complainant, business, status, kind, departmentId, agentId, categoryId, from, to, words, limit (≤ 100): checked by the case store (CASE_FIELD_INVALID)' }),
    }),
    roles: ALL,
    summary: 'Search cases, newest first (the store\'s search: name prefixes, words in the facts, …).',
    result: '`{ cases: [summary] }` (number, kind, status, result?, createdAt, agentId?, complainant name?, business name?, callbackPending)',
  },
  'caller-history': {
    schema: message('caller-history', { callerNumber: Phone, limit: Limit(200, 50) }),
    roles: ALL,
    summary: 'A caller\'s earlier cases and calls by his number, newest first, his open cases, and his earlier call records in full.',
    result: '`{ items: [{ type: "case" | "call", at, … }], openCases: [summary], calls: [call record: id, startedAt, answeredAt?, endedAt, channel, ivrPath, queue?, queueWaitMs?, agentId?, agents?, legs?, transfers? ({ at, from, to, kind }), talkMs?, holdMs?, wrapUpMs?, endedBy?, recordingIds, caseNumber?, caseNumbers?, outcome?] }`',
  },
  'kb-search': {
    schema: message('kb-search', {
      words: Type.String({ minLength: 1, maxLength: 200, description: 'words that must all occur in the title or text (Chinese by substring)' }),
      category: Type.Optional(Type.String({ minLength: 1, maxLength: 32, description: 'policy, regulation, product, office_guide, address, faq' })),
      limit: Limit(50, 20),
    }),
    roles: ALL,
    summary: 'Search the knowledge base (政策法规, 商品知识, 办事指南 …) for a consultation; title hits first.',
    result: '`{ entries: [{ id, category, title, text, menuCode? }] }`',
  },
  'answer-later': {
    schema: message('answer-later', {
      question: Type.String({ minLength: 1, maxLength: 20000, description: 'the consumer\'s question (the case facts)' }),
      callbackNumber: Phone,
      name: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'the consumer\'s name, if he gave it' })),
      callerNumber: Type.Optional(Phone),
      categoryId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
      callId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    }),
    roles: ALL,
    summary: '"Cannot answer now" (暂时无法答复): registers a consultation to be answered later with the consumer\'s contact; it goes on the callback list with its deadline.',
    result: 'the case record (callbackPending true)',
  },
  callbacks: {
    schema: message('callbacks', { limit: Limit(200, 100) }),
    roles: ALL,
    summary: 'Cases owing a callback (consultations answered later, IVR intake, callback requests from a queue). An agent gets his own and the unowned ones; supervisors and admins all. `calls`: the ACD\'s callback list, calls abandoned in a queue and callers who asked to be called back ("press 1"), oldest first; an agent calls one back with `dial` `{ number, callback: callId }`.',
    result: '`{ cases: [summary], calls: [{ callId, queue, callerNumber?, number? (confirmed by the caller), at, waitMs, reason: abandoned | requested }] }`',
  },
  due: {
    schema: message('due', {
      withinMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 31 * 86_400_000, description: 'deadlines due within this many ms (default 48 h); overdue ones always' })),
      agentId: Type.Optional(AgentId),
      departmentId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    }),
    roles: ALL,
    summary: 'Deadlines and reminders due (受理/调解/核查/回访 时限, 催办): an agent gets those of the cases he registered (another `agentId` is refused); supervisors any agent, department or all.',
    result: '`{ items: [{ number, kind, dueAt, overdue, departmentIds, agentId? }] }`',
  },
  'screen-pop': {
    schema: message('screen-pop', {
      callerNumber: Type.Optional(Phone),
      calledNumber: Type.Optional(Phone),
      ivrPath: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 200, description: 'IVR nodes passed, in order' })),
      ivrVars: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 200 }), { description: 'what the caller keyed (e.g. queryNumber, kind)' })),
    }),
    roles: ALL,
    summary: 'The screen pop for a caller (the same payload a `screen-pop` event carries on an offer), e.g. to look a number up by hand.',
    result: 'a screen pop (see the `screen-pop` event)',
  },
} as const satisfies Record<string, MessageDef>;

/** Every client message type: its schema, who may send it, what it does. */
// ---- call control (legs) ---------------------------------------------------
// The agent's telephone is a station port on the board; these drive the call
// on it (the seed's soft phone: 来话应答, 呼叫终止, hold/retrieve). The call layer
// answers with CALL_* codes (no call offered, handset on hook, no call
// connected) or ACD_* (the call's state does not allow it).

const CALL_MESSAGES = {
  answer: {
    schema: message('answer', {}),
    roles: ALL,
    summary: 'Answer the call offered (来话应答). Headset mode: the station is off hook and the offer is a zip tone; `answer` connects. On hook, the phone rings and lifting the handset answers (CALL_STATION_ON_HOOK).',
    result: '`{ callId }` (the `connected` event comes with it)',
  },
  hangup: {
    schema: message('hangup', {}),
    roles: ALL,
    summary: 'End the conversation (呼叫终止): the caller is cleared (or goes back to the IVR node the flow names); the station stays off hook, silent.',
    result: '`{ callId }` (the `ended` event comes with it)',
  },
  hold: {
    schema: message('hold', {}),
    roles: ALL,
    summary: 'Put the caller on hold: he hears music on hold, the agent silence.',
    result: '`{ callId }` (the `held` event comes with it)',
  },
  retrieve: {
    schema: message('retrieve', {}),
    roles: ALL,
    summary: 'Take the held caller back: the two hear each other again.',
    result: '`{ callId }` (the `retrieved` event comes with it)',
  },
} as const satisfies Record<string, MessageDef>;

// ---- agent and supervisor operations (ops) ----------------------------------
// On the agent's call in conversation (src/calls/agent-ops.ts): transfers,
// consultation, conference, back to the IVR; the supervisor's listen,
// whisper and barge. Refusals carry CALL_* codes (CALL_TARGET_NOT_READY,
// CALL_NO_TRUNK, CALL_OPERATION_STATE …) or ACD_*; nothing changes then.

const Dialled = Type.String({ pattern: '^[0-9*#]{1,20}$', description: 'digits dialled on an outbound trunk (a department or an outside number)' });
// One object with exactly one field (not a union: the reference lists every field).
const Target = Type.Object(
  {
    agent: Type.Optional(AgentId),
    queue: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'an ACD queue: a transfer waits in it; a consultation rings the ready agent its strategy picks now' })),
    number: Type.Optional(Dialled),
  },
  { additionalProperties: false, minProperties: 1, maxProperties: 1, description: 'exactly one of: `agent` an agent of the roster (ready), `queue` an ACD queue, `number` a number dialled on an outbound trunk' },
);

const OPS_MESSAGES = {
  transfer: {
    schema: message('transfer', { to: Target }),
    roles: ALL,
    summary: 'Blind transfer (来话转接): the agent leaves at once to wrap-up; the caller waits with music for the agent (rung), the queue, or the number (dialled). The queue log records the transfer.',
    result: '`{ callId }` (an `ended` and a `transferred` event come with it)',
  },
  consult: {
    schema: message('consult', { to: Target }),
    roles: ALL,
    summary: 'Consultation: the caller is held with music, the agent\'s station rings / the number is dialled; `consult-answered` or `consult-ended` (no-answer) follows. The consulted agent is set not ready (consult) meanwhile.',
    result: '`{ callId }`',
  },
  'consult-complete': {
    schema: message('consult-complete', {}),
    roles: ALL,
    summary: 'Complete the consultative transfer: caller ↔ the consulted party, the agent leaves to wrap-up (hanging up the handset does the same).',
    result: '`{ callId }`',
  },
  'consult-cancel': {
    schema: message('consult-cancel', {}),
    roles: ALL,
    summary: 'Cancel the consultation: the consulted party is released (an agent is ready again), the agent is back with the caller.',
    result: '`{ callId }`',
  },
  conference: {
    schema: message('conference', {}),
    roles: ALL,
    summary: 'Join the consulted party into a conference with the caller and the agent (电话会议, 执法调度); consult again and conference for N parties. Each leaves by hanging up; with two left they are bridged again.',
    result: '`{ callId, parties }`',
  },
  'to-ivr': {
    schema: message('to-ivr', { node: Type.String({ minLength: 1, maxLength: 64, description: 'a node of the call\'s flow, e.g. survey' }) }),
    roles: ALL,
    summary: '人工转自动: the caller goes to an IVR node (survey, case number read back); the agent\'s part ends (wrap-up).',
    result: '`{ callId }`',
  },
  'dispatch-call': {
    schema: message('dispatch-call', { caseNumber: Type.String({ minLength: 1, maxLength: 32, description: 'a report case (举报), accepted or dispatched' }), departmentId: Type.String({ minLength: 1, maxLength: 64, description: 'the department to act: its phone (directory) is dialled' }) }),
    roles: ALL,
    summary: '执法调度: from a report case, the department\'s phone is dialled as a consultation (the caller held with music); when its leader answers, a three-way call with the caller follows and the case is dispatched to the department (a note if it has the case already). CALL_CASE_UNKNOWN, CALL_CASE_NOT_DISPATCHABLE, CALL_DEPARTMENT_NO_PHONE, CALL_TARGET_UNKNOWN refuse it and change nothing.',
    result: '`{ callId, number }`; `consult-answered`, `consult-ended` (conference) and `conference` events follow',
  },
  supervise: {
    schema: message('supervise', { agentId: AgentId, mode: Type.Union([Type.Literal('listen'), Type.Literal('whisper'), Type.Literal('barge')]) }),
    roles: SUPERVISORS,
    summary: 'The supervisor\'s station joins the agent\'s voice path (the bridge, the call\'s phase and its recording stay as they are): listen (监听: hears both, heard by none), whisper (heard by the agent only), barge (强插: heard by both). It follows the agent through hold, consultation and conference. Sent again with another mode it switches at once; with another agent it moves there. An on-hook station rings first.',
    result: '`{ callId }` once his station is in the call',
  },
  dial: {
    schema: message('dial', {
      to: Type.Object(
        {
          number: Type.Optional(Dialled),
          callback: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'with `number`: the callback-list entry (call id) this call answers; it leaves the list once answered' })),
          agent: Type.Optional(AgentId),
        },
        { additionalProperties: false, minProperties: 1, description: '`number` (and `callback`) 座席呼出 on an outbound trunk, or `agent` another station (呼叫班长, 呼叫话务员); CALL_TARGET_UNKNOWN otherwise' },
      ),
    }),
    roles: ALL,
    summary: 'Place a call from the sender\'s telephone (no call on it): an off-hook station dials at once, an on-hook phone rings first (lift it). While on it a ready agent is not ready (outbound / intercom). `hangup` ends it. Written as a call record.',
    result: '`{ callId }`; `placed-connected` and `placed-ended` events follow (the called agent gets `intercom`)',
  },
  'supervise-leave': {
    schema: message('supervise-leave', {}),
    roles: SUPERVISORS,
    summary: 'The supervisor leaves the call he supervises (hanging up does the same).',
    result: '`{ callId }`',
  },
} as const satisfies Record<string, MessageDef>;

// ---- the console's admin pages (read-only) ---------------------------------

const ADMIN_MESSAGES = {
  directory: {
    schema: message('directory', {}),
    roles: SUPERVISORS,
    summary: 'The admin pages\' view: people and departments of the case store, each agent\'s skills, station and queues, each queue\'s strategy, members and required skills as the engine runs them. The `admin-*` messages change them.',
    result: 'a directory (`agents`, `departments`, `queues`; see Directory in src/seats/protocol.ts)',
  },
} as const satisfies Record<string, MessageDef>;

// ---- browser phone (virtual station; src/seats/voice.ts) --------------------
// Kept apart from the other blocks: the audio itself is binary WebSocket
// messages on the same socket (src/seats/voice-frame.ts), accepted only on a
// socket whose session started the phone.

const VOICE_MESSAGES = {
  'voice-start': {
    schema: message('voice-start', { codec: Type.Optional(Type.Union([Type.Literal('alaw'), Type.Literal('pcm16')], { description: 'audio in both directions: A-law (160 bytes per 20 ms, the default) or PCM16 (320 bytes)' })) }),
    roles: ALL,
    summary: 'Turn on the browser phone: the agent\'s station becomes a virtual station whose audio is this socket\'s binary messages (20 ms frames, a 16-byte header: version, codec, sequence, Unix ms timestamp; docs/seat-protocol.md "Browser phone"). The station goes off hook (headset mode: an offer is a zip tone, `answer` connects); a ringing station is answered. Another socket of the same agent that had the phone loses it (`voice-ended`, reason `taken-over`).',
    result: '`{ station, codec, frameMs }`',
  },
  'voice-stop': {
    schema: message('voice-stop', {}),
    roles: ALL,
    summary: 'Turn off the browser phone: the station goes on hook (a call in conversation ends as when a handset is put down). Closing the socket does the same.',
    result: '`{ received, sent, lost, late, underruns, refused }`: frame counters of the phone session',
  },
} as const satisfies Record<string, MessageDef>;

// ---- statistics and case reference lists (reports) --------------------------
// `hotline report` over the socket: the case store's counters (by day, month,
// year × agent, category, department, kind, with 同期比/环比) and the ACD's
// queue figures from the durable queue log. Supervisors and admins see all;
// an agent his own figures only (src/seats/report.ts). The store's refusals
// (CASE_REPORT_INVALID) come back as they are.

const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'a Beijing calendar day YYYY-MM-DD' });
/** One of these words; typed as the words (a mapped Union would type as string). */
function words<const T extends readonly string[]>(xs: T, description: string) {
  return Type.Unsafe<T[number]>(Type.Union(xs.map((x) => Type.Literal(x)), { description }));
}
const PeriodSchema = Type.Object({ from: Day, to: Day }, { additionalProperties: false, description: 'inclusive days' });

const REPORT_MESSAGES = {
  report: {
    schema: message('report', {
      period: PeriodSchema,
      by: Type.Optional(words(['none', 'agent', 'category', 'department', 'kind'] as const, 'break the case counts down by (default none; an agent gets `agent`, his own row)')),
      granularity: Type.Optional(words(['total', 'day', 'month', 'year'] as const, 'one row per (default total); `day` over at most 400 days')),
      compareTo: Type.Optional(Type.Union([Type.Literal('last_year'), PeriodSchema], { description: '`last_year`: the same days a year earlier (同期比); or any other period, e.g. the one before (环比)' })),
      metrics: Type.Optional(Type.Array(words(['calls', 'cases', 'consultation', 'complaint', 'report', 'suggestion', 'mailbox', 'dispatches', 'closed'] as const, 'a case metric'), { minItems: 1, maxItems: 9, description: 'case metrics (default all)' })),
      queues: Type.Optional(Type.Boolean({ description: 'with the queue figures (default true): per queue SL, ASA, abandon rate, AHT; per agent 话务量, AHT, occupancy, not-ready time' })),
      serviceLevelS: Type.Optional(Type.Number({ minimum: 0, maximum: 3600, description: 'T of the service level in s (default the server\'s, 20)' })),
    }),
    roles: ALL,
    summary: '`hotline report` in the console: case statistics from the store\'s counters and the ACD\'s queue figures for a period, with 同期比 (last_year) or 环比 (another period). Supervisors and admins see every row; an agent only his own (by agent, his row; queue-wide figures left out).',
    result: '`{ cases: { query, metrics, rows: [{ period, key, label, counts, previous?, changePct?, subtotal? }], subtotals, total, comparePeriod? }, queues: { period, comparePeriod?, granularity, serviceLevelMs, rows: [{ period, queues: { ID: { entered, answered, abandoned, serviceLevel, asaMs, abandonRate, ahtMs, … } }, agents: { ID: { answered, handled, missed, ahtMs, occupancy, notReadyMs, … } }, occupancy, previous? }], total } | null, scope: "all" | "own" }` (queues null without a queue log)',
  },
  'case-reference': {
    schema: message('case-reference', {}),
    roles: ALL,
    summary: 'What the case screens choose from: the configured category tree (the store\'s `categoryId` values) and the departments a case may be dispatched to (执法调度).',
    result: '`{ categories: [{ id, name, children? }], departments: [{ id, name, head?, phone? }] }`',
  },
} as const satisfies Record<string, MessageDef>;

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
    summary: 'Log another agent out of the ACD (强制签出): at once when idle; during an offer or a call the call is never cut and the logout follows it (and its wrap-up; `pendingLogout` meanwhile).',
    result: 'that agent\'s state',
  },
  ping: {
    schema: message('ping', {}),
    roles: 'anyone',
    summary: 'Liveness check.',
    result: '`{ serverTime }` (UTC ms)',
  },
  ...CASE_MESSAGES,
  ...CALL_MESSAGES,
  ...OPS_MESSAGES,
  ...ADMIN_MESSAGES,
  // the admin pages' changes (admin-protocol.ts)
  ...ADMIN_EDIT_MESSAGES,
  ...REPORT_MESSAGES,
  ...VOICE_MESSAGES,
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
  pendingLogout: Type.Optional(Type.Boolean({ description: 'a supervisor logged him out during a call: applied after it' })),
  timeInStateMs: Type.Integer({ minimum: 0 }),
  seatConnected: Type.Boolean(),
  callId: Type.Optional(Type.String({ description: 'the call offered to him or connected (reserved, ringing, talking, held)' })),
  callQueue: Type.Optional(Type.String({ description: 'the ACD queue that call came through' })),
  callerNumber: Type.Optional(Type.String({ description: 'the caller\'s number on that call (absent when withheld)' })),
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
  recordingAlarms: Type.Array(
    Type.Object({
      code: Type.String({ description: 'HL_EREC_DISKFULL, HL_EREC_IO, HL_EREC_ACCESS …' }),
      message: Type.String(),
      channel: Type.String({ description: 'the channel whose recording stopped' }),
      at: Type.Integer({ description: 'raised at (epoch ms)' }),
      callId: Type.Optional(Type.String({ description: 'a per-call recording\'s call' })),
    }),
    { description: 'recordings stopped by a failure (disk full, I/O error), each until it records again' },
  ),
});
export type Wallboard = Static<typeof Wallboard>;

const Levels = Type.Record(Type.String(), Type.Integer({ minimum: 1, maximum: 100 }), { description: 'skill → level 1–100' });
export const Directory = Type.Object({
  agents: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.Optional(Type.String({ description: 'absent: in the ACD roster but not in the case store (cannot log in)' })),
      role: Type.Optional(Type.Union([Type.Literal('agent'), Type.Literal('supervisor'), Type.Literal('admin')])),
      departmentId: Type.Optional(Type.String()),
      active: Type.Optional(Type.Boolean({ description: 'false: deactivated (cannot log in)' })),
      inRoster: Type.Boolean({ description: 'in the ACD roster the engine runs (takes queue calls)' }),
      skills: Levels,
      queues: Type.Array(Type.String(), { description: 'queues he is a member of' }),
      station: Type.Optional(Type.String({ description: 'his station port, when configured' })),
      wrapUpMs: Type.Optional(Type.Integer()),
    }),
  ),
  departments: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), head: Type.Optional(Type.String()), phone: Type.Optional(Type.String()), active: Type.Optional(Type.Boolean()) })),
  queues: Type.Array(
    Type.Object({
      id: Type.String(),
      strategy: Type.String(),
      members: Type.Array(Type.Object({ agent: Type.String(), penalty: Type.Optional(Type.Integer()) })),
      requiredSkills: Levels,
      wrapUpMs: Type.Optional(Type.Integer()),
      ringTimeoutMs: Type.Optional(Type.Integer()),
      maxWaitMs: Type.Optional(Type.Integer()),
    }),
  ),
});
export type Directory = Static<typeof Directory>;

export const Snapshot = Type.Object({
  agentId: Type.String(),
  role: Type.Union([Type.Literal('agent'), Type.Literal('supervisor'), Type.Literal('admin')]),
  agent: Type.Union([AgentStateView, Type.Null()], { description: 'null when the agent is not in the ACD roster' }),
  queues: Type.Array(QueueView, { description: 'the queues the agent serves' }),
  call: Type.Optional(
    Type.Object(
      { callId: Type.String(), state: Type.Union([Type.Literal('offered'), Type.Literal('talking'), Type.Literal('held')]), station: Type.String({ description: 'the station port (board channel name)' }) },
      { description: 'the call on the agent\'s telephone, when there is one (a seat that reconnects finds it here)' },
    ),
  ),
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
  details: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'what the error names, e.g. CASE_INVALID: `errors: [{ field, code, message }]`' })),
});

// ---- the screen pop (seatapi) ----------------------------------------------

export const CaseSummary = Type.Object({
  number: Type.String(),
  kind: Type.String(),
  status: Type.String(),
  result: Type.Optional(Type.String()),
  createdAt: Type.Integer(),
  agentId: Type.Optional(Type.String()),
  complainant: Type.Optional(Type.String({ description: 'the complainant\'s name' })),
  business: Type.Optional(Type.String({ description: 'the business\'s name' })),
  callbackPending: Type.Boolean(),
  missingFields: Type.Array(Type.String()),
});
export type CaseSummary = Static<typeof CaseSummary>;

export const HistoryItemView = Type.Object({
  type: Type.Union([Type.Literal('case'), Type.Literal('call')]),
  at: Type.Integer({ description: 'UTC epoch ms' }),
  number: Type.Optional(Type.String({ description: 'case' })),
  kind: Type.Optional(Type.String({ description: 'case' })),
  status: Type.Optional(Type.String({ description: 'case' })),
  result: Type.Optional(Type.String({ description: 'case' })),
  callId: Type.Optional(Type.String({ description: 'call' })),
  agentId: Type.Optional(Type.String({ description: 'call: who answered' })),
  caseNumber: Type.Optional(Type.String({ description: 'call: the case made during it' })),
  outcome: Type.Optional(Type.String({ description: 'call: answered, abandoned, ivr_only …' })),
});

export const ScreenPop = Type.Object({
  callerNumber: Type.Union([Type.String(), Type.Null()], { description: 'null: caller id withheld' }),
  calledNumber: Type.Union([Type.String(), Type.Null()]),
  ivrPath: Type.Array(Type.String(), { description: 'IVR nodes passed, in order' }),
  ivrVars: Type.Record(Type.String(), Type.String(), { description: 'what the caller keyed' }),
  history: Type.Array(HistoryItemView, { description: 'his earlier cases and calls, newest first (at most 20)' }),
  openCases: Type.Array(CaseSummary, { description: 'his cases not yet closed' }),
  enteredCase: Type.Union([CaseSummary, Type.Null()], { description: 'the case whose number he keyed in the IVR, when it exists' }),
  enteredCaseError: Type.Optional(Type.String({ description: 'why the keyed number gave no case: CASE_NUMBER_CHECK, CASE_NOT_FOUND …' })),
  kindFrom: Type.Union([Type.Literal('ivr-var'), Type.Literal('entered-case'), Type.Literal('ivr-path'), Type.Literal('default')], { description: 'what the guess of `form.kind` rests on' }),
  form: Type.Object({
    kind: Type.String({ description: 'guessed; the agent may change it' }),
    channel: Type.Literal('hotline'),
    callerNumber: Type.Optional(Type.String()),
    callbackNumber: Type.Optional(Type.String()),
    complainant: Type.Optional(Type.Object({ name: Type.String(), phone: Type.String(), address: Type.Optional(Type.String()) }, { description: 'as he gave it in his latest case on this number, if any' })),
    callId: Type.Optional(Type.String()),
  }, { description: 'fields for `case-create`, pre-filled: the agent adds what the kind needs (facts, request …) and sends them' }),
});
export type ScreenPop = Static<typeof ScreenPop>;

function event<const E extends string, D extends TSchema>(name: E, data: D) {
  return Type.Object({ type: Type.Literal('event'), seq: Type.Integer({ minimum: 1 }), event: Type.Literal(name), data });
}

/** Server events, in the order of `seq` per socket. */
// ---- call events (legs) ----------------------------------------------------

const CallId = Type.String({ description: 'the call id (call records, recordings and cases carry it)' });
export const CallOffer = Type.Object({
  callId: CallId,
  queue: Type.String(),
  callerNumber: Type.Optional(Type.String()),
  vars: Type.Record(Type.String(), Type.String(), { description: 'the IVR variables of the call: what the caller keyed (the raw screen-pop data)' }),
  headset: Type.Boolean({ description: 'true: the station is off hook and heard a zip tone; send `answer`. false: the phone rings; lift the handset' }),
});
const CallRef = Type.Object({ callId: CallId });

export const SERVER_EVENTS = {
  snapshot: { schema: event('snapshot', Snapshot), summary: 'Everything the seat shows, after login/resume and on request.' },
  'agent-state': { schema: event('agent-state', AgentStateView), summary: 'The agent\'s own state changed (by himself, a supervisor, the ACD: missed offers, seat gone while ready).' },
  wallboard: { schema: event('wallboard', Wallboard), summary: 'Supervisors who asked for `wallboard` with `live: true`: on every agent change and once a second.' },
  'screen-pop': { schema: event('screen-pop', ScreenPop), summary: 'On an offer to this agent (sent by the call layer with its `offer` event): the caller\'s history, open cases, the case he keyed, a pre-filled case form.' },
  offer: { schema: event('offer', CallOffer), summary: 'A call is offered to this agent (his phone rings, or a zip tone in his headset); a `screen-pop` event follows.' },
  'offer-cancelled': { schema: event('offer-cancelled', Type.Object({ callId: CallId, reason: Type.String({ description: 'no-answer, answered-elsewhere, caller-gone' }) })), summary: 'The offer ended without this agent answering.' },
  connected: { schema: event('connected', Type.Object({ callId: CallId, callerNumber: Type.Optional(Type.String()) })), summary: 'The agent is connected to the caller (talking).' },
  held: { schema: event('held', CallRef), summary: 'The caller is on hold.' },
  'consult-answered': { schema: event('consult-answered', Type.Object({ callId: CallId, target: Target })), summary: 'The consulted party answered: the agent talks with it, the caller is held.' },
  'consult-ended': { schema: event('consult-ended', Type.Object({ callId: CallId, reason: Type.String({ description: 'no-answer, target-hung-up, cancelled, completed, conference' }) })), summary: 'The consultation is over.' },
  conference: { schema: event('conference', Type.Object({ callId: CallId, parties: Type.Integer({ minimum: 2 }) })), summary: 'The call is a conference of this many parties.' },
  transferred: { schema: event('transferred', Type.Object({ callId: CallId, to: Type.String({ description: 'agent:ID, queue:ID or external:NUMBER' }), kind: Type.Union([Type.Literal('blind'), Type.Literal('consult')]) })), summary: 'The agent transferred the call (he is in wrap-up now).' },
  'call-waiting': { schema: event('call-waiting', Type.Object({ queue: Type.String(), waiting: Type.Integer({ minimum: 0 }), longestWaitMs: Type.Integer({ minimum: 0 }) })), summary: '呼叫等待提示: while this agent is on a call, a call joined one of his queues (a short tone in his ear too when the engine is started with it).' },
  'placed-connected': { schema: event('placed-connected', Type.Object({ callId: CallId, to: Type.String() })), summary: 'The call this seat placed is answered.' },
  'placed-ended': { schema: event('placed-ended', Type.Object({ callId: CallId, outcome: Type.String({ description: 'outbound_completed, outbound_no_answer, outbound_abandoned' }) })), summary: 'The call this seat placed is over.' },
  intercom: { schema: event('intercom', Type.Object({ callId: CallId, from: Type.String() })), summary: 'Another agent or supervisor called this one\'s station (呼叫班长 / 呼叫话务员), answered.' },
  supervising: { schema: event('supervising', Type.Object({ callId: CallId, agentId: Type.String(), supervisorId: Type.String(), mode: Type.String({ description: 'listen, whisper or barge' }) })), summary: 'To the supervisor: he is in the agent\'s call in this mode.' },
  'supervise-ended': { schema: event('supervise-ended', Type.Object({ callId: CallId, agentId: Type.String(), supervisorId: Type.String(), reason: Type.String({ description: 'left, hung-up (his station), agent-left (transfer, hang-up, back to the IVR), call-ended' }) })), summary: 'To the supervisor: he is out of the agent\'s call (his station stays off hook).' },
  retrieved: { schema: event('retrieved', CallRef), summary: 'The held caller is back.' },
  ended: { schema: event('ended', Type.Object({ callId: CallId, by: Type.Union([Type.Literal('caller'), Type.Literal('agent'), Type.Literal('system')]) })), summary: 'The conversation ended (the caller or the agent hung up).' },
  'voice-ended': { schema: event('voice-ended', Type.Object({ reason: Type.String({ description: 'taken-over (another socket of this agent started the phone), line-cleared, stopped' }) })), summary: 'The browser phone of this socket is off: no more audio frames either way.' },
  'session-ended': { schema: event('session-ended', Type.Object({ code: Type.String(), message: Type.String() })), summary: 'The session expired or was ended; the socket closes after it.' },
} as const;

export type ServerEventName = keyof typeof SERVER_EVENTS;
