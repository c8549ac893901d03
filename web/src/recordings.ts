// The recordings page: search (number, agent, case number, dates) and play
// or download a recording, through the seat server's recording routes
// (src/recording/http.ts). The server decides who hears what: an agent his
// own calls, a supervisor his department's, an admin all; every listen and
// download (and every refusal) is written to its audit log before a byte
// of audio leaves. The page sends the session token as a Bearer header, so
// audio is fetched (a Range request, answered 206) and handed to the
// <audio> element as a blob: an <audio src> could not carry the header,
// and a token in the URL would end up in logs.
import type { RecordingEntry } from '../../src/recording/types.ts';
import { byId, clock, h, setText } from './dom.ts';
import { addWords, errorText, onLang, t } from './i18n.ts';
import { homeOf } from './session.ts';
import { openShell } from './shell.ts';

addWords(
  {
    'rec.title': '录音查询',
    'rec.search': '查询条件',
    'rec.number': '电话号码',
    'rec.agent': '工号',
    'rec.case': '受理单号',
    'rec.from': '从',
    'rec.to': '到',
    'rec.find': '查询',
    'rec.list': '录音',
    'rec.player': '录音播放器',
    'rec.start': '开始时间',
    'rec.duration': '时长',
    'rec.agents': '座席',
    'rec.queue': '队列',
    'rec.cases': '受理单',
    'rec.actions': '操作',
    'rec.play': '播放',
    'rec.download': '下载',
    'rec.count': '共 {n} 条（{who}）',
    'rec.who.agent': '本人的通话',
    'rec.who.supervisor': '本部门的通话',
    'rec.who.admin': '全部',
    'rec.none': '没有符合条件的录音',
    'rec.loading': '正在读取录音…',
    'rec.playing': '正在播放：{n}',
    'err.REC_FORBIDDEN': '无权收听此录音',
    'err.REC_UNAUTHORIZED': '会话已结束，请重新登录',
  },
  {
    'rec.title': 'Recordings',
    'rec.search': 'Search',
    'rec.number': 'Number',
    'rec.agent': 'Agent',
    'rec.case': 'Case number',
    'rec.from': 'From',
    'rec.to': 'To',
    'rec.find': 'Search',
    'rec.list': 'Recordings',
    'rec.player': 'Recording player',
    'rec.start': 'Started',
    'rec.duration': 'Length',
    'rec.agents': 'Agents',
    'rec.queue': 'Queue',
    'rec.cases': 'Cases',
    'rec.actions': 'Actions',
    'rec.play': 'Play',
    'rec.download': 'Download',
    'rec.count': '{n} found ({who})',
    'rec.who.agent': 'your own calls',
    'rec.who.supervisor': 'your department\'s calls',
    'rec.who.admin': 'all',
    'rec.none': 'No recording matches',
    'rec.loading': 'Loading the recording…',
    'rec.playing': 'Playing: {n}',
    'err.REC_FORBIDDEN': 'This recording is not yours to hear',
    'err.REC_UNAUTHORIZED': 'The session has ended: log in again',
  },
);

const shell = openShell(() => undefined);
let found: RecordingEntry[] = [];
let objectUrl: string | null = null;

/** A refusal of the recording routes ({ code, message } JSON) as one line. */
async function refusal(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { code?: string; message?: string };
    return errorText(body.code, body.message);
  } catch {
    return errorText(undefined, `HTTP ${res.status}`);
  }
}

function draw(): void {
  if (!shell) return;
  setText(byId('rec-count'), found.length ? t('rec.count', { n: found.length, who: t(`rec.who.${shell.session.role}`) }) : t('rec.none'));
  byId('rec-rows').replaceChildren(
    ...found.map((e) => {
      const label = `${e.callerNumber ?? '—'} ${new Date(e.start).toLocaleString()}`;
      return h(
        'tr',
        { attrs: { 'data-id': e.id } },
        h('td', {}, new Date(e.start).toLocaleString()),
        h('td', {}, clock(e.durationMs)),
        h('td', {}, e.callerNumber ?? '—'),
        h('td', {}, e.agents.join(', ')),
        h('td', {}, e.queue ?? ''),
        h('td', {}, e.caseNumbers.join(', ')),
        h(
          'td',
          { class: 'rec-actions' },
          h('button', { class: 'rec-play', attrs: { type: 'button', 'aria-label': `${t('rec.play')} ${label}` }, on: { click: () => void play(e, label) } }, t('rec.play')),
          h('button', { class: 'rec-download', attrs: { type: 'button', 'aria-label': `${t('rec.download')} ${label}` }, on: { click: () => void download(e) } }, t('rec.download')),
        ),
      );
    }),
  );
}

async function fetchAudio(e: RecordingEntry, download: boolean): Promise<Blob | null> {
  if (!shell) return null;
  const q = new URLSearchParams({ id: e.id, ...(download ? { download: '1' } : {}) });
  // Range from the first byte: the server answers 206 with Content-Range (the route playback seeks with).
  const res = await fetch(`/recordings/audio?${q}`, { headers: { authorization: `Bearer ${shell.session.token}`, range: 'bytes=0-' } });
  if (!res.ok) {
    shell.say(await refusal(res), true);
    return null;
  }
  return res.blob();
}

async function play(e: RecordingEntry, label: string): Promise<void> {
  if (!shell) return;
  shell.say(t('rec.loading'));
  const blob = await fetchAudio(e, false);
  if (!blob) return;
  const player = byId<HTMLAudioElement>('rec-player');
  if (objectUrl) URL.revokeObjectURL(objectUrl);
  // The blob keeps the response's type: audio/wav, or audio/ogg for a recording archived as Opus.
  objectUrl = URL.createObjectURL(blob);
  player.src = objectUrl;
  player.dataset.id = e.id;
  setText(byId('rec-playing'), t('rec.playing', { n: label }));
  shell.say('');
  await player.play().catch(() => undefined);
}

async function download(e: RecordingEntry): Promise<void> {
  const blob = await fetchAudio(e, true);
  if (!blob) return;
  const url = URL.createObjectURL(blob);
  const a = h('a', { attrs: { href: url, download: e.files[0].split('/').pop() ?? 'recording.wav' } });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

async function search(): Promise<void> {
  if (!shell) return;
  const q = new URLSearchParams();
  const val = (id: string) => byId<HTMLInputElement>(id).value.trim();
  if (val('rec-number')) q.set('number', val('rec-number'));
  if (val('rec-agent')) q.set('agent', val('rec-agent'));
  if (val('rec-case')) q.set('case', val('rec-case'));
  // Dates are the user's local days: from 00:00 of the first to 24:00 of the last.
  if (val('rec-from')) q.set('from', String(new Date(`${val('rec-from')}T00:00:00`).getTime()));
  if (val('rec-to')) q.set('to', String(new Date(`${val('rec-to')}T00:00:00`).getTime() + 86_400_000 - 1));
  q.set('limit', '500');
  const res = await fetch(`/recordings?${q}`, { headers: { authorization: `Bearer ${shell.session.token}` } });
  if (!res.ok) {
    shell.say(await refusal(res), true);
    return;
  }
  // Newest first: the call asked about is usually today's.
  found = ((await res.json()) as RecordingEntry[]).sort((a, b) => b.start - a.start);
  shell.say('');
  draw();
}

if (shell) {
  byId<HTMLAnchorElement>('home-link').href = homeOf(shell.session.role);
  // An agent hears his own calls only: searching by another agent's id would find nothing.
  for (const el of document.querySelectorAll<HTMLElement>('.sup-only')) el.hidden = shell.session.role === 'agent';
  byId('rec-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void search();
  });
  onLang(draw);
  void search();
}
