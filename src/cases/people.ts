// Departments, agents (scrypt password hashes), the knowledge base (with IVR
// prompts and menu codes) and keypad surveys. Small tables next to the cases,
// written through the same group-committed transactions.
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { Database } from 'lmdb';
import { CaseErrors, caseError } from './errors.ts';
import type {
  Agent,
  AgentInput,
  AgentRole,
  Department,
  KnowledgeCategory,
  KnowledgeEntry,
  SurveyAnswer,
  SurveyAnswerInput,
  SurveyDefinition,
  SurveyTally,
} from './types.ts';

export interface PeopleTables {
  departments: Database<Department, string>;
  agents: Database<Agent & { passwordHash: string }, string>;
  kb: Database<KnowledgeEntry, string>;
  kbMenu: Database<string, string>;
  surveys: Database<SurveyDefinition, string>;
  answers: Database<SurveyAnswer, [string, number, string]>;
  tally: Database<number, [string, string, string]>;
}

interface Host {
  people: PeopleTables;
  write<T>(fn: () => T): Promise<T>;
  now(): number;
}

// scrypt cost: N = 2^14, r = 8, p = 1 (RFC 7914 §2's interactive-login
// setting; ~50 ms and 16 MiB on this class of machine), 16-byte salt, 32-byte key.
const SCRYPT: ScryptOptions = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const ROLES: readonly AgentRole[] = ['agent', 'supervisor', 'admin'];
const KB_CATEGORIES: readonly KnowledgeCategory[] = ['policy', 'regulation', 'product', 'office_guide', 'address', 'faq'];
const ID = /^[A-Za-z0-9_.:-]{1,64}$/;

function scrypt(password: string, salt: Buffer, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCb(password, salt, 32, opts, (err, key) => (err ? reject(err) : resolve(key))));
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function checkPassword(password: string, stored: string): Promise<boolean> {
  const [tag, n, r, p, salt, hash] = stored.split('$');
  if (tag !== 'scrypt') return false;
  const want = Buffer.from(hash, 'base64');
  const got = await scrypt(password, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p), maxmem: SCRYPT.maxmem });
  return got.length === want.length && timingSafeEqual(got, want);
}

function invalid(what: string, message: string): Error {
  return caseError(CaseErrors.CASE_FIELD_INVALID, `${what}: ${message}`);
}

function publicAgent(a: Agent & { passwordHash?: string }): Agent {
  return { id: a.id, name: a.name, role: a.role, ...(a.departmentId ? { departmentId: a.departmentId } : {}) };
}

export function attachPeople(host: Host, target: Record<string, unknown>): void {
  const t = host.people;

  target.putDepartment = async (d: Department): Promise<void> => {
    if (!d || typeof d.id !== 'string' || !ID.test(d.id)) throw invalid('department', 'id must be 1-64 letters, digits or . _ : -');
    if (typeof d.name !== 'string' || d.name.trim() === '') throw invalid('department', `'${d.id}' needs a name`);
    const rec: Department = { id: d.id, name: d.name, ...(d.head ? { head: d.head } : {}), ...(d.phone ? { phone: d.phone } : {}) };
    await host.write(() => t.departments.putSync(d.id, rec));
  };
  target.listDepartments = async (): Promise<Department[]> => [...t.departments.getRange({})].map((e) => e.value);

  target.putAgent = async (a: AgentInput): Promise<Agent> => {
    if (!a || typeof a.id !== 'string' || !ID.test(a.id)) throw invalid('agent', 'id must be 1-64 letters, digits or . _ : -');
    if (typeof a.name !== 'string' || a.name.trim() === '') throw invalid('agent', `'${a.id}' needs a name`);
    if (!ROLES.includes(a.role)) throw invalid('agent', `role must be one of ${ROLES.join(', ')}; got '${String(a.role)}'`);
    if (typeof a.password !== 'string' || a.password.length < 6) throw invalid('agent', 'the password must have at least 6 characters');
    const passwordHash = await hashPassword(a.password);
    const rec = { id: a.id, name: a.name, role: a.role, ...(a.departmentId ? { departmentId: a.departmentId } : {}), passwordHash };
    return host.write(() => {
      if (a.departmentId && !t.departments.get(a.departmentId)) throw caseError(CaseErrors.CASE_DEPARTMENT_UNKNOWN, `department '${a.departmentId}' is not registered`);
      t.agents.putSync(a.id, rec);
      return publicAgent(rec);
    });
  };
  target.getAgent = async (id: string): Promise<Agent | null> => {
    const a = t.agents.get(id);
    return a ? publicAgent(a) : null;
  };
  target.listAgents = async (): Promise<Agent[]> => [...t.agents.getRange({})].map((e) => publicAgent(e.value));
  target.verifyAgent = async (id: string, password: string): Promise<Agent | null> => {
    const a = typeof id === 'string' ? t.agents.get(id) : undefined;
    if (!a || typeof password !== 'string') return null;
    return (await checkPassword(password, a.passwordHash)) ? publicAgent(a) : null;
  };

  target.putKnowledge = async (e: KnowledgeEntry): Promise<KnowledgeEntry> => {
    if (!e || typeof e.id !== 'string' || !ID.test(e.id)) throw invalid('knowledge entry', 'id must be 1-64 letters, digits or . _ : -');
    if (!KB_CATEGORIES.includes(e.category)) throw invalid('knowledge entry', `category must be one of ${KB_CATEGORIES.join(', ')}; got '${String(e.category)}'`);
    if (typeof e.title !== 'string' || e.title.trim() === '') throw invalid('knowledge entry', `'${e.id}' needs a title`);
    if (typeof e.text !== 'string' || e.text.trim() === '') throw invalid('knowledge entry', `'${e.id}' needs its text`);
    if (e.menuCode !== undefined && (typeof e.menuCode !== 'string' || !/^[0-9]{1,8}$/.test(e.menuCode))) {
      throw invalid('knowledge entry', `menuCode must be 1-8 keypad digits; got ${JSON.stringify(e.menuCode)}`);
    }
    if (e.promptFile !== undefined && (typeof e.promptFile !== 'string' || e.promptFile === '')) throw invalid('knowledge entry', 'promptFile must be a file path');
    const rec: KnowledgeEntry = { ...e, updatedAt: host.now() };
    return host.write(() => {
      if (e.menuCode !== undefined) {
        const owner = t.kbMenu.get(e.menuCode);
        if (owner !== undefined && owner !== e.id) throw caseError(CaseErrors.CASE_MENU_CODE_TAKEN, `IVR menu code ${e.menuCode} already plays knowledge entry '${owner}'`);
      }
      const old = t.kb.get(e.id);
      if (old?.menuCode !== undefined && old.menuCode !== e.menuCode) t.kbMenu.removeSync(old.menuCode);
      if (e.menuCode !== undefined) t.kbMenu.putSync(e.menuCode, e.id);
      t.kb.putSync(e.id, rec);
      return rec;
    });
  };
  target.getKnowledge = async (id: string): Promise<KnowledgeEntry | null> => t.kb.get(id) ?? null;
  target.getKnowledgeByMenuCode = async (code: string): Promise<KnowledgeEntry | null> => {
    const id = typeof code === 'string' ? t.kbMenu.get(code) : undefined;
    return id === undefined ? null : (t.kb.get(id) ?? null);
  };
  target.listKnowledge = async (category?: KnowledgeCategory): Promise<KnowledgeEntry[]> =>
    [...t.kb.getRange({})].map((x) => x.value).filter((x) => category === undefined || x.category === category);

  target.putSurvey = async (s: SurveyDefinition): Promise<void> => {
    if (!s || typeof s.id !== 'string' || !ID.test(s.id)) throw invalid('survey', 'id must be 1-64 letters, digits or . _ : -');
    if (typeof s.title !== 'string' || s.title.trim() === '') throw invalid('survey', `'${s.id}' needs a title`);
    if (!Array.isArray(s.questions) || s.questions.length === 0) throw invalid('survey', `'${s.id}' needs at least one question`);
    const seen = new Set<string>();
    for (const q of s.questions) {
      if (!q || typeof q.id !== 'string' || !ID.test(q.id) || seen.has(q.id)) throw invalid('survey', `'${s.id}': every question needs a unique id`);
      seen.add(q.id);
      if (typeof q.text !== 'string' || q.text === '') throw invalid('survey', `'${s.id}' question '${q.id}' needs its text`);
      const keys = q.choices && typeof q.choices === 'object' ? Object.keys(q.choices) : [];
      if (keys.length === 0 || keys.some((k) => !/^[0-9*#]$/.test(k))) throw invalid('survey', `'${s.id}' question '${q.id}': choices are keyed by one keypad key (0-9, *, #)`);
    }
    const rec: SurveyDefinition = { id: s.id, title: s.title, questions: s.questions, active: s.active !== false };
    await host.write(() => t.surveys.putSync(s.id, rec));
  };
  target.getSurvey = async (id: string): Promise<SurveyDefinition | null> => t.surveys.get(id) ?? null;
  target.listSurveys = async (): Promise<SurveyDefinition[]> => [...t.surveys.getRange({})].map((e) => e.value);

  target.saveSurveyAnswer = async (a: SurveyAnswerInput): Promise<SurveyAnswer> => {
    if (!a || typeof a.surveyId !== 'string') throw invalid('survey answer', 'needs a surveyId');
    if (!a.answers || typeof a.answers !== 'object') throw invalid('survey answer', 'answers must map question ids to keys');
    return host.write(() => {
      const s = t.surveys.get(a.surveyId);
      if (!s) throw caseError(CaseErrors.CASE_SURVEY_UNKNOWN, `there is no survey '${a.surveyId}'`);
      for (const [qid, key] of Object.entries(a.answers)) {
        const q = s.questions.find((x) => x.id === qid);
        if (!q) throw caseError(CaseErrors.CASE_SURVEY_ANSWER_INVALID, `survey '${s.id}' has no question '${qid}'`);
        if (!(key in q.choices)) throw caseError(CaseErrors.CASE_SURVEY_ANSWER_INVALID, `survey '${s.id}' question '${qid}' has no choice '${key}' (choices: ${Object.keys(q.choices).join(', ')})`);
      }
      const at = a.at ?? host.now();
      const id = `${at.toString(36)}-${randomBytes(4).toString('hex')}`;
      const rec: SurveyAnswer = { ...a, id, at };
      t.answers.putSync([s.id, at, id], rec);
      const bump = (k: [string, string, string]): void => {
        t.tally.putSync(k, (t.tally.get(k) ?? 0) + 1);
      };
      bump([s.id, '', '']);
      for (const [qid, key] of Object.entries(a.answers)) bump([s.id, qid, key]);
      return rec;
    });
  };
  target.surveyTally = async (surveyId: string): Promise<SurveyTally> => {
    const out: SurveyTally = { surveyId, responses: 0, counts: {} };
    for (const { key, value } of t.tally.getRange({ start: [surveyId], end: [surveyId + '\u0000'] })) {
      if (key[1] === '') out.responses = value;
      else (out.counts[key[1]] ??= {})[key[2]] = value;
    }
    return out;
  };
}
