// The case store's public contract. LMDB (src/cases/store.ts, `openCaseStore`)
// is the embedded default; a multi-site deployment can implement the same
// interface on a shared database. Every method is asynchronous for that reason,
// even where LMDB answers synchronously.
//
// Times are UTC epoch milliseconds everywhere. "Today" (case-number date,
// deadline counting) is taken in the bureau's time zone (config.timeZone,
// default Asia/Shanghai).

/** 咨询 · 投诉 · 举报 · 批评建议 · 局长信箱 */
export type CaseKind = 'consultation' | 'complaint' | 'report' | 'suggestion' | 'mailbox';
export const CASE_KINDS: readonly CaseKind[] = ['consultation', 'complaint', 'report', 'suggestion', 'mailbox'];

/** How a case came in: an agent on the hotline, an IVR recording, the director's mailbox, … */
export type IntakeChannel = 'hotline' | 'ivr' | 'mailbox' | 'letter' | 'fax' | 'email' | 'web' | 'walk_in';
export const INTAKE_CHANNELS: readonly IntakeChannel[] = ['hotline', 'ivr', 'mailbox', 'letter', 'fax', 'email', 'web', 'walk_in'];

/**
 * Workflow states. registered → accepted | not_accepted → dispatched (执法调度)
 * → mediation (complaints) | verification (reports) → closed (with a result).
 * A consultation or suggestion may be closed straight from registered (answered).
 */
export type CaseStatus =
  | 'registered'
  | 'accepted'
  | 'not_accepted'
  | 'dispatched'
  | 'mediation'
  | 'verification'
  | 'closed';
export const CASE_STATUSES: readonly CaseStatus[] = ['registered', 'accepted', 'not_accepted', 'dispatched', 'mediation', 'verification', 'closed'];

/** The result a closed case carries. */
export type CaseResult =
  | 'agreement' // 调解达成协议
  | 'no_agreement' // 调解终止，未达成协议
  | 'case_opened' // 立案
  | 'not_opened' // 不予立案
  | 'answered' // 已答复 (consultation, suggestion, mailbox)
  | 'forwarded' // 转其他部门/机关
  | 'withdrawn'; // 投诉人撤回
export const CASE_RESULTS: readonly CaseResult[] = ['agreement', 'no_agreement', 'case_opened', 'not_opened', 'answered', 'forwarded', 'withdrawn'];
/** Results that fit each kind of case (the workflow's close checks it). */
export const RESULTS_BY_KIND: Record<CaseKind, readonly CaseResult[]> = {
  complaint: ['agreement', 'no_agreement', 'withdrawn', 'forwarded'],
  report: ['case_opened', 'not_opened', 'forwarded', 'withdrawn'],
  consultation: ['answered', 'forwarded'],
  suggestion: ['answered', 'forwarded'],
  mailbox: ['answered', 'forwarded'],
};

export interface Person {
  name: string;
  phone: string;
  address?: string;
  idNumber?: string;
}

export interface Business {
  name: string;
  address: string;
  phone?: string;
}

export interface Attachment {
  /** A file reference (path or URL); the store does not hold file contents. */
  ref: string;
  name?: string;
  mime?: string;
}

export interface CreateCaseInput {
  kind: CaseKind;
  channel: IntakeChannel;
  /** The calling line's number (caller id), if the case came by phone. */
  callerNumber?: string;
  /** Number to call back on (may differ from caller id). IVR intake requires it unless anonymous. */
  callbackNumber?: string;
  /** Complainant / reporter / enquirer. Required for complaints (name, phone, address). */
  complainant?: Person;
  /** The business complained about or reported (required for complaints and named reports: name, address). */
  business?: Business;
  /** Reports may be anonymous; then no callback is owed. */
  anonymous?: boolean;
  /** The complainant's request (诉求). Required for complaints. */
  request?: string;
  /** The facts as told (free text; indexed word by word, CJK by character bigrams). */
  facts?: string;
  /** Category id from the configured tree (goods / services / …). */
  categoryId?: string;
  /** The agent registering the case (omitted for IVR/web intake). */
  agentId?: string;
  /** Recording ids of the call(s). IVR intake requires at least one. */
  recordingIds?: string[];
  attachments?: Attachment[];
  /** Consultation only: not answered at once; puts the case on the callback list. */
  answerLater?: boolean;
  /** Consultation answered at once: the answer; the case is closed 'answered' immediately. */
  answer?: string;
  /** When the bureau received it (letters arrive before registration). Default: now. */
  receivedAt?: number;
  /** The call record this case came from, if any. */
  callId?: string;
}

/** Fields an update may change (the same required-field rules apply to the result). */
export type CaseUpdate = Partial<
  Pick<
    CreateCaseInput,
    'callbackNumber' | 'complainant' | 'business' | 'anonymous' | 'request' | 'facts' | 'categoryId' | 'recordingIds' | 'attachments' | 'answerLater'
  >
>;

export interface Dispatch {
  departmentId: string;
  /** Person in charge in that department (defaults to the department's head). */
  personInCharge?: string;
}

export interface Deadline {
  /** 'accept_decision', 'mediation', 'verification', 'callback', 'reminder', … */
  kind: string;
  dueAt: number;
  /** Set when the step the deadline guards is done (or cancelled). */
  metAt?: number;
  note?: string;
  /** For reminders: who set it. */
  by?: string;
}

export interface HistoryEntry {
  at: number;
  /** Agent id, or 'ivr' / 'system'. */
  by: string;
  action: string;
  from: CaseStatus | null;
  to: CaseStatus;
  note?: string;
  data?: Record<string, unknown>;
}

export interface CaseRecord extends Omit<CreateCaseInput, 'answer'> {
  /** Digits only: YYYYMMDD + 5-digit daily sequence + check digit (14 digits). */
  number: string;
  status: CaseStatus;
  result?: CaseResult;
  resultNote?: string;
  answer?: string;
  notAcceptedReason?: string;
  dispatches: Dispatch[];
  deadlines: Deadline[];
  history: HistoryEntry[];
  /** Required fields still missing (IVR intake registers first, details later); empty when complete. */
  missingFields: string[];
  /** A callback is owed (consultation answered later, IVR intake) and not yet done. */
  callbackPending: boolean;
  createdAt: number;
  updatedAt: number;
  closedAt?: number;
}

/** Workflow actions; `by` is the agent id (or 'system'). */
export type CaseAction =
  | { type: 'accept'; note?: string }
  | { type: 'not_accept'; reason: string }
  | { type: 'dispatch'; departments: Dispatch[]; note?: string }
  | { type: 'start_mediation'; note?: string }
  | { type: 'start_verification'; note?: string }
  | { type: 'close'; result: CaseResult; note?: string; answer?: string }
  | { type: 'callback_done'; note?: string }
  | { type: 'note'; text: string };

export type NumberCheck =
  | { ok: true; number: string; date: string; sequence: number }
  | { ok: false; code: string; message: string };

export interface Department {
  id: string;
  name: string;
  /** Person in charge (负责人). */
  head?: string;
  phone?: string;
  /** false: deactivated (no new dispatches; cases dispatched to it keep naming it). Absent: active. */
  active?: boolean;
}

export type AgentRole = 'agent' | 'supervisor' | 'admin';
export interface AgentInput {
  id: string;
  name: string;
  role: AgentRole;
  departmentId?: string;
  /** Required for a new agent; absent when an existing agent is edited: his password stays. */
  password?: string;
  /** false: deactivated (cannot log in, takes no calls); his cases keep naming him. Absent: active. */
  active?: boolean;
}
export interface Agent {
  id: string;
  name: string;
  role: AgentRole;
  departmentId?: string;
  /** false: deactivated; absent: active. */
  active?: boolean;
}

export type KnowledgeCategory = 'policy' | 'regulation' | 'product' | 'office_guide' | 'address' | 'faq';
export interface KnowledgeEntry {
  id: string;
  category: KnowledgeCategory;
  title: string;
  text: string;
  /** A recorded prompt (file path under prompts/) for the IVR's automated consultation. */
  promptFile?: string;
  /** IVR menu code (keypad digits) that plays this entry. Unique across entries. */
  menuCode?: string;
  updatedAt?: number;
}

export interface SurveyQuestion {
  id: string;
  text: string;
  promptFile?: string;
  /** Allowed keypad answers, e.g. {'1': '满意', '2': '基本满意', '3': '不满意'}. */
  choices: Record<string, string>;
}
export interface SurveyDefinition {
  id: string;
  title: string;
  questions: SurveyQuestion[];
  active: boolean;
}
export interface SurveyAnswerInput {
  surveyId: string;
  callId?: string;
  caseNumber?: string;
  callerNumber?: string;
  /** questionId → the key pressed. */
  answers: Record<string, string>;
  at?: number;
}
export interface SurveyAnswer extends SurveyAnswerInput {
  id: string;
  at: number;
}
export interface SurveyTally {
  surveyId: string;
  responses: number;
  /** questionId → choice key → count. */
  counts: Record<string, Record<string, number>>;
}

export interface CallRecordInput {
  /** Unique call id (from the calls layer). */
  id: string;
  startedAt: number;
  answeredAt?: number;
  endedAt: number;
  /** Channel name, e.g. 'span0/ts5'. */
  channel: string;
  callerNumber?: string;
  calledNumber?: string;
  /** IVR nodes / menu codes passed through, in order. */
  ivrPath: string[];
  queueWaitMs?: number;
  agentId?: string;
  recordingIds: string[];
  caseNumber?: string;
  /** 'answered', 'abandoned', 'ivr_only', … */
  outcome?: string;
  /** The call's legs (caller trunk, agent stations, …), from the call layer. */
  legs?: CallLegRecord[];
  /** The queue the IVR handed the call to. */
  queue?: string;
  /** Every agent connected to the call, in order. */
  agents?: string[];
  talkMs?: number;
  holdMs?: number;
  /** Wrap-up time of the last agent on the call, as measured (ended early: the shorter time); his configured wrap-up until it ends. */
  wrapUpMs?: number;
  /** Who ended the conversation with the agent. */
  endedBy?: 'caller' | 'agent' | 'system';
  /** Every case number made during the call (caseNumber is the last). */
  caseNumbers?: string[];
  /** Every transfer of the call by an agent, in order. */
  transfers?: CallTransferRecord[];
}
export interface CallTransferRecord {
  /** Epoch ms. */
  at: number;
  /** The agent who transferred the call. */
  from: string;
  /** 'agent:ID', 'queue:ID' or 'external:NUMBER' (as the seat protocol's transferred event). */
  to: string;
  /** Blind (来话转接 at once) or after a consultation. */
  kind: 'blind' | 'consult';
}
export interface CallLegRecord {
  kind: 'caller' | 'agent' | 'supervisor' | 'outside' | 'night-bell';
  channel: string;
  agentId?: string;
  /** Epoch ms. */
  joinedAt: number;
  leftAt?: number;
}
export type CallRecord = CallRecordInput;

export interface CaseQuery {
  callerNumber?: string;
  /** Complainant names beginning with this text ('张' finds 张三 and 张伟; a whole name finds it and longer names that start with it). */
  complainant?: string;
  /** Business names beginning with this text. */
  business?: string;
  status?: CaseStatus;
  kind?: CaseKind;
  departmentId?: string;
  agentId?: string;
  /** Matches the category and all its sub-categories. */
  categoryId?: string;
  /** Registration time range, epoch ms, inclusive from, exclusive to. */
  from?: number;
  to?: number;
  /** Words that must all occur in the facts. */
  words?: string;
  /** Default 100. Newest first. */
  limit?: number;
}

export type HistoryItem =
  | { type: 'case'; at: number; number: string; kind: CaseKind; status: CaseStatus; result?: CaseResult }
  | { type: 'call'; at: number; callId: string; agentId?: string; caseNumber?: string; outcome?: string };

export interface DueItem {
  number: string;
  kind: string;
  dueAt: number;
  overdue: boolean;
  departmentIds: string[];
  agentId?: string;
}
export interface DueQuery {
  /** Include deadlines falling due within this many ms from now (default: 2 working days' worth, 48 h). */
  withinMs?: number;
  departmentId?: string;
  agentId?: string;
  now?: number;
}

export type ReportMetric = 'calls' | 'cases' | CaseKind | 'dispatches' | 'closed';
export type ReportDimension = 'none' | 'agent' | 'category' | 'department' | 'kind';
export type Granularity = 'day' | 'month' | 'year' | 'total';
export interface Period {
  /** 'YYYY-MM-DD', inclusive, bureau's calendar days. */
  from: string;
  /** 'YYYY-MM-DD', inclusive. */
  to: string;
}
export interface ReportQuery {
  period: Period;
  by?: ReportDimension;
  granularity?: Granularity;
  metrics?: ReportMetric[];
  /** 'last_year' = the same period a year earlier (同期比), or any other period. */
  compareTo?: 'last_year' | Period;
}
export interface ReportRow {
  /** 'YYYY-MM-DD', 'YYYY-MM', 'YYYY' or 'total'. */
  period: string;
  /** Dimension value ('' when by = none). */
  key: string;
  label: string;
  counts: Record<string, number>;
  /** Counts for the comparison period (same key) when compareTo is set. */
  previous?: Record<string, number>;
  /** Relative change in percent per metric (null when previous is 0). */
  changePct?: Record<string, number | null>;
  /** A parent category's row summing its subtree (by = category). */
  subtotal?: boolean;
}
export interface Report {
  query: ReportQuery;
  metrics: ReportMetric[];
  rows: ReportRow[];
  /** One per period bucket: totals over all keys. */
  subtotals: ReportRow[];
  total: ReportRow;
  comparePeriod?: Period;
}

/** The bureau's working calendar. */
export interface CalendarConfig {
  /** IANA zone; default 'Asia/Shanghai'. */
  timeZone?: string;
  /** 'YYYY-MM-DD' days off that would otherwise be working days. */
  holidays?: string[];
  /** 'YYYY-MM-DD' weekend days that are working days (调休上班). */
  workingWeekends?: string[];
}

export interface DeadlineConfig {
  /** Working days from receipt to the decision on accepting a complaint. */
  complaintAcceptDays: number;
  /** Working days from acceptance to the end of mediation. */
  mediationDays: number;
  /** Working days from receipt to verification of a report (decision on opening a case). */
  reportVerifyDays: number;
  /** Working days to call back on a consultation answered later. */
  consultationCallbackDays: number;
  /** Working days to answer a suggestion or a mailbox message. */
  replyDays: number;
}

export interface CategoryNode {
  id: string;
  name: string;
  children?: CategoryNode[];
}

export interface CaseStoreConfig {
  deadlines?: Partial<DeadlineConfig>;
  /** Category tree; default: goods / services with common sub-categories. */
  categories?: CategoryNode[];
  /** Clock (epoch ms); tests and benchmarks replace it. Default Date.now. */
  now?: () => number;
}

/** Cases: intake, the workflow, look-ups and lists. */
export interface CaseRecords {
  createCase(input: CreateCaseInput): Promise<CaseRecord>;
  getCase(number: string): Promise<CaseRecord | null>;
  updateCase(number: string, update: CaseUpdate, by: string): Promise<CaseRecord>;
  transition(number: string, action: CaseAction, by: string): Promise<CaseRecord>;
  setReminder(number: string, at: number, by: string, note?: string): Promise<CaseRecord>;
  /** Checks format and check digit only; no lookup. */
  validateCaseNumber(number: string): NumberCheck;
  searchCases(query: CaseQuery): Promise<CaseRecord[]>;
  callerHistory(callerNumber: string, limit?: number): Promise<HistoryItem[]>;
  dueItems(query?: DueQuery): Promise<DueItem[]>;
  callbackList(limit?: number): Promise<CaseRecord[]>;
  exportCases(): AsyncIterable<CaseRecord>;
  categories(): CategoryNode[];
}

/** Departments and agents. */
export interface Directory {
  putDepartment(d: Department): Promise<void>;
  listDepartments(): Promise<Department[]>;
  putAgent(a: AgentInput): Promise<Agent>;
  getAgent(id: string): Promise<Agent | null>;
  listAgents(): Promise<Agent[]>;
  /** Returns the agent when the password matches (scrypt), else null; takes as long for an unknown id. */
  verifyAgent(id: string, password: string): Promise<Agent | null>;
}

/** The knowledge base the agents and the IVR's automated consultation read. */
export interface KnowledgeBase {
  putKnowledge(e: KnowledgeEntry): Promise<KnowledgeEntry>;
  getKnowledge(id: string): Promise<KnowledgeEntry | null>;
  getKnowledgeByMenuCode(menuCode: string): Promise<KnowledgeEntry | null>;
  listKnowledge(category?: KnowledgeCategory): Promise<KnowledgeEntry[]>;
}

/** Keypad satisfaction surveys. */
export interface Surveys {
  putSurvey(s: SurveyDefinition): Promise<void>;
  getSurvey(id: string): Promise<SurveyDefinition | null>;
  listSurveys(): Promise<SurveyDefinition[]>;
  saveSurveyAnswer(a: SurveyAnswerInput): Promise<SurveyAnswer>;
  surveyTally(surveyId: string): Promise<SurveyTally>;
  /** One survey's answers, oldest first (default at most 1000). */
  listSurveyAnswers(surveyId: string, limit?: number): Promise<SurveyAnswer[]>;
}

/** Call records (one per call, written when it ends). */
export interface CallLog {
  /** Resolves only once the record is durable; rejects (and stores nothing) otherwise. */
  putCallRecord(c: CallRecordInput): Promise<void>;
  getCallRecord(id: string): Promise<CallRecord | null>;
}

/** Statistics and the store's own upkeep. */
export interface CaseStoreAdmin {
  report(q: ReportQuery): Promise<Report>;
  /** Online, consistent copy of the store into an empty folder. */
  backup(dir: string): Promise<void>;
  /** Refuses new writes at once (CASE_STORE_CLOSED), waits for those already taken, then closes. */
  close(): Promise<void>;
}

/** The whole store: every concern above. Code that needs one concern should ask for that interface. */
export interface CaseStore extends CaseRecords, Directory, KnowledgeBase, Surveys, CallLog, CaseStoreAdmin {}

export interface OpenCaseStoreOptions {
  /** Data folder (default './data'). */
  dir?: string;
  calendar?: CalendarConfig;
  config?: CaseStoreConfig;
  /** Open read-only (reports, export from a second process). */
  readOnly?: boolean;
  /**
   * Make a new store when the folder holds none (default true, as the engine
   * does). The CLI passes false for every command but `init`, so a mistyped
   * folder is refused (CASE_STORE_MISSING) instead of getting a new store
   * whose daily sequence repeats the real store's numbers.
   */
  create?: boolean;
  /**
   * The folder recording ids are relative to (the data folder: the IVR names
   * them recordings/<call>-<n>.wav). When given, every recording id of a
   * created or updated case must name an existing file there (the CLI does
   * this). Without it only the id's format is checked: the engine registers
   * an IVR case while the recording may still be finalised.
   */
  recordingsRoot?: string;
}
