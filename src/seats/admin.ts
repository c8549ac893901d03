// What the admin-* seat messages do (admin-protocol.ts): the changes of the
// console's admin pages, each checked by the code the CLI and the engine
// use, persisted where they persist it, and audited (admin-audit.ts).
//   agents, departments, knowledge base → the case store (LMDB), at once
//   calendar → the store's calendar (at once) and DATA/config/calendar.json
//   queues, skills → DATA/config/acd.json (the ACD builds queues at start)
//   flow → DATA/config/flow.yaml|json, reloaded into the running engine
// The store and the ACD are used through their public methods only.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { acdError } from '../acd/errors.ts';
import { buildModel } from '../acd/model.ts';
import type { AcdConfig, Strategy } from '../acd/types.ts';
import { dayKeyToEpochDay, isoToDayKey, type BureauCalendar } from '../cases/calendar.ts';
import { CaseErrors, caseError } from '../cases/errors.ts';
import type { Agent, AgentInput, AgentRole, Department, KnowledgeCategory, KnowledgeEntry } from '../cases/types.ts';
import { applyAcdOverlay, CALENDAR_FILE, FLOW_FILES, readAcdOverlay, writeAcdOverlay, writeCalendarFile, writeWhole, type AcdOverlay } from '../calls/console-config.ts';
import { rosterConfig } from '../calls/roster.ts';
import { IvrError } from '../ivr/errors.ts';
import type { FlowHost } from '../ivr/flow.ts';
import { checkFlowText, flowNodes, lineOf, type FlowFormat } from '../ivr/flow-text.ts';
import type { PromptSet } from '../ivr/prompts.ts';
import { isHotlineError } from '../errors.ts';
import { AdminAudit, type AuditHost } from './admin-audit.ts';
import { ADMIN_EDIT_MESSAGES } from './admin-protocol.ts';
import type { Session } from './auth.ts';
import { seatError } from './errors.ts';
import type { ClientMessage } from './protocol.ts';

export interface AdminStore extends AuditHost {
  readonly calendar: BureauCalendar;
  getAgent(id: string): Promise<Agent | null>;
  listAgents(): Promise<Agent[]>;
  putAgent(a: AgentInput): Promise<Agent>;
  listDepartments(): Promise<Department[]>;
  putDepartment(d: Department): Promise<void>;
  getKnowledge(id: string): Promise<KnowledgeEntry | null>;
  listKnowledge(category?: KnowledgeCategory): Promise<KnowledgeEntry[]>;
  putKnowledge(e: KnowledgeEntry): Promise<KnowledgeEntry>;
}

export interface AdminContext {
  store: AdminStore;
  /** The engine's data folder (DATA/config holds the saved calendar, queues and flow). */
  dataDir: string;
  /** The ACD configuration the engine runs. */
  acdConfig: AcdConfig;
  /** The flow in service and the prompts it is checked against (flow messages need them). */
  flows?: FlowHost;
  prompts?: PromptSet;
}

type AdminType = keyof typeof ADMIN_EDIT_MESSAGES;
type AdminMessage = Extract<ClientMessage, { type: AdminType }>;

export function isAdminEditMessage(m: ClientMessage): m is AdminMessage {
  return Object.hasOwn(ADMIN_EDIT_MESSAGES, m.type);
}

const sha = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16);
const takes = (agents: Agent[]) => new Set(rosterConfig(agents).agents.map((a) => a.id));

/** The admin messages of one seat server (one audit table). */
export class AdminService {
  private readonly audit: AdminAudit;
  /** Changes run one after another, whoever sends them: a read-modify-write of a file never interleaves with another. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly ctx: AdminContext) {
    this.audit = new AdminAudit(ctx.store);
  }

  run(s: Session, m: AdminMessage): Promise<unknown> {
    const next = this.chain.then(() => this.one(s, m));
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async one(s: Session, m: AdminMessage): Promise<unknown> {
    const { store } = this.ctx;
    const by = s.agentId;
    switch (m.type) {
      case 'admin-agent-put': {
        const a = m.agent;
        if (a.id === by && (a.active === false || a.role !== 'admin')) throw seatError('SEAT_ADMIN_SELF', `'${by}'`, { field: a.active === false ? 'active' : 'role' });
        const before = await store.getAgent(a.id);
        const agent = await store.putAgent({ ...a, role: a.role as AgentRole });
        await this.audit.record({ by, type: m.type, target: a.id, before, after: a.password !== undefined ? { ...agent, password: 'changed' } : agent });
        // Log in and out follows at once; the ACD roster (who takes queue calls) at the next start.
        const inRoster = new Set(this.ctx.acdConfig.agents.map((x) => x.id));
        const roster = takes([agent]).has(agent.id);
        return { agent, takesEffect: roster === inRoster.has(agent.id) ? 'now' : 'restart' };
      }
      case 'admin-department-put': {
        const before = (await store.listDepartments()).find((d) => d.id === m.department.id) ?? null;
        await store.putDepartment(m.department);
        const department = (await store.listDepartments()).find((d) => d.id === m.department.id);
        await this.audit.record({ by, type: m.type, target: m.department.id, before, after: department });
        return { department };
      }
      case 'admin-kb-list':
        return { entries: await store.listKnowledge(m.category as KnowledgeCategory | undefined) };
      case 'admin-kb-put': {
        const before = await store.getKnowledge(m.entry.id);
        const entry = await store.putKnowledge(m.entry as KnowledgeEntry);
        await this.audit.record({ by, type: m.type, target: entry.id, before, after: entry });
        return { entry };
      }
      case 'admin-calendar':
        return this.calendarView(m.year);
      case 'admin-calendar-day':
        return this.calendarDay(by, m.date, m.day);
      case 'admin-acd':
        return { saved: readAcdOverlay(this.ctx.dataDir), takesEffect: 'restart' };
      case 'admin-queue-put': {
        const q = m.queue;
        if (!this.ctx.acdConfig.queues.some((x) => x.id === q.id)) throw acdError('ACD_UNKNOWN_QUEUE', `'${q.id}' (the queues: ${this.ctx.acdConfig.queues.map((x) => x.id).join(', ')})`);
        return this.saveAcd(by, m.type, q.id, (o) => {
          o.queues[q.id] = { strategy: q.strategy as Strategy, members: q.members.map((x) => ({ agent: x.agent, ...(x.penalty !== undefined ? { penalty: x.penalty } : {}) })), requiredSkills: { ...q.requiredSkills } };
        });
      }
      case 'admin-skills-put':
        return this.saveAcd(by, m.type, m.agentId, (o) => {
          o.skills[m.agentId] = { ...m.skills };
        });
      case 'admin-audit':
        return { entries: this.audit.list(m.limit ?? 100) };
      case 'admin-flow':
        return this.flowView();
      case 'admin-flow-check': {
        const r = checkFlowText(m.text, m.format, this.ctx.prompts);
        return { ok: r.code === undefined, ...(r.code ? { code: r.code } : {}), problems: r.problems, warnings: r.warnings, ...(r.flow ? { nodes: flowNodes(r.flow) } : {}) };
      }
      case 'admin-flow-save':
        return this.flowSave(by, m.text, m.format);
    }
  }

  // ---- calendar -------------------------------------------------------------

  private calendarView(year: number) {
    const cal = this.ctx.store.calendar;
    const { holidays, workingWeekends } = cal.days();
    const inYear = (d: string) => d.startsWith(`${year}-`);
    // Each day of the year as the calendar counts it ('1' working, '0' off), from 1 January.
    const first = dayKeyToEpochDay(year * 10000 + 101);
    const last = dayKeyToEpochDay(year * 10000 + 1231);
    let working = '';
    for (let d = first; d <= last; d++) {
      const t = new Date(d * 86_400_000);
      working += cal.isWorkingDay(t.getUTCFullYear() * 10000 + (t.getUTCMonth() + 1) * 100 + t.getUTCDate()) ? '1' : '0';
    }
    return { year, timeZone: cal.timeZone, holidays: holidays.filter(inYear), workingWeekends: workingWeekends.filter(inYear), working, saved: existsSync(join(this.ctx.dataDir, CALENDAR_FILE)) };
  }

  private async calendarDay(by: string, date: string, day: 'holiday' | 'working' | 'normal') {
    const cal = this.ctx.store.calendar;
    const key = isoToDayKey(date, 'date');
    const dow = (dayKeyToEpochDay(key) + 4) % 7;
    if (day === 'working' && dow !== 0 && dow !== 6) throw caseError(CaseErrors.CASE_CALENDAR_INVALID, `date: ${date} is a weekday, a working day already; a make-up working day (调休上班) is a Saturday or Sunday`, { field: 'date' });
    const old = cal.days();
    const was = old.holidays.includes(date) ? 'holiday' : old.workingWeekends.includes(date) ? 'working' : 'normal';
    const holidays = old.holidays.filter((d) => d !== date);
    const workingWeekends = old.workingWeekends.filter((d) => d !== date);
    if (day === 'holiday') holidays.push(date);
    if (day === 'working') workingWeekends.push(date);
    cal.setDays(holidays.sort(), workingWeekends.sort());
    try {
      writeCalendarFile(this.ctx.dataDir, { timeZone: cal.timeZone, ...cal.days() });
    } catch (e) {
      cal.setDays(old.holidays, old.workingWeekends);
      throw seatError('SEAT_ADMIN_SAVE_FAILED', `${CALENDAR_FILE}: ${(e as Error).message}`);
    }
    await this.audit.record({ by, type: 'admin-calendar-day', target: date, before: was, after: day });
    return { ...this.calendarView(Math.floor(key / 10000)), takesEffect: 'now' };
  }

  // ---- queues and skills ------------------------------------------------------

  /**
   * The edit applied to the saved overlay, checked by the ACD's own
   * configuration check (buildModel) over the roster it will run with: the
   * running one and the store's agents who take calls at the next start.
   */
  private async saveAcd(by: string, type: string, target: string, edit: (o: AcdOverlay) => void) {
    const before = readAcdOverlay(this.ctx.dataDir);
    const next: AcdOverlay = structuredClone(before);
    edit(next);
    const base = this.ctx.acdConfig;
    const known = new Set(base.agents.map((a) => a.id));
    const extra = rosterConfig(await this.ctx.store.listAgents()).agents.filter((a) => !known.has(a.id));
    const roster: AcdConfig = { ...base, agents: [...base.agents, ...extra] };
    for (const id of Object.keys(next.skills)) if (!roster.agents.some((a) => a.id === id)) throw acdError('ACD_UNKNOWN_AGENT', `'${id}' takes no queue calls (not an active agent or supervisor)`, { field: 'agentId' });
    for (const [qid, q] of Object.entries(next.queues)) {
      for (const mem of q.members ?? []) if (!roster.agents.some((a) => a.id === mem.agent)) throw acdError('ACD_CONFIG_INVALID', `queue '${qid}': member '${mem.agent}' is not in the agent roster`, { field: 'members' });
    }
    buildModel(applyAcdOverlay(roster, next), 0);
    try {
      writeAcdOverlay(this.ctx.dataDir, next);
    } catch (e) {
      throw seatError('SEAT_ADMIN_SAVE_FAILED', `${(e as Error).message}`);
    }
    const pick = (o: AcdOverlay) => (type === 'admin-skills-put' ? (o.skills[target] ?? null) : (o.queues[target] ?? null));
    await this.audit.record({ by, type, target, before: pick(before), after: pick(next) });
    return { saved: next, takesEffect: 'restart' };
  }

  // ---- the IVR flow -----------------------------------------------------------

  private flows(): FlowHost {
    if (!this.ctx.flows) throw seatError('SEAT_ADMIN_UNAVAILABLE', 'no IVR flow in this server');
    return this.ctx.flows;
  }

  private flowView() {
    const f = this.flows().current;
    const text = readFileSync(f.file, 'utf8');
    return {
      file: f.file,
      name: f.name,
      version: f.version,
      format: f.file.endsWith('.json') ? 'json' : 'yaml',
      text,
      nodes: flowNodes(f),
      warnings: f.warnings.map((w) => ({ ...w, ...withLine(text, w.pointer) })),
    };
  }

  private async flowSave(by: string, text: string, format: FlowFormat) {
    const host = this.flows();
    const r = checkFlowText(text, format, this.ctx.prompts);
    if (r.code) {
      const n = r.problems.length;
      throw new IvrError(r.code, `the flow is refused, ${n} problem${n === 1 ? '' : 's'}: ${r.problems.map((p) => `${p.line ? `line ${p.line} ` : ''}${p.pointer || '/'}: ${p.message}`).join('; ')}`, { problems: r.problems });
    }
    const before = host.current;
    const rel = FLOW_FILES[format === 'json' ? 1 : 0];
    const other = join(this.ctx.dataDir, FLOW_FILES[format === 'json' ? 0 : 1]);
    const file = join(this.ctx.dataDir, rel);
    const old = existsSync(file) ? readFileSync(file, 'utf8') : null;
    try {
      writeWhole(this.ctx.dataDir, rel, text);
    } catch (e) {
      throw seatError('SEAT_ADMIN_SAVE_FAILED', `${rel}: ${(e as Error).message}`);
    }
    let flow;
    try {
      // The loader's own reload: calls in progress keep the flow they hold.
      flow = host.reload(file);
    } catch (e) {
      if (old === null) rmSync(file, { force: true });
      else writeWhole(this.ctx.dataDir, rel, old);
      throw isHotlineError(e) ? e : seatError('SEAT_ADMIN_SAVE_FAILED', (e as Error).message);
    }
    // One saved flow: the next start reads this one.
    rmSync(other, { force: true });
    await this.audit.record({ by, type: 'admin-flow-save', target: file, before: { file: before.file, name: before.name, version: before.version, sha256: sha(readOld(before.file, old, file)) }, after: { file, name: flow.name, version: flow.version, sha256: sha(text) } });
    return { file, name: flow.name, version: flow.version, nodes: flowNodes(flow), warnings: r.warnings, takesEffect: 'now' };
  }
}

function withLine(text: string, pointer: string): { line?: number } {
  const line = lineOf(text, pointer);
  return line === undefined ? {} : { line };
}

/** The text of the flow before the save (the saved file's old text when it was the same file). */
function readOld(beforeFile: string, old: string | null, file: string): string {
  if (beforeFile === file) return old ?? '';
  try {
    return readFileSync(beforeFile, 'utf8');
  } catch {
    return '';
  }
}
