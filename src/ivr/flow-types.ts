// IVR flows as data: the node types a flow file (JSON or YAML) may hold.
// Text fields written `{{name}}` are templates over the call's variables
// (callerNumber, calledNumber, lang, callId, and what nodes stored).
// A prompt is a manifest id ('goodbye') or a file path ('zh/kb_returns.wav').

export type PromptList = string[];

interface NodeBase {
  /** Free text for people reading the flow. */
  note?: string;
  /** Where to go if the caller hangs up inside this node; only non-media nodes (create_case, set, branch, email) run after a hang-up. */
  onHangup?: string;
}

export interface PlayNode extends NodeBase {
  type: 'play';
  prompts: PromptList;
  /** A key stops the prompt (the key is kept for the next node). Default false. */
  interruptible?: boolean;
  next: string;
}

export interface MenuNode extends NodeBase {
  type: 'menu';
  prompts: PromptList;
  /** Key → next node. */
  keys: Record<string, string>;
  invalid?: PromptList;
  noInput?: PromptList;
  /** Attempts before `fallback` (default 3). */
  tries?: number;
  timeoutMs?: number;
  fallback: string;
}

export interface CollectNode extends NodeBase {
  type: 'collect';
  prompts: PromptList;
  /** Variable that receives the digits. */
  var: string;
  minLength?: number;
  maxLength: number;
  terminator?: string;
  firstDigitTimeoutMs?: number;
  interDigitTimeoutMs?: number;
  /** 'case_number' (format + check digit through the case store) or a regular expression. */
  validate?: string;
  invalid?: PromptList;
  noInput?: PromptList;
  tries?: number;
  next: string;
  fallback: string;
}

export interface RecordNode extends NodeBase {
  type: 'record';
  prompts: PromptList;
  /** Variable that receives the recording id (path under the data folder). */
  var: string;
  /** Play the beep prompt after the prompts (default true). */
  beep?: boolean;
  maxMs?: number;
  /** End after this much silence following speech (default 5000 ms). */
  silenceMs?: number;
  /** Offer listen (1) / record again (2) / keep (3) afterwards. */
  confirm?: boolean;
  /** Played when a take holds no speech (default ['no_message']); the caller then records again once. */
  noInput?: PromptList;
  /** Where to go when the second take holds no speech either (default: next, with no recording). */
  fallback?: string;
  next: string;
}

export type SayPart =
  | { prompt: string }
  | { digits: string }
  | { number: string }
  | { date: string }
  | { time: string }
  | { status: string }
  | { result: string };

export interface SayNode extends NodeBase {
  type: 'say';
  parts: SayPart[];
  next: string;
}

export interface CaseLookupNode extends NodeBase {
  type: 'case_lookup';
  /** Template of the case number. */
  number: string;
  /**
   * Variables set: case.number, case.status, case.result, case.email, case.kind,
   * case.createdAt (epoch ms), case.date (YYYY-MM-DD, Asia/Shanghai), and
   * case.statusText / case.resultText: the status and result as the prompt
   * texts say them in the caller's language (for e-mails).
   */
  found: string;
  notFound: string;
}

export interface CreateCaseNode extends NodeBase {
  type: 'create_case';
  /** 'complaint' | 'report' | 'mailbox' | … or a template ('{{kind}}'). */
  kind: string;
  channel: 'ivr' | 'mailbox';
  /** Variable names holding recording ids. */
  recordings: string[];
  callbackNumber?: string;
  /** Template: 'true' when a reply is wanted (director's mailbox). */
  replyWanted?: string;
  facts?: string;
  /** Variable that receives the case number. */
  var: string;
  next: string;
  error: string;
}

export interface ConsultNode extends NodeBase {
  type: 'consult';
  intro: PromptList;
  /** Knowledge entry id → prompt naming it in the menu. */
  titles?: Record<string, string>;
  empty?: PromptList;
  invalid?: PromptList;
  tries?: number;
  timeoutMs?: number;
  next: string;
  fallback: string;
}

export interface SurveyNode extends NodeBase {
  type: 'survey';
  survey: string;
  intro?: PromptList;
  thanks?: PromptList;
  /** Used when the survey does not exist or is inactive. */
  none?: PromptList;
  /** Question id → prompt, when the question has no promptFile. */
  questions?: Record<string, string>;
  invalid?: PromptList;
  tries?: number;
  timeoutMs?: number;
  next: string;
}

export interface SetNode extends NodeBase {
  type: 'set';
  vars: Record<string, string>;
  next: string;
}

export type Condition = { var: string; eq?: string; ne?: string; in?: string[]; exists?: boolean };
export interface BranchNode extends NodeBase {
  type: 'branch';
  cases: Array<{ if: Condition; next: string }>;
  else: string;
}

export interface HoursNode extends NodeBase {
  type: 'hours';
  /** 'HH:MM-HH:MM' ranges, local time, on the working days of the bureau's
   * calendar (the case store's: its time zone, holidays and make-up days). */
  open: string[];
  openNext: string;
  closedNext: string;
  /** Closed: the night bell (夜铃) station rings while the caller is in the night flow; answering it connects him (engine option nightBell). */
  nightBell?: boolean;
}

export interface LanguageNode extends NodeBase {
  type: 'language';
  language: string;
  next: string;
}

export interface TransferNode extends NodeBase {
  type: 'transfer';
  queue: string;
  /** Played when no agent can take the call (the queue refuses it, or no call layer with an ACD runs). */
  busy: PromptList;
  /** Where the call goes when no agent takes it (the director's mailbox), unless the ACD's overflow names a flow node (a flow target, or a mailbox's node). */
  overflow: string;
  /** After the agent hangs up, the caller goes on here (人工转自动, e.g. the survey); absent: the call clears. */
  afterAgent?: string;
  /** 自动报工号: the caller hears the agent's number when he answers (default: the engine's setting). */
  announceAgent?: boolean;
  /** Queue priority, 0–9 (default 0): a higher one goes ahead of every caller waiting with a lower one (e.g. an emergency food-safety report). */
  priority?: number;
}

export interface EmailNode extends NodeBase {
  type: 'email';
  to: string;
  /** A template, or one per language: the caller's language, else the flow's. */
  subject: string | Record<string, string>;
  text: string | Record<string, string>;
  sent: string;
  failed: string;
}

export interface HangupNode extends NodeBase {
  type: 'hangup';
  prompts?: PromptList;
}

export type FlowNode =
  | PlayNode
  | MenuNode
  | CollectNode
  | RecordNode
  | SayNode
  | CaseLookupNode
  | CreateCaseNode
  | ConsultNode
  | SurveyNode
  | SetNode
  | BranchNode
  | HoursNode
  | LanguageNode
  | TransferNode
  | EmailNode
  | HangupNode;

export type NodeType = FlowNode['type'];

export interface FlowDoc {
  name: string;
  /** Default language of a call (a key of the prompt manifest). */
  language: string;
  languages: string[];
  start: string;
  vars?: Record<string, string>;
  nodes: Record<string, FlowNode>;
}

/** A flow that passed validation, with where it came from. */
export interface Flow extends FlowDoc {
  file: string;
  /** Increases by one on every successful (re)load in this process. */
  version: number;
  loadedAt: number;
  /** What the check found that does not stop the flow (unreachable nodes). */
  warnings: Array<{ pointer: string; message: string }>;
}

/** A flow problem in a flow text (the console's editor): the JSON pointer, the reason, and the line the pointer names. */
export interface TextProblem {
  pointer: string;
  message: string;
  /** 1-based line of the text (its nearest existing parent when it names a missing field). */
  line?: number;
}

/** A node as the console lists it. */
export interface FlowNodeView {
  id: string;
  type: string;
  note?: string;
  /** [field, node id] the node leads to: next, menu keys, branch cases, onHangup … */
  to: Array<[string, string]>;
}
