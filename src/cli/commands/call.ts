// `hotline call --flow F --keys 2,1,speak,#`: one simulated call through a
// flow on the simulated board, in stepped time, so a bureau can try an edited
// menu before it goes live. The caller is the tests' SimCaller: it listens
// until the IVR falls silent, then keys each group as DTMF audio (through the
// real detectors) or speaks; the engine's trace says node by node what the
// caller heard (prompt ids and their text) and where the call went. The store
// is a temporary one unless --data names one; nothing else is touched.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { SimCaller, drive } from '../../calls/sim-caller.ts';
import { openEngine, type Engine } from '../../calls/engine.ts';
import type { CallSummary } from '../../calls/call.ts';
import { BureauCalendar, isoToDayKey } from '../../cases/calendar.ts';
import { buildWav, encodeSamples, readWavSamples } from '../../dsp/wav.ts';
import { DEFAULT_FLOW_FILE } from '../../ivr/flow.ts';
import type { IvrTraceEvent } from '../../ivr/interpreter.ts';
import { isHotlineError } from '../../errors.ts';
import { decimal, defineCommand, duration, existingFile, flag, option, refuse, runCommand, text, type Parser } from '../args.ts';
import { cliError } from '../errors.ts';

export const summary = 'place one simulated call through a flow with the keys given; print what the caller heard, node by node';

/** A key group ('2', '1#', '20260316000012#') or 'speak'. */
export type Step = { keys: string } | { speak: true };

const keyList: Parser<Step[]> = (raw, label) => {
  const parts = raw.split(',');
  const steps: Step[] = [];
  for (const p of parts) {
    const t = p.trim();
    if (/^speak$/i.test(t)) steps.push({ speak: true });
    else if (/^[0-9*#A-Da-d]{1,40}$/.test(t)) steps.push({ keys: t.toUpperCase() });
    else throw cliError('CLI_BAD_VALUE', `${label} takes key groups separated by commas, each DTMF keys 0-9 * # A-D (up to 40) or the word speak, e.g. 2,1,speak,#; '${t}' in '${raw}' is neither`, { option: label, value: raw });
  }
  return steps;
};

const callerNumber: Parser<string> = (raw, label) => {
  if (!/^\+?[0-9]{3,20}$/.test(raw)) throw cliError('CLI_BAD_VALUE', `${label} takes a telephone number of 3 to 20 digits (a leading + allowed), not '${raw}'`, { option: label, value: raw });
  return raw;
};

// 'YYYY-MM-DD' or 'YYYY-MM-DDTHH:MM' in the bureau's time zone.
const localTime: Parser<{ day: string; minute: number }> = (raw, label) => {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2}))?$/.exec(raw);
  const bad = () => cliError('CLI_BAD_VALUE', `${label} takes a local date and time in the bureau's time zone, YYYY-MM-DD or YYYY-MM-DDTHH:MM (e.g. 2026-03-16T20:00), not '${raw}'`, { option: label, value: raw });
  if (!m) throw bad();
  try {
    isoToDayKey(m[1]);
  } catch {
    throw bad();
  }
  const h = m[2] === undefined ? 10 : Number(m[2]);
  const min = m[3] === undefined ? 0 : Number(m[3]);
  if (h > 23 || min > 59) throw bad();
  return { day: m[1], minute: h * 60 + min };
};

const callCommand = defineCommand({
  name: 'hotline call',
  summary:
    'Place one simulated call through a flow on the simulated E1 board, in stepped time (seconds of call take milliseconds). The caller listens until the IVR falls silent, then keys the next group as DTMF tones, or speaks; after the last group it listens once more and hangs up. Prints, node by node, the prompts the caller heard with their text, the keys the IVR took, where the call went and the cases it made. Exit status: 0 the call ran, 1 the IVR did not answer or the flow failed during the call, 2 refused options or flow.',
  options: {
    flow: option(existingFile(), 'the flow to try (JSON or YAML)', { valueName: 'FILE', defaultText: 'src/ivr/flows/12315.yaml' }),
    keys: option(keyList, 'what the caller does after each prompt, in order: key groups separated by commas (2,1# presses 2, then 1 and #), or speak', { valueName: 'LIST', default: [] as Step[] }),
    speech: option(decimal({ min: 0.5, max: 120, unit: 'seconds' }), 'length of each speak step, in order (the last one repeats)', { valueName: 'SECONDS', multiple: true, defaultText: '4' }),
    caller: option(callerNumber, 'the caller number the IVR sees', { valueName: 'NUMBER', default: '13912345678' }),
    lang: option(text(), "the language the call starts in (one of the flow's languages)", { valueName: 'zh|en', defaultText: "the flow's language" }),
    at: option(localTime, "the bureau's local date and time of the call (office hours, holidays)", { valueName: 'TIME', defaultText: 'now' }),
    board: option(existingFile(), 'board profile with a simulated network side', { valueName: 'FILE', defaultText: 'boards/sim-e1x2.json' }),
    data: option(text(), 'data folder for the case store (cases the call makes stay there); it must not be in use by a running engine', { valueName: 'DIR', defaultText: 'a temporary folder, removed afterwards' }),
    'max-time': option(duration({ minMs: 1000, maxMs: 3_600_000 }), 'give up after this much call time (board time)', { valueName: 'DURATION', default: 600_000, defaultText: '10m' }),
    json: flag('print one JSON object: { flow, at, caller, steps, nodes, outcome, path, cases }'),
  },
  run: async ({ values: v }) => {
    if (v.speech.length && !v.keys.some((s) => 'speak' in s)) throw cliError('CLI_BAD_VALUE', '--speech gives the length of speak steps, but --keys has none; add speak where the caller talks (e.g. --keys 2,1,speak,#)', { option: '--speech' });
    return placeCall({ ...v, speech: v.speech.length ? v.speech : [4] });
  },
});

export const run = (args: string[]): Promise<number> => runCommand(callCommand, args);

interface CallOptions {
  flow?: string;
  keys: Step[];
  speech: number[];
  caller: string;
  lang?: string;
  at?: { day: string; minute: number };
  board?: string;
  data?: string;
  'max-time': number;
  json: boolean;
}

interface HeardPrompt {
  id: string;
  text?: string;
  /** A key cut the prompt short. */
  cut?: boolean;
}

interface NodeStep {
  id: string;
  type: string;
  heard: HeardPrompt[];
  keys: string[];
  next?: string | null;
  casesMade: string[];
  error?: string;
}

async function placeCall(o: CallOptions): Promise<number> {
  const scratch = mkdtempSync(join(tmpdir(), 'hotline-call-'));
  try {
    return await withEngine(o, scratch);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function withEngine(o: CallOptions, scratch: string): Promise<number> {
  const flowFile = o.lang ? flowInLanguage(o.flow ?? DEFAULT_FLOW_FILE, o.lang, scratch) : o.flow;
  const calendar = new BureauCalendar();
  const at = o.at ? calendar.startOfDay(isoToDayKey(o.at.day)) + o.at.minute * 60_000 : Date.now();
  const events: IvrTraceEvent[] = [];
  let engine: Engine;
  try {
    engine = await openEngine({ boardFile: o.board, flowFile, dataDir: o.data ?? join(scratch, 'data'), mode: 'stepped', epochAtZero: at, trace: (e) => events.push(e) });
  } catch (e) {
    if (isHotlineError(e)) return refuse('hotline call', e);
    throw e;
  }
  try {
    const net = engine.networkChannels;
    if (net.length === 0) return refuse('hotline call', cliError('CLI_BAD_VALUE', `--board: the board '${engine.board.name}' has no simulated network side to call from; use a simulated board profile such as boards/sim-e1x2.json`, { option: '--board' }));
    const ended: CallSummary[] = [];
    engine.core.calls$.subscribe((e) => e.type === 'end' && ended.push(e.call));
    const caller = new SimCaller(net[0], { dir: join(scratch, 'caller'), callerNumber: o.caller, tap: false });
    const speechFiles = o.speech.map((s, i) => speechFile(engine, s, join(scratch, `speech-${i}.wav`)));
    let answered = false;
    const unused: Step[] = [];
    let timedOut = false;
    try {
      await drive(
        engine.board,
        (async () => {
          answered = await caller.dial();
          if (!answered) return;
          let hungUp = (await caller.hear()).hungUp;
          let speakNo = 0;
          for (const [i, s] of o.keys.entries()) {
            if (hungUp) {
              unused.push(...o.keys.slice(i));
              break;
            }
            if ('speak' in s) await caller.speak(speechFiles[Math.min(speakNo++, speechFiles.length - 1)]);
            else await caller.press(s.keys);
            // A caller who has spoken ends the take at once (the # that
            // follows), rather than wait for the recorder's silence cut-off.
            if ('speak' in s && i + 1 < o.keys.length) continue;
            hungUp = (await caller.hear()).hungUp;
          }
          await caller.hangup();
        })(),
        o['max-time'],
        50,
        () => engine.core.busy(),
      );
    } catch (e) {
      if (!/^drive: work not finished/.test((e as Error).message)) throw e;
      timedOut = true;
      await drive(engine.board, caller.hangup()).catch(() => null);
    }
    await settle(engine);
    const call = ended[0];
    const nodes = steps(events, engine, call?.id);
    const cases = await Promise.all((call?.caseNumbers ?? []).map(async (n) => {
      const c = await engine.store.getCase(n);
      return { number: n, kind: c?.kind, status: c?.status };
    }));
    const lang = o.lang ?? engine.flows.current.language;
    const report = {
      flow: { name: engine.flows.current.name, version: engine.flows.current.version, file: o.flow ?? DEFAULT_FLOW_FILE },
      at: new Date(at).toISOString(),
      caller: o.caller,
      lang,
      answered,
      steps: o.keys.map((s) => ('speak' in s ? 'speak' : s.keys)),
      unusedSteps: unused.map((s) => ('speak' in s ? 'speak' : s.keys)),
      timedOut,
      nodes,
      outcome: call?.outcome ?? 'none',
      path: call?.path ?? [],
      cases,
      durationMs: call && call.endedAt !== undefined ? call.endedAt - call.startedAt : 0,
    };
    process.stdout.write(o.json ? `${JSON.stringify(report)}\n` : render(report, calendar));
    const failed = !answered || !call || call.outcome === 'error' || timedOut;
    return failed ? 1 : 0;
  } finally {
    await engine.close();
  }
}

/**
 * Waits for the call's record and case writes after the hang-up. They take
 * wall time (fsync) that no board-time hold covers, so board time moves
 * only a little between waits; the bound is wall time (60 s), enough for a
 * disk under load, where 60 s of board time can pass in a blink.
 */
async function settle(engine: Engine): Promise<void> {
  let done = false;
  const idle = engine.core.idle().then(() => (done = true));
  const until = Date.now() + 60_000;
  while (!done) {
    if (Date.now() > until) throw cliError('CLI_CALL_UNFINISHED', 'the call did not finish its call record within 60 s after the hang-up; check the data folder (disk full or very slow?)');
    if (!engine.core.busy()) await engine.board.advance(50);
    await new Promise((r) => setTimeout(r, 2));
  }
  await idle;
}

/** The events of one call folded into one entry per node visited. */
function steps(events: IvrTraceEvent[], engine: Engine, callId: string | undefined): NodeStep[] {
  const out: NodeStep[] = [];
  let seenCases = 0;
  for (const e of events) {
    if (e.callId !== callId) continue;
    const cur = out[out.length - 1];
    switch (e.type) {
      case 'node':
        out.push({ id: e.node, type: e.nodeType, heard: [], keys: [], casesMade: [] });
        break;
      case 'play': {
        // Items after the one a key cut short were never heard.
        const heard = e.reason === 'done' ? e.prompts : e.prompts.slice(0, e.itemIndex + 1);
        heard.forEach((id, i) => {
          const lang = e.prompts.length ? languageOf(events, e) : undefined;
          const text = engine.prompts.text(lang ?? engine.flows.current.language, id);
          const cut = e.reason !== 'done' && i === heard.length - 1;
          cur?.heard.push({ id, ...(text !== undefined ? { text } : {}), ...(cut ? { cut: true } : {}) });
        });
        break;
      }
      case 'digits':
        cur?.keys.push(e.digits === '' ? `(none: ${e.reason})` : e.digits);
        break;
      case 'next':
        if (!cur) break;
        cur.next = e.next;
        cur.casesMade = e.cases.slice(seenCases);
        seenCases = e.cases.length;
        if (e.error) cur.error = e.error;
        break;
    }
  }
  return out;
}

// The call's language when a prompt played: the last 'next' event's `lang`
// variable before it (a language node switches it), else the flow's.
function languageOf(events: IvrTraceEvent[], at: IvrTraceEvent): string | undefined {
  let lang: string | undefined;
  for (const e of events) {
    if (e === at) break;
    if (e.type === 'next' && e.callId === at.callId) lang = e.vars.lang;
  }
  return lang;
}

function render(r: { flow: { name: string; version: unknown; file: string }; at: string; caller: string; lang: string; answered: boolean; steps: string[]; unusedSteps: string[]; timedOut: boolean; nodes: NodeStep[]; outcome: string; path: string[]; cases: { number: string; kind?: string; status?: string }[]; durationMs: number }, cal: BureauCalendar): string {
  const when = new Date(Date.parse(r.at) + cal.offsetAt(Date.parse(r.at))).toISOString().slice(0, 16).replace('T', ' ');
  const lines = [
    `call through flow '${r.flow.name}' v${String(r.flow.version)} (${r.flow.file})`,
    `  caller ${r.caller}, ${when} ${cal.timeZone}, language ${r.lang}, steps: ${r.steps.join(' ') || '(none: listen, then hang up)'}`,
    '',
  ];
  if (!r.answered) lines.push('the IVR did not answer');
  for (const n of r.nodes) {
    lines.push(`${n.id} (${n.type})`);
    for (const h of collapseDigits(n.heard)) lines.push(`  heard  ${h.id.padEnd(20)} ${h.text ?? ''}${h.cut ? '  [cut short by a key]' : ''}`);
    for (const k of n.keys) lines.push(`  keys   ${k}`);
    for (const c of n.casesMade) lines.push(`  case   ${c} created`);
    if (n.error) lines.push(`  error  ${n.error}`);
    lines.push(`  → ${n.next === null ? '(end of call)' : (n.next ?? '(caller hung up here)')}`);
  }
  lines.push('');
  const secs = (r.durationMs / 1000).toFixed(1);
  lines.push(`call ended: ${r.outcome} after ${secs} s; path ${r.path.join(' > ') || '(none)'}`);
  for (const c of r.cases) lines.push(`case ${c.number}: ${c.kind ?? '?'}, ${c.status ?? '?'}`);
  if (r.unusedSteps.length) lines.push(`not used (the call ended first): ${r.unusedSteps.join(' ')}`);
  if (r.timedOut) lines.push('the call was still going after --max-time and was hung up');
  return `${lines.join('\n')}\n`;
}

// A number read out is one prompt per digit: shown as one line of its digits.
function collapseDigits(heard: HeardPrompt[]): HeardPrompt[] {
  const out: HeardPrompt[] = [];
  for (let i = 0; i < heard.length; ) {
    let j = i;
    while (j < heard.length && /^digit_/.test(heard[j].id)) j++;
    if (j - i >= 3) {
      const run = heard.slice(i, j);
      out.push({ id: `digit_* ×${run.length}`, text: run.map((h) => h.text ?? h.id.slice(6)).join(''), cut: run[run.length - 1].cut });
      i = j;
    } else out.push(heard[i++]);
  }
  return out;
}

/** A copy of the flow that starts in `lang` (refused when the flow does not offer it). */
function flowInLanguage(file: string, lang: string, dir: string): string {
  let doc: { language?: unknown; languages?: unknown };
  try {
    const textIn = readFileSync(file, 'utf8');
    doc = (extname(file) === '.json' ? JSON.parse(textIn) : parseYaml(textIn)) as typeof doc;
  } catch (e) {
    throw cliError('CLI_BAD_VALUE', `--flow ${file} cannot be read: ${(e as Error).message}`, { option: '--flow' });
  }
  const langs = Array.isArray(doc?.languages) ? (doc.languages as unknown[]).map(String) : [];
  if (!langs.includes(lang)) throw cliError('CLI_BAD_VALUE', `--lang ${lang}: the flow offers ${langs.join(', ') || 'no languages'}`, { option: '--lang', value: lang });
  const out = join(dir, 'flow.json');
  writeFileSync(out, JSON.stringify({ ...doc, language: lang }));
  return out;
}

/** A speech file of `seconds`: the prompts' recorded caller complaint, repeated or cut. */
function speechFile(engine: Engine, seconds: number, out: string): string {
  const lang = engine.prompts.has('zh', 'caller_complaint') ? 'zh' : engine.flows.current.language;
  const { samples } = readWavSamples(engine.prompts.file(lang, 'caller_complaint'));
  const n = Math.round(seconds * 8000);
  const pcm = new Int16Array(n);
  for (let i = 0; i < n; i++) pcm[i] = samples[i % samples.length];
  writeFileSync(out, buildWav('alaw', 1, encodeSamples(pcm, 'alaw')));
  return out;
}
