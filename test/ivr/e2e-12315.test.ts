// End to end on the simulated E1 board, stepped mode: a simulated caller on the
// network side keys DTMF as audio and records what it hears; the checks are on
// that audio (correlation with the prompt files) and on the case store.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findPrompt } from '../../src/ivr/audio-match.ts';
import { readWavSamples } from '../../src/dsp/wav.ts';
import { filesIn, harness, heardDigits, heardInOrder, keyThrough, promptAudio, type Harness, fileComplaint } from './_harness.ts';

let h: Harness;

/** Subject and text of a single-part message as it arrived (RFC 2047 words, base64 or quoted-printable body). */
function decodeMail(raw: string): { subject: string; body: string } {
  const cut = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, cut).replace(/\r\n[ \t]+/g, ' ');
  let body = raw.slice(cut + 4);
  const words = (t: string) =>
    t.replace(/=\?utf-8\?([bq])\?([^?]*)\?=\s*/gi, (_, enc: string, data: string) =>
      enc.toLowerCase() === 'b' ? Buffer.from(data, 'base64').toString('utf8') : qp(data.replace(/_/g, ' ')),
    );
  const qp = (t: string) => Buffer.from(t.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
  const cte = /^content-transfer-encoding:\s*(\S+)/im.exec(head)?.[1].toLowerCase();
  if (cte === 'base64') body = Buffer.from(body, 'base64').toString('utf8');
  else if (cte === 'quoted-printable') body = qp(body);
  return { subject: words(/^subject:\s*(.*)$/im.exec(head)?.[1] ?? '').trim(), body };
}
const inbox: string[] = [];
let smtp: SMTPServer;

test.before(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _s, cb) {
      let raw = '';
      stream.on('data', (d: Buffer) => (raw += d.toString('utf8')));
      stream.on('end', () => (inbox.push(raw), cb()));
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
});

// Every test gets its own engine, store and inbox: no test depends on what
// another left behind, and each can run alone.
test.before.each(async () => {
  inbox.length = 0;
  const port = (smtp.server.address() as { port: number }).port;
  h = await harness({ smtp: { host: '127.0.0.1', port, from: 'noreply@12315.test' } });
});

test.after.each(async () => {
  await h.close();
});

test.after(async () => {
  await new Promise<void>((r) => smtp.close(() => r()));
});

/** A complaint registered today (the simulated Monday) with a complainant's e-mail address; returns its number. */
async function registeredCase(email = 'zhangsan@example.test'): Promise<string> {
  const kase = await h.engine.store.createCase({
    kind: 'complaint',
    channel: 'web',
    complainant: { name: '张三', phone: '13912345678', address: email },
    business: { name: '某超市', address: '人民路1号' },
    request: '退款',
    facts: '牛奶过期',
  });
  return kase.number;
}

/** A complaint taken through the workflow to closed with a mediation agreement. */
async function closedCase(): Promise<string> {
  const s = h.engine.store;
  const number = await registeredCase();
  await s.putDepartment({ id: 'd1', name: '消费者权益保护科', head: '王科长' });
  await s.transition(number, { type: 'accept' }, 'a1');
  await s.transition(number, { type: 'dispatch', departments: [{ departmentId: 'd1' }] }, 'a1');
  await s.transition(number, { type: 'start_mediation' }, 'a1');
  await s.transition(number, { type: 'close', result: 'agreement' }, 'a1');
  return number;
}

test('press 2, complaint, speak, # → case with the caller\'s audio; the number read back twice equals the stored one', async () => {
  const speech = h.engine.prompts.file('zh', 'caller_complaint');
  const { heard, calls } = await h.call((c) => fileComplaint(c, speech));
  const ends = heardInOrder(h.engine, heard, ['welcome', 'main_menu', 'complaint_kind', 'complaint_record', 'beep', 'case_number_is']);
  const first = heardDigits(h.engine, heard, ends[5], 14);
  const again = heardInOrder(h.engine, heard.subarray(ends[5]), ['repeat_once'])[0] + ends[5];
  const second = heardDigits(h.engine, heard, again, 14);
  assert.is(first.length, 14, `read back '${first}'`);
  assert.is(second, first, 'the number read the second time differs');
  heardInOrder(h.engine, heard.subarray(again), ['goodbye']);

  assert.is(calls.length, 1);
  assert.equal(calls[0].caseNumbers, [first], 'the number heard is not the number stored');
  const kase = await h.engine.store.getCase(first);
  assert.ok(kase, `case ${first} not in the store`);
  assert.is(kase!.kind, 'complaint');
  assert.is(kase!.callerNumber, '13912345678');
  const rec = join(h.engine.dataDir, kase!.recordingIds![0]);
  assert.ok(existsSync(rec), `recording ${rec} missing`);
  const m = findPrompt(readWavSamples(rec).samples, readWavSamples(speech).samples);
  assert.ok(m.score > 0.9, `the case recording does not hold the caller's speech (correlation ${m.score.toFixed(3)})`);
  const cr = await h.engine.store.getCallRecord(calls[0].id);
  assert.ok(cr, 'no call record');
  assert.is(cr!.caseNumber, first);
});

test('press 3, key the number → the caller hears the status of the case and the date it was registered', async () => {
  const complaintNumber = await registeredCase();
  const { heard } = await h.call(async (c) => {
    await keyThrough(c, ['3', `${complaintNumber}#`], { silenceMs: 2500 });
  });
  const ends = heardInOrder(h.engine, heard, ['main_menu', 'query_enter', 'status_is', 'status_registered', 'date_is', 'date_year', 'month_3', 'date_day', 'goodbye']);
  // Registered on the simulated Monday, 2026-03-16: the year is read digit by digit.
  assert.is(heardDigits(h.engine, heard, ends[4], 4), '2026');
  assert.ok(complaintNumber.startsWith('20260316'), `case number ${complaintNumber} is not dated by the board clock`);
});

test('a number with one digit changed → "not valid"; three times → goodbye', async () => {
  const d = (await registeredCase()).split('');
  d[9] = String((Number(d[9]) + 3) % 10);
  const wrong = d.join('');
  assert.not.ok(h.engine.store.validateCaseNumber(wrong).ok, 'the altered number passes the check digit');
  const { heard, calls } = await h.call(async (c) => {
    await c.hear();
    await c.press('3');
    for (let i = 0; i < 3; i++) {
      await c.hear();
      await c.press(`${wrong}#`);
    }
    await c.hear({ silenceMs: 2500 });
  });
  heardInOrder(h.engine, heard, ['query_enter', 'number_not_valid', 'query_enter', 'number_not_valid', 'query_enter', 'number_not_valid', 'goodbye']);
  const status = findPrompt(heard, promptAudio(h.engine, 'status_is'));
  assert.ok(status.score < 0.6, 'a status was read for an invalid number');
  assert.not.ok(calls[0].path.includes('query_lookup'), `the look-up ran: ${calls[0].path.join('>')}`);
});

test('closed case with an e-mail address: status, result, then the result by e-mail arrives at the SMTP server', async () => {
  const complaintNumber = await closedCase();
  const { heard } = await h.call(async (c) => {
    await c.hear();
    await c.press('3');
    await c.hear();
    await c.press(`${complaintNumber}#`);
    await c.hear();
    await c.press('1');
    // The SMTP exchange takes wall time; the harness holds board time meanwhile.
    await c.hear({ silenceMs: 2500 });
  });
  heardInOrder(h.engine, heard, ['status_is', 'status_closed', 'result_is', 'result_agreement', 'email_offer', 'email_sent', 'goodbye']);
  assert.is(inbox.length, 1, 'no e-mail arrived');
  assert.match(inbox[0], /To: zhangsan@example\.test/);
  // A Mandarin caller gets the e-mail in Mandarin, with the words heard on the
  // line (已办结, 双方达成调解协议), not the store's codes ('closed', 'agreement').
  const mail = decodeMail(inbox[0]);
  assert.match(mail.subject, new RegExp(`投诉举报案件 ${complaintNumber}`));
  assert.match(mail.body, new RegExp(`案件编号：${complaintNumber}`));
  assert.match(mail.body, /案件状态：已办结/);
  assert.match(mail.body, /处理结果：双方达成调解协议/);
  assert.match(mail.body, /登记日期：\d{4}-\d{2}-\d{2}/);
  assert.not.match(mail.body, /closed|agreement/);
});

test('press 1 → a director\'s-mailbox case with the callback number and the message', async () => {
  const speech = h.engine.prompts.file('zh', 'caller_mailbox');
  const { heard, calls } = await h.call(async (c) => {
    await c.hear();
    await c.press('1');
    await c.hear();
    await c.speak(speech);
    await c.press('#');
    await c.hear();
    await c.press('3');
    await c.hear();
    await c.press('13800138000#');
    await c.hear();
    await c.press('1');
    await c.hear({ silenceMs: 2500 });
  });
  heardInOrder(h.engine, heard, ['mailbox_intro', 'beep', 'record_confirm', 'callback_number', 'reply_wanted', 'message_received', 'goodbye']);
  const number = calls[0].caseNumbers[0];
  const kase = await h.engine.store.getCase(number);
  assert.ok(kase, 'no mailbox case');
  assert.is(kase!.kind, 'mailbox');
  assert.is(kase!.callbackNumber, '13800138000');
  assert.match(kase!.facts ?? '', /reply wanted: yes/);
  const m = findPrompt(readWavSamples(join(h.engine.dataDir, kase!.recordingIds![0])).samples, readWavSamples(speech).samples);
  assert.ok(m.score > 0.9, `the mailbox recording does not hold the message (${m.score.toFixed(3)})`);
});

test('press 4 → the knowledge menu; key 2 → the caller hears that entry', async () => {
  const { heard } = await h.call(async (c) => {
    await keyThrough(c, ['4', '2']);
  });
  heardInOrder(h.engine, heard, ['consult_intro', 'kb_returns_title', 'kb_warranty_title', 'kb_office_title', 'kb_warranty']);
  // Menu keys read as in the main menu (请按一, yi1), not as a keyed number (幺, yao1).
  const at = heardInOrder(h.engine, heard, ['kb_returns_title', 'press', 'num_1', 'kb_warranty_title', 'press', 'digit_2']);
  // (The welcome itself says 幺 in 12315: look only between the first title and the second.)
  const yao = findPrompt(heard, promptAudio(h.engine, 'digit_1'), at[0], at[3]);
  assert.ok(yao.score < 0.7, `the knowledge menu said 幺 for key 1 (${yao.score.toFixed(3)})`);
  const other = findPrompt(heard, promptAudio(h.engine, 'kb_office'));
  assert.ok(other.score < 0.6, 'an entry not chosen was played');
});

test('press 5 → survey answers keyed 1 then 2 are stored', async () => {
  const before = await h.engine.store.surveyTally('satisfaction');
  const { heard, calls } = await h.call(async (c) => {
    await keyThrough(c, ['5', '1', '2'], { silenceMs: 2500 });
  });
  heardInOrder(h.engine, heard, ['survey_intro', 'survey_q_satisfied', 'survey_q_resolved', 'survey_thanks', 'goodbye']);
  const after = await h.engine.store.surveyTally('satisfaction');
  assert.is(after.responses, before.responses + 1);
  assert.is(after.counts.q_satisfied?.['1'] ?? 0, (before.counts.q_satisfied?.['1'] ?? 0) + 1);
  assert.is(after.counts.q_resolved?.['2'] ?? 0, (before.counts.q_resolved?.['2'] ?? 0) + 1);
  assert.ok(await h.engine.store.getCallRecord(calls[0].id));
});

test('press 9 → English: the menu and goodbye are heard in English', async () => {
  const { heard } = await h.call(async (c) => {
    await keyThrough(c, ['9', '0']);
  });
  heardInOrder(h.engine, heard, ['main_menu', 'lang_offer'], 'zh');
  heardInOrder(h.engine, heard, ['main_menu', 'lines_busy', 'beep'], 'en');
});

test('in English: the closed case is read back with English fragments; 2 declines the e-mail', async () => {
  const complaintNumber = await closedCase();
  const { heard } = await h.call(async (c) => {
    await keyThrough(c, ['9', '3', `${complaintNumber}#`, '2'], { silenceMs: 2500 });
  });
  heardInOrder(h.engine, heard, ['main_menu', 'query_enter', 'status_is', 'status_closed', 'result_is', 'result_agreement', 'email_offer', 'goodbye'], 'en');
  assert.ok(findPrompt(heard, promptAudio(h.engine, 'email_sent', 'en')).score < 0.6, 'an e-mail was sent though the caller pressed 2');
  assert.is(inbox.length, 0, 'an e-mail arrived though the caller pressed 2');
});

test('a well-formed number that no case has → "no case has that number"', async () => {
  const { formatCaseNumber } = await import('../../src/cases/number.ts');
  const absent = formatCaseNumber(20260101, 99_998);
  const { heard, calls } = await h.call(async (c) => {
    await keyThrough(c, ['3', `${absent}#`], { silenceMs: 2500 });
  });
  heardInOrder(h.engine, heard, ['query_enter', 'case_not_found', 'goodbye']);
  assert.ok(calls[0].path.includes('query_lookup'), 'a valid number was not looked up');
});

test('at night, 0 (an agent) gives the night-service prompt, then the director\'s mailbox', async () => {
  // A second engine whose clock reads Monday 20:00 in Shanghai.
  const night = await harness({ epochAtZero: Date.parse('2026-03-16T20:00:00+08:00') });
  try {
    const { heard, calls } = await night.call(async (c) => {
      await keyThrough(c, ['0']);
    });
    heardInOrder(night.engine, heard, ['main_menu', 'night_service', 'mailbox_intro', 'beep']);
    assert.ok(findPrompt(heard, promptAudio(night.engine, 'lines_busy')).score < 0.6, 'the queue was offered at night');
    assert.ok(calls[0].path.includes('night'));
  } finally {
    await night.close();
  }
});

test('a complaint take with no speech (# at once, twice) → "no message heard", goodbye, no empty case; hanging up after the beep leaves none either', async () => {
  const { heard, calls } = await h.call(async (c) => {
    await keyThrough(c, ['2', '1', '#', '#'], { silenceMs: 2500 });
  });
  heardInOrder(h.engine, heard, ['complaint_record', 'beep', 'no_message', 'complaint_record', 'beep', 'no_message', 'goodbye']);
  assert.equal(calls[0].caseNumbers, [], `a case was made from silence: ${calls[0].caseNumbers.join(', ')}`);
  assert.equal(filesIn(join(h.engine.dataDir, 'recordings')).filter((f) => f.startsWith(`${calls[0].id}-`)), [], 'silent takes left on disk');
  const gone = await h.call(async (c) => {
    await keyThrough(c, ['2', '1']);
  });
  assert.is(gone.calls[0].outcome, 'caller_hangup');
  assert.equal(gone.calls[0].caseNumbers, [], `a case was made from a hang-up after the beep: ${gone.calls[0].path.join('>')}`);
});

test('an open case with an e-mail address: status read, no offer to mail a result it does not have', async () => {
  const kase = await h.engine.store.createCase({
    kind: 'complaint',
    channel: 'web',
    complainant: { name: '李四', phone: '13700000000', address: 'lisi@example.test' },
    business: { name: '某商店', address: '解放路2号' },
    request: '换货',
    facts: '手机屏幕坏了',
  });
  const before = inbox.length;
  const { heard, calls } = await h.call(async (c) => {
    await keyThrough(c, ['3', `${kase.number}#`], { silenceMs: 2500 });
  });
  heardInOrder(h.engine, heard, ['status_is', 'status_registered', 'goodbye']);
  assert.ok(findPrompt(heard, promptAudio(h.engine, 'email_offer')).score < 0.6, `the caller was offered a result by e-mail: ${calls[0].path.join('>')}`);
  assert.is(inbox.length, before);
});

test('a caller silent after the beep is told "no message heard" within seconds, not after the 3-minute maximum', async () => {
  const { heard, calls } = await h.call(async (c) => {
    await c.hear();
    await c.press('2');
    await c.hear();
    await c.press('1');
    await c.hear();
    await c.hear({ silenceMs: 2500, maxMs: 400_000 });
    await c.hear({ silenceMs: 2500, maxMs: 400_000 });
  });
  const ends = heardInOrder(h.engine, heard, ['complaint_record', 'beep', 'no_message', 'complaint_record', 'beep', 'no_message', 'goodbye']);
  const waited = (ends[2] - promptAudio(h.engine, 'no_message').length - ends[1]) / 8000;
  assert.ok(waited < 15, `the caller waited ${waited.toFixed(1)} s in silence before being told`);
  assert.equal(calls[0].caseNumbers, []);
});

test('mailbox: "record again" five times keeps the fifth take (no message lost, no system error)', async () => {
  const speech = h.engine.prompts.file('zh', 'caller_mailbox');
  const { heard, calls } = await h.call(async (c) => {
    await c.hear();
    await c.press('1');
    for (let take = 0; take < 5; take++) {
      await c.hear();
      await c.speak(speech);
      await c.press('#');
      await c.hear();
      await c.press('2');
    }
    await c.hear();
  });
  heardInOrder(h.engine, heard, ['record_confirm', 'record_confirm', 'record_confirm', 'record_confirm', 'record_confirm', 'callback_number']);
  assert.ok(findPrompt(heard, promptAudio(h.engine, 'system_error')).score < 0.6, 'the caller heard the system error');
  assert.is(calls[0].caseNumbers.length, 1, `no case from the message: ${calls[0].path.join('>')}`);
  const kase = await h.engine.store.getCase(calls[0].caseNumbers[0]);
  const m = findPrompt(readWavSamples(join(h.engine.dataDir, kase!.recordingIds![0])).samples, readWavSamples(speech).samples);
  assert.ok(m.score > 0.9, `the case recording does not hold the message (${m.score.toFixed(3)})`);
});

test.run();
