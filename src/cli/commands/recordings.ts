// `hotline recordings …`: the recording index from the command line: search,
// export by id, verify the files against the index, repair (re-index from
// disk after the start-up scan) and retention. Recordings are named by id
// (recordings/CALL-1.wav), never by a path the user gives.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { choice, defineCommand, flag, int, option, refuse, runGroup, text, existingFile, type CommandGroup, type Parsed, type Options } from '../args.ts';
import { cliError } from '../errors.ts';
import { fail } from '../store-cli.ts';
import { isHotlineError } from '../../errors.ts';
import { lockDataDir } from '../../calls/datadir.ts';
import { BureauCalendar } from '../../cases/calendar.ts';
import { localTime, quietOnClosedPipe } from '../../cases/format.ts';
import { openCaseStore, type LmdbCaseStore } from '../../cases/index.ts';
import { scanRecordings } from '../../ivr/recordings.ts';
import { archiveRecordings, checkRetention, exportRecording, finishUnfinished, openRecordingIndex, recError, recordingIdOf, repairIndex, runRetention, verifyIndex, type LmdbRecordingIndex, type RecordingEntry } from '../../recording/index.ts';

export const summary = 'recording index: search, export, verify, repair, retention, archive';

const dirFlag = {
  dir: option(text(), 'the data folder (as `hotline start --data`)', { valueName: 'DATA', defaultText: '$HOTLINE_DATA or ./data' }),
};

function dataDirOf(v: { dir?: string }): string {
  return resolve(v.dir ?? process.env.HOTLINE_DATA ?? './data');
}

function out(line: string): void {
  process.stdout.write(line + '\n');
}

/** ISO 8601 with a date (2026-03-15, 2026-03-15T09:00:00+08:00) or epoch ms. */
const time = (raw: string, label: string): number => {
  const ms = /^[0-9]{1,15}$/.test(raw) ? Number(raw) : /^[0-9]{4}-[0-9]{2}-[0-9]{2}/.test(raw) ? Date.parse(raw) : NaN;
  if (!Number.isFinite(ms)) throw cliError('CLI_BAD_VALUE', `${label} takes an ISO 8601 time (2026-03-15T09:00:00+08:00) or epoch milliseconds, not '${raw}'`, { option: label, value: raw });
  return ms;
};

/** A command on an existing index (read-only unless `write`): opens, runs, closes, prints a refusal. */
function indexCommand<O extends Options>(
  spec: { name: string; summary: string; options: O; positionals?: { name: string; description: string; required?: boolean }[]; details?: string },
  body: (index: LmdbRecordingIndex, dataDir: string, p: Parsed<O & typeof dirFlag>) => Promise<number>,
) {
  const name = `hotline recordings ${spec.name}`;
  return defineCommand({
    name,
    summary: spec.summary,
    options: { ...dirFlag, ...spec.options },
    ...(spec.positionals ? { positionals: spec.positionals } : {}),
    ...(spec.details ? { details: spec.details } : {}),
    run: async (p) => {
      quietOnClosedPipe();
      const dataDir = dataDirOf(p.values);
      let index: LmdbRecordingIndex;
      try {
        index = openRecordingIndex(dataDir, { readOnly: true });
      } catch (e) {
        return fail(name, e);
      }
      try {
        return await body(index, dataDir, p);
      } catch (e) {
        return isHotlineError(e) && e.code.startsWith('CLI_') ? refuse(name, e) : fail(name, e);
      } finally {
        await index.close();
      }
    },
  });
}

function row(cal: BureauCalendar, e: RecordingEntry): string {
  return [e.id, localTime(cal, e.start), `${(e.durationMs / 1000).toFixed(1)}s`.padStart(8), e.kind, e.callId ?? '-', e.callerNumber ?? '-', e.calledNumber ?? '-', e.agents.join(',') || '-', e.caseNumbers.join(',') || '-'].join('  ');
}

const search = indexCommand(
  {
    name: 'search',
    summary: 'Recordings that overlap --from..--to and match every other condition given, oldest first.',
    options: {
      from: option(time, 'recordings still running at or after this time', { valueName: 'TIME' }),
      to: option(time, 'recordings that began at or before this time', { valueName: 'TIME' }),
      number: option(text(), 'caller or called number', { valueName: 'NUMBER' }),
      case: option(text(), 'a case number the recording belongs to', { valueName: 'CASE' }),
      call: option(text(), 'a call id', { valueName: 'CALL' }),
      agent: option(text(), 'an agent id', { valueName: 'AGENT' }),
      limit: option((raw, label) => {
        if (!/^[0-9]{1,6}$/.test(raw) || Number(raw) < 1) throw cliError('CLI_BAD_VALUE', `${label} takes a whole number from 1 to 999999, not '${raw}'`);
        return Number(raw);
      }, 'at most this many', { valueName: 'N', default: 1000 }),
      json: flag('print JSON (one entry per line)'),
    },
    details: 'Times: ISO 8601 (2026-03-15T09:00:00+08:00) or epoch ms; the table shows them in the bureau time zone (Asia/Shanghai). Columns: id, start, duration, kind, call, caller, called, agents, cases.',
  },
  async (index, _dir, { values: v }) => {
    const found = index.search({ from: v.from, to: v.to, number: v.number, caseNumber: v.case, callId: v.call, agent: v.agent, limit: v.limit });
    const cal = new BureauCalendar();
    for (const e of found) out(v.json ? JSON.stringify(e) : row(cal, e));
    if (!v.json) process.stderr.write(`${found.length} recording(s)\n`);
    return 0;
  },
);

const exportCmd = indexCommand(
  {
    name: 'export',
    summary: 'Copy the recording ID (its roll-over parts joined) to a new file; never overwrites.',
    options: { out: option(text(), 'the file to write (must not exist)', { valueName: 'FILE' }) },
    positionals: [{ name: 'ID', description: 'the recording id from `hotline recordings search` (recordings/NAME.wav)', required: true }],
  },
  async (index, dataDir, { values: v, positionals }) => {
    if (v.out === undefined) throw cliError('CLI_MISSING_VALUE', '--out needs a value (FILE): the file to write');
    const n = exportRecording(dataDir, index, positionals[0], v.out);
    out(`exported ${positionals[0]} to ${v.out} (${n} bytes)`);
    return 0;
  },
);

const verify = indexCommand(
  {
    name: 'verify',
    summary: 'Check that every indexed file exists, has a valid, whole WAV header and lasts as long as indexed.',
    options: { json: flag('print each problem as JSON') },
    details: 'Exit status: 0 all good, 1 problems (one line each: ID CODE message); `hotline recordings repair` makes the index follow the disk.',
  },
  async (index, dataDir, { values: v }) => {
    const r = verifyIndex(dataDir, index);
    for (const p of r.problems) out(v.json ? JSON.stringify(p) : `${p.id}  ${p.code}  ${p.message}`);
    process.stderr.write(`${r.checked} recording(s) checked, ${r.problems.length} problem(s)\n`);
    return r.problems.length ? 1 : 0;
  },
);

/** Opens the case store of the data folder (it must exist: REC_NO_DATA). */
async function caseStoreOf(dataDir: string, readOnly: boolean): Promise<LmdbCaseStore> {
  if (!existsSync(join(dataDir, 'cases', 'data.mdb'))) throw recError('REC_NO_DATA', `no ${join(dataDir, 'cases', 'data.mdb')}`, { dir: dataDir });
  return openCaseStore({ dir: join(dataDir, 'cases'), readOnly, create: false });
}

const repair = defineCommand({
  name: 'hotline recordings repair',
  summary: 'Re-index from disk: run the start-up scan (finish .part files, repair headers, move takes no case refers to into orphans/), add what is missing, drop entries whose file is gone. Needs the engine stopped.',
  options: { ...dirFlag },
  details: 'Exit status: 0 done (a summary line per change), 1 refused (another engine holds the data folder, no case store).',
  run: async ({ values: v }) => {
    const name = 'hotline recordings repair';
    const dataDir = dataDirOf(v);
    let store: LmdbCaseStore | undefined;
    let index: LmdbRecordingIndex | undefined;
    let unlock: (() => void) | undefined;
    try {
      store = await caseStoreOf(dataDir, false);
      unlock = lockDataDir(dataDir);
      const log = (l: string) => out(l);
      const scan = await scanRecordings({ dataDir, store, log });
      const fin = finishUnfinished(dataDir, log);
      index = openRecordingIndex(dataDir);
      const r = await repairIndex({ dataDir, index, store, log, recovered: [...scan.recovered, ...fin.finished.map((f) => recordingIdOf(dataDir, f))] });
      out(`recordings: ${r.added.length} added, ${r.updated.length} updated, ${r.dropped.length} dropped, ${r.skipped.length} not indexed; ${index.count()} indexed`);
      return 0;
    } catch (e) {
      return fail(name, e);
    } finally {
      await index?.close();
      unlock?.();
      await store?.close();
    }
  },
});

const retention = defineCommand({
  name: 'hotline recordings retention',
  summary: 'Delete recordings past their retention (by age and quota per category: case / no-case); a recording of an open case is on legal hold and never deleted.',
  options: {
    ...dirFlag,
    rules: option(existingFile(), 'JSON array of rules, e.g. [{"category":"case","maxAgeDays":1830},{"category":"no-case","maxAgeDays":180,"quotaMB":50000}]', { valueName: 'FILE', defaultText: 'case 1830 days, no-case 180 days' }),
    'dry-run': flag('say what would be deleted, delete nothing'),
  },
  details: 'Every deletion and every legal hold is printed as one line. Exit status: 0 done, 1 refused or a deletion failed.',
  run: async ({ values: v }) => {
    const name = 'hotline recordings retention';
    const dataDir = dataDirOf(v);
    let store: LmdbCaseStore | undefined;
    let index: LmdbRecordingIndex | undefined;
    try {
      let rules;
      if (v.rules !== undefined) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(readFileSync(v.rules, 'utf8'));
        } catch (e) {
          throw recError('REC_RETENTION_INVALID', `${v.rules} is not JSON: ${(e as Error).message}`);
        }
        rules = checkRetention(parsed);
      }
      store = await caseStoreOf(dataDir, true);
      index = openRecordingIndex(dataDir, { mustExist: true });
      const r = await runRetention({ dataDir, index, store, ...(rules ? { rules } : {}), dryRun: v['dry-run'], log: (l) => out(l) });
      return r.failed.length ? 1 : 0;
    } catch (e) {
      return fail(name, e);
    } finally {
      await index?.close();
      await store?.close();
    }
  },
});

const archive = defineCommand({
  name: 'hotline recordings archive',
  summary: 'Convert recordings older than --older-than days from WAV (A-law, 64 kbit/s per channel) to one Ogg Opus file each (about 16 kbit/s per channel); the id and the index entry stay, its files point at NAME.opus; playback, export, verify and retention go on working. Safe while the engine runs (run it from cron under nice).',
  options: {
    ...dirFlag,
    'older-than': option(int({ min: 0, max: 36_600 }), 'archive recordings that ended more than this many days ago', { valueName: 'DAYS', default: 90 }),
    bitrate: option(int({ min: 6000, max: 128_000 }), 'Opus bit rate for all channels, bit/s', { valueName: 'BPS', defaultText: '16000 mono, 24000 stereo' }),
    limit: option(int({ min: 1, max: 100_000_000 }), 'at most this many recordings in this run (oldest first)', { valueName: 'N' }),
    kind: option(choice(['call', 'segment', 'ivr-take'] as const), 'only recordings of this kind (per-call recordings, rolling segments, IVR takes)', { valueName: 'KIND', defaultText: 'all kinds' }),
    'dry-run': flag('say what would be converted, convert nothing'),
  },
  details: 'One line per recording converted and a summary. Exit status: 0 done, 1 refused or a conversion failed (the recording stays as it was).',
  run: async ({ values: v }) => {
    const name = 'hotline recordings archive';
    const dataDir = dataDirOf(v);
    let index: LmdbRecordingIndex | undefined;
    try {
      index = openRecordingIndex(dataDir, { mustExist: true });
      const r = await archiveRecordings({ dataDir, index, olderThanDays: v['older-than'], ...(v.bitrate !== undefined ? { bitrate: v.bitrate } : {}), ...(v.limit !== undefined ? { limit: v.limit } : {}), ...(v.kind !== undefined ? { kinds: [v.kind] } : {}), dryRun: v['dry-run'], log: (l) => out(l) });
      return r.failed.length ? 1 : 0;
    } catch (e) {
      return fail(name, e);
    } finally {
      await index?.close();
    }
  },
});

const group: CommandGroup = {
  name: 'hotline recordings',
  summary: 'The recording index: search, export a recording by id, verify the files, repair the index from disk, apply retention, archive older recordings as Opus. Every subcommand needs an existing data folder.',
  commands: { search, export: exportCmd, verify, repair, retention, archive },
  details: 'Exit status: 0 done, 1 refused or problems found (one line each), 2 a malformed command line.',
};

export function run(args: string[]): Promise<number> {
  quietOnClosedPipe();
  return runGroup(group, args);
}
