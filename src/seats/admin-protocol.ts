// The console's admin pages (系统配置): the messages that change agents,
// departments, queues and skills, the knowledge base, the holiday calendar
// and the IVR flow. Kept apart from protocol.ts; CLIENT_MESSAGES takes them
// in. The schemas bound the envelope only: every field is checked by the
// same code the CLI and the engine use (the case store's people checks:
// CASE_FIELD_INVALID with `details.field`; the calendar: CASE_CALENDAR_INVALID;
// the ACD's configuration check: ACD_CONFIG_INVALID; the flow loader's
// checks: IVR_FLOW_INVALID with `details.problems` [{ pointer, message, line }]).
// Reading is for supervisors and admins; changing for admins only (SEAT_FORBIDDEN
// otherwise). Every change is audited (`admin-audit`). Nothing is ever deleted:
// an agent or department is deactivated (`active: false`), so the cases that
// name it still do.
import { Type, type TSchema } from 'typebox';
import type { Role } from './protocol.ts';

const RequestId = Type.String({ minLength: 1, maxLength: 64, description: 'chosen by the client; the reply carries it back' });

function adminMessage<const T extends string, P extends Record<string, TSchema>>(type: T, props: P) {
  return Type.Object({ id: RequestId, type: Type.Literal(type), ...props }, { additionalProperties: false });
}

const READERS: readonly Role[] = ['supervisor', 'admin'];
const ADMINS: readonly Role[] = ['admin'];

const Text = (max: number, description?: string) => Type.String({ maxLength: max, ...(description ? { description } : {}) });
const Day = Type.String({ maxLength: 10, description: 'a day YYYY-MM-DD (checked by the calendar: CASE_CALENDAR_INVALID)' });
const Level = Type.Integer({ minimum: 1, maximum: 100 });
const Skills = Type.Record(Type.String({ minLength: 1, maxLength: 64 }), Level, { description: 'skill → level 1–100', maxProperties: 100 });
const FlowText = {
  text: Type.String({ maxLength: 1_000_000, description: 'the whole flow document' }),
  format: Type.Union([Type.Literal('yaml'), Type.Literal('json')], { description: 'how the text is written' }),
};

export const ADMIN_EDIT_MESSAGES = {
  'admin-agent-put': {
    schema: adminMessage('admin-agent-put', {
      agent: Type.Object(
        {
          id: Text(64),
          name: Text(200),
          role: Text(16, 'agent, supervisor or admin'),
          departmentId: Type.Optional(Text(64)),
          password: Type.Optional(Text(256, 'a new agent needs one (at least 6 characters); absent on an edit: his password stays')),
          active: Type.Optional(Type.Boolean({ description: 'false: deactivated (cannot log in, leaves the ACD roster at the next start); his cases keep naming him' })),
        },
        { additionalProperties: false },
      ),
    }),
    roles: ADMINS,
    summary: 'Add or edit an agent (as `hotline cases agents add`; the password is stored as a scrypt hash). Deactivate with `active: false`: agents are never deleted; his sessions end at once (`session-ended`) and the ACD logs him out (at once when idle, after his call and wrap-up otherwise). An admin cannot deactivate himself or take his own admin role (SEAT_ADMIN_SELF). The ACD roster follows at the next start.',
    result: '`{ agent, takesEffect: "now" | "restart" }` (without password hash)',
  },
  'admin-department-put': {
    schema: adminMessage('admin-department-put', {
      department: Type.Object(
        { id: Text(64), name: Text(200), head: Type.Optional(Text(200)), phone: Type.Optional(Text(32)), active: Type.Optional(Type.Boolean({ description: 'false: deactivated; cases dispatched to it keep naming it' })) },
        { additionalProperties: false },
      ),
    }),
    roles: ADMINS,
    summary: 'Add or edit a department (as `hotline cases departments add`); deactivate with `active: false`.',
    result: '`{ department }`',
  },
  'admin-kb-list': {
    schema: adminMessage('admin-kb-list', { category: Type.Optional(Text(32)) }),
    roles: READERS,
    summary: 'Every knowledge-base entry (or one category), by id; `kb-search` searches them.',
    result: '`{ entries: [{ id, category, title, text, menuCode?, promptFile?, updatedAt }] }`',
  },
  'admin-kb-put': {
    schema: adminMessage('admin-kb-put', {
      entry: Type.Object(
        { id: Text(64), category: Text(32), title: Text(500), text: Text(20000), menuCode: Type.Optional(Text(8)), promptFile: Type.Optional(Text(500)) },
        { additionalProperties: false },
      ),
    }),
    roles: ADMINS,
    summary: 'Add or replace a knowledge-base entry (as `hotline cases kb put`): agents find it at once; a menu code must be free (CASE_MENU_CODE_TAKEN).',
    result: '`{ entry }`',
  },
  'admin-calendar': {
    schema: adminMessage('admin-calendar', { year: Type.Integer({ minimum: 2000, maximum: 2100 }) }),
    roles: READERS,
    summary: 'The bureau\'s working calendar for a year (deadlines and the IVR\'s hours node follow it): the days off and the make-up working days configured in it.',
    result: '`{ year, timeZone, holidays: [YYYY-MM-DD], workingWeekends: [YYYY-MM-DD], saved: boolean (the console saved a calendar in the data folder) }`',
  },
  'admin-calendar-day': {
    schema: adminMessage('admin-calendar-day', {
      date: Day,
      day: Type.Union([Type.Literal('holiday'), Type.Literal('working'), Type.Literal('normal')], { description: 'holiday: a day off; working: a weekend day worked (调休上班); normal: as the weekday says' }),
    }),
    roles: ADMINS,
    summary: 'Make a day a holiday, a make-up working day or an ordinary day. In force at once for new deadlines and the hours node (deadlines already set stay), saved in DATA/config/calendar.json for the next start.',
    result: 'as `admin-calendar` for that year, with `takesEffect: "now"`',
  },
  'admin-acd': {
    schema: adminMessage('admin-acd', {}),
    roles: READERS,
    summary: 'The queue and skill edits saved for the next start (DATA/config/acd.json); `directory` shows what runs now.',
    result: '`{ saved: { queues: { ID: { strategy?, members?, requiredSkills? } }, skills: { AGENT: { SKILL: LEVEL } } }, takesEffect: "restart" }`',
  },
  'admin-queue-put': {
    schema: adminMessage('admin-queue-put', {
      queue: Type.Object(
        {
          id: Text(64),
          strategy: Text(32, 'ring-all, longest-idle, fewest-calls, least-talk-time, round-robin, linear, top-down, random, weighted-random, ring-progressively'),
          members: Type.Array(Type.Object({ agent: Text(64), penalty: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })) }, { additionalProperties: false }), { maxItems: 1000 }),
          requiredSkills: Skills,
        },
        { additionalProperties: false },
      ),
    }),
    roles: ADMINS,
    summary: 'Change a queue\'s strategy, members (in order, with penalty) and required skills. Checked by the ACD\'s own configuration check against the roster (ACD_UNKNOWN_QUEUE, ACD_CONFIG_INVALID); the ACD builds its queues at start, so it is saved (DATA/config/acd.json) and takes effect at the next start.',
    result: '`{ saved, takesEffect: "restart" }`',
  },
  'admin-skills-put': {
    schema: adminMessage('admin-skills-put', { agentId: Text(64), skills: Skills }),
    roles: ADMINS,
    summary: 'Set an agent\'s skills and levels (checked as the ACD checks them; saved, takes effect at the next start).',
    result: '`{ saved, takesEffect: "restart" }`',
  },
  'admin-flow': {
    schema: adminMessage('admin-flow', {}),
    roles: READERS,
    summary: 'The IVR flow in service: its file and text, and its nodes in the order a caller meets them, each with where it leads.',
    result: '`{ file, name, version, format, text, nodes: [{ id, type, note?, to: [[field, node]] }], warnings: [{ pointer, message, line? }] }`',
  },
  'admin-flow-check': {
    schema: adminMessage('admin-flow-check', FlowText),
    roles: READERS,
    summary: 'Check a flow text with the engine\'s loader (schema, meaning, prompts) without saving it: every problem with its JSON pointer and line.',
    result: '`{ ok, code?: IVR_FLOW_UNREADABLE | IVR_FLOW_INVALID, problems: [{ pointer, message, line? }], warnings, nodes? }`',
  },
  'admin-flow-save': {
    schema: adminMessage('admin-flow-save', FlowText),
    roles: ADMINS,
    summary: 'Check, save (DATA/config/flow.yaml or .json) and reload the flow into the running engine: calls in progress keep the flow they started with, the next call takes the new one. Refused with IVR_FLOW_UNREADABLE / IVR_FLOW_INVALID (`details.problems` with lines) and nothing changes.',
    result: '`{ file, name, version, nodes, warnings, takesEffect: "now" }`',
  },
  'admin-audit': {
    schema: adminMessage('admin-audit', { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, description: 'at most this many (default 100)' })) }),
    roles: READERS,
    summary: 'Who changed what and when through these messages, newest first.',
    result: '`{ entries: [{ at, by, type, target, before?, after? }] }` (passwords never appear)',
  },
} as const;
