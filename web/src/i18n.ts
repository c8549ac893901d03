// The console's words, Chinese by default and English on request. The choice
// is kept in localStorage (a person's preference, every tab). Elements name
// their text with data-i18n="key" (data-i18n-label for aria-label,
// data-i18n-ph for placeholder); dynamic text calls t().
import type { AgentState } from '../../src/acd/types.ts';

export type Lang = 'zh' | 'en';

const zh = {
  'app.title': '12315 热线座席',
  'lang.switch': 'English',
  'lang.label': '切换到英文界面',
  'login.title': '座席登录',
  'login.agentId': '工号',
  'login.password': '密码',
  'login.submit': '登录',
  'login.busy': '正在登录…',
  'login.retry': '请在 {s} 秒后重试',
  'login.expired': '会话已结束，请重新登录。',
  'link.connecting': '正在连接…',
  'link.open': '已连接',
  'link.closed': '连接中断，正在重连…',
  'nav.agent': '座席',
  'nav.supervisor': '班长监控',
  'nav.recordings': '录音',
  'nav.admin': '配置',
  'nav.home': '返回',
  'nav.logout': '退出',
  'nav.reports': '统计报表',
  'nav.cases': '案件办理',
  'phone.title': '软电话',
  'phone.state': '话务员状态',
  'phone.since': '持续 {t}',
  'phone.pending': '通话结束后闭席：{r}',
  'phone.acdLogin': '签入',
  'phone.acdLogout': '签出',
  'phone.ready': '就绪',
  'phone.notReady': '闭席',
  'phone.reason': '闭席原因',
  'phone.reasonOther': '其他原因',
  'phone.wrapUpEnd': '结束话后处理',
  'phone.answer': '应答',
  'phone.hangup': '挂断',
  'phone.hold': '保持',
  'phone.retrieve': '取回',
  'phone.transfer': '转接',
  'phone.transferTo': '转接目标（工号、队列或号码）',
  'phone.timer': '通话时长',
  'voice.title': '浏览器话机',
  'voice.start': '浏览器话机',
  'voice.stop': '关闭话机',
  'voice.off': '',
  'voice.starting': '开启中',
  'voice.on': '已开启',
  'voice.error': '话机无法开启：',
  'phone.waiting': '排队等待',
  'phone.waitingLine': '{q}：{n} 通等待，最长 {w}',
  'phone.noQueues': '未分配队列',
  'phone.shortcuts': '快捷键：F2 应答 · F3 挂断 · F4 保持/取回 · F6 转接 · F10 咨询 · F7 就绪 · F8 闭席 · F9 结束话后',
  'call.unknownCaller': '来电方',
  'call.offerHeadset': '来电 {n}（{q}）：按 F2 应答',
  'call.offerRing': '来电 {n}（{q}）：话机振铃，请拿起话机',
  'call.connected': '正在与 {n} 通话',
  'call.held': '{n} 保持中（对方听等待音乐）',
  'call.ended.caller': '{n} 已挂机',
  'call.ended.agent': '已挂断与 {n} 的通话',
  'call.ended.system': '与 {n} 的通话已结束',
  'call.cancelled': '来电 {n} 已取消（{r}）',
  'reason.临时闭席': '临时闭席',
  'reason.meal': '用餐',
  'reason.training': '培训',
  'reason.meeting': '会议',
  'case.title': '受理单',
  'case.kind': '类别',
  'case.callerNumber': '来电号码',
  'case.name': '姓名',
  'case.phone': '联系电话',
  'case.address': '地址',
  'case.business': '被投诉/举报单位',
  'case.businessAddress': '单位地址',
  'case.request': '诉求',
  'case.category': '分类',
  'case.noCategory': '（未分类）',
  'case.facts': '事实经过',
  'case.submit': '提交受理单',
  'case.clear': '清空草稿',
  'case.print': '打印受理单',
  'case.saved': '草稿已保存 {t}',
  'case.queued': '连接恢复后将自动提交',
  'case.created': '已登记：{n}',
  'case.invalid': '受理单有 {n} 处需要补充或修改，见各栏提示',
  'case.callback': '回复号码',
  'case.anonymous': '匿名',
  'case.answer': '答复',
  'case.answerLater': '暂时无法答复',
  'history.title': '来电历史',
  'history.lookup': '按来电号码查询',
  'history.call': '来电',
  'history.none': '无记录',
  'kb.title': '知识库',
  'kb.words': '检索词',
  'kb.search': '检索',
  'kb.none': '未找到',
  'kind.consultation': '咨询',
  'kind.complaint': '投诉',
  'kind.report': '举报',
  'kind.suggestion': '建议',
  'kind.mailbox': '局长信箱',
  'state.loggedOut': '未签入',
  'state.notReady': '闭席',
  'state.ready': '就绪',
  'state.reserved': '预占',
  'state.ringing': '振铃',
  'state.talking': '通话中',
  'state.held': '保持',
  'state.workingAfterCall': '话后处理',
  'state.none': '无座席状态（管理员）',
  'err.CONSOLE_OFFLINE': '与服务器的连接已断开，操作未发送',
  'err.CONSOLE_NO_REPLY': '服务器 10 秒内未应答',
  'err.prefix': '服务器拒绝：',
  'sup.title': '班长监控',
  'sup.counts': '座席概况',
  'sup.loggedIn': '签入',
  'sup.ready': '空闲',
  'sup.talking': '通话',
  'sup.notReady': '闭席',
  'sup.wrapUp': '话后',
  'sup.queues': '队列',
  'sup.queue': '队列',
  'sup.waiting': '等待',
  'sup.longest': '最长等待',
  'sup.agentsIn': '签入/空闲',
  'sup.sl': '服务水平（{s} 秒）',
  'sup.abandon': '放弃率',
  'sup.answered': '接通/放弃',
  'sup.seats': '座席',
  'sup.seatOff': '座席未连接',
  'sup.forceNotReady': '强制闭席',
  'sup.forceLogout': '强制签出',
  'sup.done': '{a}：{s}',
  'sup.updated': '更新于 {t}',
  'sup.recAlarm': '录音告警：{n} 路录音已停止，请检查录音磁盘',
};

const en: Record<keyof typeof zh, string> = {
  'app.title': '12315 hotline seat',
  'lang.switch': '中文',
  'lang.label': 'Switch to Chinese',
  'login.title': 'Seat login',
  'login.agentId': 'Agent id',
  'login.password': 'Password',
  'login.submit': 'Log in',
  'login.busy': 'Logging in…',
  'login.retry': 'Try again in {s} s',
  'login.expired': 'The session has ended; please log in again.',
  'link.connecting': 'Connecting…',
  'link.open': 'Connected',
  'link.closed': 'Connection lost, reconnecting…',
  'nav.agent': 'Agent',
  'nav.supervisor': 'Supervisor',
  'nav.recordings': 'Recordings',
  'nav.admin': 'Configuration',
  'nav.home': 'Back',
  'nav.logout': 'Log out',
  'nav.reports': 'Reports',
  'nav.cases': 'Cases',
  'phone.title': 'Soft phone',
  'phone.state': 'Agent state',
  'phone.since': 'for {t}',
  'phone.pending': 'Not ready after this call: {r}',
  'phone.acdLogin': 'Log in to ACD',
  'phone.acdLogout': 'Log out of ACD',
  'phone.ready': 'Ready',
  'phone.notReady': 'Not ready',
  'phone.reason': 'Not-ready reason',
  'phone.reasonOther': 'Other reason',
  'phone.wrapUpEnd': 'End wrap-up',
  'phone.answer': 'Answer',
  'phone.hangup': 'Hang up',
  'phone.hold': 'Hold',
  'phone.retrieve': 'Retrieve',
  'phone.transfer': 'Transfer',
  'phone.transferTo': 'Transfer to (agent, queue or number)',
  'phone.timer': 'Call time',
  'voice.title': 'Browser phone',
  'voice.start': 'Browser phone',
  'voice.stop': 'Phone off',
  'voice.off': '',
  'voice.starting': 'Starting',
  'voice.on': 'On',
  'voice.error': 'The browser phone could not start:',
  'phone.waiting': 'Calls waiting',
  'phone.waitingLine': '{q}: {n} waiting, longest {w}',
  'phone.noQueues': 'No queues assigned',
  'phone.shortcuts': 'Keys: F2 answer · F3 hang up · F4 hold/retrieve · F6 transfer · F10 consult · F7 ready · F8 not ready · F9 end wrap-up',
  'call.unknownCaller': 'the caller',
  'call.offerHeadset': 'Call from {n} ({q}): press F2 to answer',
  'call.offerRing': 'Call from {n} ({q}): the phone rings, lift the handset',
  'call.connected': 'Talking with {n}',
  'call.held': '{n} on hold (hears music)',
  'call.ended.caller': '{n} hung up',
  'call.ended.agent': 'You hung up on {n}',
  'call.ended.system': 'The call with {n} ended',
  'call.cancelled': 'The call from {n} was withdrawn ({r})',
  'reason.临时闭席': 'Short break (临时闭席)',
  'reason.meal': 'Meal',
  'reason.training': 'Training',
  'reason.meeting': 'Meeting',
  'case.title': 'Case form',
  'case.kind': 'Kind',
  'case.callerNumber': 'Caller number',
  'case.name': 'Name',
  'case.phone': 'Contact phone',
  'case.address': 'Address',
  'case.business': 'Business complained about / reported',
  'case.businessAddress': 'Business address',
  'case.request': 'Request',
  'case.category': 'Category',
  'case.noCategory': '(no category)',
  'case.facts': 'Facts',
  'case.submit': 'Submit case',
  'case.clear': 'Clear draft',
  'case.print': 'Print case form',
  'case.saved': 'Draft saved {t}',
  'case.queued': 'Will be submitted when the connection is back',
  'case.created': 'Registered: {n}',
  'case.invalid': 'The case form has {n} fields to complete or correct: see each field',
  'case.callback': 'Call-back number',
  'case.anonymous': 'Anonymous',
  'case.answer': 'Answer',
  'case.answerLater': 'Cannot answer now',
  'history.title': 'Caller history',
  'history.lookup': 'Look up the caller number',
  'history.call': 'call',
  'history.none': 'nothing on record',
  'kb.title': 'Knowledge base',
  'kb.words': 'Search words',
  'kb.search': 'Search',
  'kb.none': 'nothing found',
  'kind.consultation': 'Consultation',
  'kind.complaint': 'Complaint',
  'kind.report': 'Report',
  'kind.suggestion': 'Suggestion',
  'kind.mailbox': "Director's mailbox",
  'state.loggedOut': 'Logged out',
  'state.notReady': 'Not ready',
  'state.ready': 'Ready',
  'state.reserved': 'Reserved',
  'state.ringing': 'Ringing',
  'state.talking': 'Talking',
  'state.held': 'On hold',
  'state.workingAfterCall': 'Wrap-up',
  'state.none': 'No agent state (administrator)',
  'err.CONSOLE_OFFLINE': 'The connection to the server is down; nothing was sent',
  'err.CONSOLE_NO_REPLY': 'The server did not answer within 10 s',
  'err.prefix': 'Refused by the server: ',
  'sup.title': 'Supervisor wallboard',
  'sup.counts': 'Seats',
  'sup.loggedIn': 'Logged in',
  'sup.ready': 'Ready',
  'sup.talking': 'On calls',
  'sup.notReady': 'Not ready',
  'sup.wrapUp': 'Wrap-up',
  'sup.queues': 'Queues',
  'sup.queue': 'Queue',
  'sup.waiting': 'Waiting',
  'sup.longest': 'Longest wait',
  'sup.agentsIn': 'Logged in / ready',
  'sup.sl': 'Service level ({s} s)',
  'sup.abandon': 'Abandon rate',
  'sup.answered': 'Answered / abandoned',
  'sup.seats': 'Seats',
  'sup.seatOff': 'seat not connected',
  'sup.forceNotReady': 'Force not ready',
  'sup.forceLogout': 'Force logout',
  'sup.done': '{a}: {s}',
  'sup.updated': 'Updated {t}',
  'sup.recAlarm': 'Recording alarm: {n} recordings stopped; check the recording disk',
};

export type Key = keyof typeof zh;
const DICT: Record<Lang, Record<Key, string>> = { zh, en };
const LANG_KEY = 'hotline.lang';
let lang: Lang = localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh';
const listeners: (() => void)[] = [];

export function currentLang(): Lang {
  return lang;
}

/** The text of a key with {name} filled in. An unknown key shows itself (never blank). */
export function t(key: Key | string, vars: Record<string, string | number> = {}): string {
  const s = (DICT[lang] as Record<string, string>)[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (_, k: string) => (k in vars ? String(vars[k]) : `{${k}}`));
}

export function stateName(s: AgentState | null): string {
  return s ? t(`state.${s}`) : t('state.none');
}

/** A not-ready reason: the console's own codes in words, anyone else's text as it is. */
export function reasonName(r: string): string {
  const k = `reason.${r}`;
  return k in DICT[lang] ? t(k) : r;
}

/** A server refusal or a local failure as one line: the words, then the code a technician looks up. */
export function errorText(code: string | undefined, message?: string): string {
  if (code && `err.${code}` in DICT[lang]) return `${t(`err.${code}`)} (${code})`;
  return `${t('err.prefix')}${message ?? ''}${code ? ` (${code})` : ''}`;
}

/** Fills every data-i18n element under root and the document language. */
export function applyI18n(root: ParentNode = document): void {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n]')) el.textContent = t(el.dataset.i18n!);
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n-label]')) el.setAttribute('aria-label', t(el.dataset.i18nLabel!));
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n-ph]')) el.setAttribute('placeholder', t(el.dataset.i18nPh!));
  for (const fn of listeners) fn();
}

/** Runs fn now and after every language change (dynamic text). */
export function onLang(fn: () => void): void {
  listeners.push(fn);
}

export function setLang(l: Lang): void {
  lang = l;
  localStorage.setItem(LANG_KEY, l);
  applyI18n();
}

/** Wires a button #lang-switch to toggle the language. */
export function langSwitch(button: HTMLElement): void {
  button.addEventListener('click', () => setLang(lang === 'zh' ? 'en' : 'zh'));
}

/**
 * A page module's own words (Chinese and English), added to the console's:
 * each feature keeps its dictionary beside its code. Call at module load,
 * before the page's shell fills the data-i18n elements.
 */
export function addWords(zhWords: Record<string, string>, enWords: Record<string, string>): void {
  Object.assign(DICT.zh, zhWords);
  Object.assign(DICT.en, enWords);
}

/** A word in Chinese whatever the console's language (paper documents: 受理单, 公函); the key itself when there is none. */
export function zhWord(key: string): string {
  return (DICT.zh as Record<string, string>)[key] ?? key;
}
