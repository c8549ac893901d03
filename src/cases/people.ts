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
  Directory,
  KnowledgeBase,
  Surveys,
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

/** A refused field: `field` (in details) names it, for a form to mark. */
function invalid(what: string, message: string, field?: string): Error {
  return caseError(CaseErrors.CASE_FIELD_INVALID, `${what}: ${message}`, field ? { field } : undefined);
}

function publicAgent(a: Agent & { passwordHash?: string }): Agent {
  return { id: a.id, name: a.name, role: a.role, ...(a.departmentId ? { departmentId: a.departmentId } : {}), ...(a.active === false ? { active: false } : {}) };
}

/**
 * A password check for an id that is not registered costs the same scrypt as
 * one for a registered id: an early return would tell a caller, by timing,
 * which agent ids exist. The hash is of a random password, made once.
 */
let dummyHash: Promise<string> | null = null;
function dummy(): Promise<string> {
  return (dummyHash ??= hashPassword(randomBytes(18).toString('base64')));
}

/** Departments and agents. */
export class LmdbDirectory implements Directory {
  constructor(private readonly host: Host) {}

  async putDepartment(d: Department): Promise<void> {
    if (!d || typeof d.id !== 'string' || !ID.test(d.id)) throw invalid('department', 'id must be 1-64 letters, digits or . _ : -', 'id');
    if (typeof d.name !== 'string' || d.name.trim() === '') throw invalid('department', `'${d.id}' needs a name`, 'name');
    if (d.active !== undefined && typeof d.active !== 'boolean') throw invalid('department', `'${d.id}': active must be true or false`, 'active');
    const rec: Department = { id: d.id, name: d.name, ...(d.head ? { head: d.head } : {}), ...(d.phone ? { phone: d.phone } : {}), ...(d.active === false ? { active: false } : {}) };
    await this.host.write(() => this.host.people.departments.putSync(d.id, rec));
  }

  async listDepartments(): Promise<Department[]> {
    return [...this.host.people.departments.getRange({})].map((e) => e.value);
  }

  async putAgent(a: AgentInput): Promise<Agent> {
    const t = this.host.people;
    if (!a || typeof a.id !== 'string' || !ID.test(a.id)) throw invalid('agent', 'id must be 1-64 letters, digits or . _ : -', 'id');
    if (typeof a.name !== 'string' || a.name.trim() === '') throw invalid('agent', `'${a.id}' needs a name`, 'name');
    if (!ROLES.includes(a.role)) throw invalid('agent', `role must be one of ${ROLES.join(', ')}; got '${String(a.role)}'`, 'role');
    if (a.active !== undefined && typeof a.active !== 'boolean') throw invalid('agent', `'${a.id}': active must be true or false`, 'active');
    // An existing agent edited without a password keeps his own; a new one needs one.
    const keep = a.password === undefined ? t.agents.get(a.id)?.passwordHash : undefined;
    if (keep === undefined && (typeof a.password !== 'string' || a.password.length < 6)) throw invalid('agent', 'the password must have at least 6 characters', 'password');
    const passwordHash = keep ?? (await hashPassword(a.password!));
    const rec = { id: a.id, name: a.name, role: a.role, ...(a.departmentId ? { departmentId: a.departmentId } : {}), ...(a.active === false ? { active: false } : {}), passwordHash };
    return this.host.write(() => {
      if (a.departmentId && !t.departments.get(a.departmentId)) throw caseError(CaseErrors.CASE_DEPARTMENT_UNKNOWN, `department '${a.departmentId}' is not registered`, { field: 'departmentId' });
      // Checked again inside the write: a password-less edit of an agent who does not exist (any more) is refused.
      if (keep !== undefined && !t.agents.get(a.id)) throw invalid('agent', 'the password must have at least 6 characters', 'password');
      t.agents.putSync(a.id, rec);
      return publicAgent(rec);
    });
  }

  async getAgent(id: string): Promise<Agent | null> {
    const a = typeof id === 'string' ? this.host.people.agents.get(id) : undefined;
    return a ? publicAgent(a) : null;
  }

  async listAgents(): Promise<Agent[]> {
    return [...this.host.people.agents.getRange({})].map((e) => publicAgent(e.value));
  }

  async verifyAgent(id: string, password: string): Promise<Agent | null> {
    const a = typeof id === 'string' ? this.host.people.agents.get(id) : undefined;
    const ok = await checkPassword(typeof password === 'string' ? password : '', a ? a.passwordHash : await dummy());
    // A deactivated agent cannot log in (the scrypt check ran all the same: no timing difference).
    return a && ok && typeof password === 'string' && a.active !== false ? publicAgent(a) : null;
  }
}

/** The knowledge base (IVR prompts and menu codes). */
export class LmdbKnowledge implements KnowledgeBase {
  constructor(private readonly host: Host) {}

  async putKnowledge(e: KnowledgeEntry): Promise<KnowledgeEntry> {
    const t = this.host.people;
    if (!e || typeof e.id !== 'string' || !ID.test(e.id)) throw invalid('knowledge entry', 'id must be 1-64 letters, digits or . _ : -', 'id');
    if (!KB_CATEGORIES.includes(e.category)) throw invalid('knowledge entry', `category must be one of ${KB_CATEGORIES.join(', ')}; got '${String(e.category)}'`, 'category');
    if (typeof e.title !== 'string' || e.title.trim() === '') throw invalid('knowledge entry', `'${e.id}' needs a title`, 'title');
    if (typeof e.text !== 'string' || e.text.trim() === '') throw invalid('knowledge entry', `'${e.id}' needs its text`, 'text');
    if (e.menuCode !== undefined && (typeof e.menuCode !== 'string' || !/^[0-9]{1,8}$/.test(e.menuCode))) {
      throw invalid('knowledge entry', `menuCode must be 1-8 keypad digits; got ${JSON.stringify(e.menuCode)}`, 'menuCode');
    }
    if (e.promptFile !== undefined && (typeof e.promptFile !== 'string' || e.promptFile === '')) throw invalid('knowledge entry', 'promptFile must be a file path', 'promptFile');
    const rec: KnowledgeEntry = {
      id: e.id,
      category: e.category,
      title: e.title,
      text: e.text,
      ...(e.promptFile !== undefined ? { promptFile: e.promptFile } : {}),
      ...(e.menuCode !== undefined ? { menuCode: e.menuCode } : {}),
      updatedAt: this.host.now(),
    };
    return this.host.write(() => {
      if (e.menuCode !== undefined) {
        const owner = t.kbMenu.get(e.menuCode);
        if (owner !== undefined && owner !== e.id) throw caseError(CaseErrors.CASE_MENU_CODE_TAKEN, `IVR menu code ${e.menuCode} already plays knowledge entry '${owner}'`, { field: 'menuCode' });
      }
      const old = t.kb.get(e.id);
      if (old?.menuCode !== undefined && old.menuCode !== e.menuCode) t.kbMenu.removeSync(old.menuCode);
      if (e.menuCode !== undefined) t.kbMenu.putSync(e.menuCode, e.id);
      t.kb.putSync(e.id, rec);
      return rec;
    });
  }

  async getKnowledge(id: string): Promise<KnowledgeEntry | null> {
    return typeof id === 'string' ? (this.host.people.kb.get(id) ?? null) : null;
  }

  async getKnowledgeByMenuCode(code: string): Promise<KnowledgeEntry | null> {
    const t = this.host.people;
    const id = typeof code === 'string' ? t.kbMenu.get(code) : undefined;
    return id === undefined ? null : (t.kb.get(id) ?? null);
  }

  async listKnowledge(category?: KnowledgeCategory): Promise<KnowledgeEntry[]> {
    return [...this.host.people.kb.getRange({})].map((x) => x.value).filter((x) => category === undefined || x.category === category);
  }
}

/** Keypad surveys and their answers. */
export class LmdbSurveys implements Surveys {
  constructor(private readonly host: Host) {}

  async putSurvey(s: SurveyDefinition): Promise<void> {
    if (!s || typeof s.id !== 'string' || !ID.test(s.id)) throw invalid('survey', 'id must be 1-64 letters, digits or . _ : -', 'id');
    if (typeof s.title !== 'string' || s.title.trim() === '') throw invalid('survey', `'${s.id}' needs a title`, 'title');
    if (!Array.isArray(s.questions) || s.questions.length === 0 || s.questions.length > 50) throw invalid('survey', `'${s.id}' needs 1 to 50 questions`);
    const seen = new Set<string>();
    const questions: SurveyDefinition['questions'] = [];
    for (const q of s.questions) {
      if (!q || typeof q.id !== 'string' || !ID.test(q.id) || seen.has(q.id)) throw invalid('survey', `'${s.id}': every question needs a unique id`);
      seen.add(q.id);
      if (typeof q.text !== 'string' || q.text === '' || q.text.length > 2000) throw invalid('survey', `'${s.id}' question '${q.id}' needs its text (at most 2000 characters)`, 'text');
      const keys = q.choices && typeof q.choices === 'object' && !Array.isArray(q.choices) ? Object.keys(q.choices) : [];
      if (keys.length === 0 || keys.some((k) => !/^[0-9*#]$/.test(k) || typeof q.choices[k] !== 'string')) {
        throw invalid('survey', `'${s.id}' question '${q.id}': choices map one keypad key (0-9, *, #) to its text`);
      }
      if (q.promptFile !== undefined && (typeof q.promptFile !== 'string' || q.promptFile === '')) throw invalid('survey', `'${s.id}' question '${q.id}': promptFile must be a file path`, 'promptFile');
      const choices: Record<string, string> = {};
      for (const k of keys) choices[k] = q.choices[k];
      questions.push({ id: q.id, text: q.text, choices, ...(q.promptFile !== undefined ? { promptFile: q.promptFile } : {}) });
    }
    const rec: SurveyDefinition = { id: s.id, title: s.title, questions, active: s.active !== false };
    await this.host.write(() => this.host.people.surveys.putSync(s.id, rec));
  }

  async getSurvey(id: string): Promise<SurveyDefinition | null> {
    return typeof id === 'string' ? (this.host.people.surveys.get(id) ?? null) : null;
  }

  async listSurveys(): Promise<SurveyDefinition[]> {
    return [...this.host.people.surveys.getRange({})].map((e) => e.value);
  }

  async saveSurveyAnswer(a: SurveyAnswerInput): Promise<SurveyAnswer> {
    const t = this.host.people;
    if (!a || typeof a.surveyId !== 'string') throw invalid('survey answer', 'needs a surveyId');
    if (!a.answers || typeof a.answers !== 'object' || Array.isArray(a.answers)) throw invalid('survey answer', 'answers must map question ids to keys');
    if (a.at !== undefined && (typeof a.at !== 'number' || !Number.isFinite(a.at) || a.at < 0 || a.at > 8.64e15)) throw invalid('survey answer', 'at must be a time in epoch milliseconds');
    for (const f of ['callId', 'caseNumber', 'callerNumber'] as const) {
      if (a[f] !== undefined && (typeof a[f] !== 'string' || a[f]!.length > 200)) throw invalid('survey answer', `${f} must be text of at most 200 characters`);
    }
    const answers = Object.entries(a.answers);
    return this.host.write(() => {
      const s = t.surveys.get(a.surveyId);
      if (!s) throw caseError(CaseErrors.CASE_SURVEY_UNKNOWN, `there is no survey '${a.surveyId}'`);
      for (const [qid, key] of answers) {
        const q = s.questions.find((x) => x.id === qid);
        if (!q) throw caseError(CaseErrors.CASE_SURVEY_ANSWER_INVALID, `survey '${s.id}' has no question '${qid}'`);
        // own keys only: `'toString' in choices` is true for every object
        if (typeof key !== 'string' || !Object.hasOwn(q.choices, key)) {
          throw caseError(CaseErrors.CASE_SURVEY_ANSWER_INVALID, `survey '${s.id}' question '${qid}' has no choice ${JSON.stringify(key)} (choices: ${Object.keys(q.choices).join(', ')})`);
        }
      }
      const at = a.at ?? this.host.now();
      const id = `${at.toString(36)}-${randomBytes(4).toString('hex')}`;
      const rec: SurveyAnswer = {
        surveyId: s.id,
        answers: Object.fromEntries(answers),
        ...(a.callId !== undefined ? { callId: a.callId } : {}),
        ...(a.caseNumber !== undefined ? { caseNumber: a.caseNumber } : {}),
        ...(a.callerNumber !== undefined ? { callerNumber: a.callerNumber } : {}),
        id,
        at,
      };
      t.answers.putSync([s.id, at, id], rec);
      const bump = (k: [string, string, string]): void => {
        t.tally.putSync(k, (t.tally.get(k) ?? 0) + 1);
      };
      bump([s.id, '', '']);
      for (const [qid, key] of answers) bump([s.id, qid, key]);
      return rec;
    });
  }

  async surveyTally(surveyId: string): Promise<SurveyTally> {
    const out: SurveyTally = { surveyId, responses: 0, counts: {} };
    if (typeof surveyId !== 'string') return out;
    // Maps, then Object.fromEntries (own data properties): a question id may
    // be any ID-shaped text, '__proto__' included.
    const counts = new Map<string, Map<string, number>>();
    for (const { key, value } of this.host.people.tally.getRange({ start: [surveyId], end: [surveyId + '\u0000'] })) {
      if (key[0] !== surveyId) continue;
      if (key[1] === '') out.responses = value;
      else {
        let m = counts.get(key[1]);
        if (!m) counts.set(key[1], (m = new Map()));
        m.set(key[2], value);
      }
    }
    out.counts = Object.fromEntries([...counts].map(([q, m]) => [q, Object.fromEntries(m)]));
    return out;
  }

  /** Answers of one survey, oldest first (at most `limit`). */
  async listSurveyAnswers(surveyId: string, limit = 1000): Promise<SurveyAnswer[]> {
    const out: SurveyAnswer[] = [];
    if (typeof surveyId !== 'string') return out;
    for (const { key, value } of this.host.people.answers.getRange({ start: [surveyId], end: [surveyId, Infinity], limit })) if (key[0] === surveyId) out.push(value);
    return out;
  }
}
