// What the console's admin pages save in the data folder, beside the case
// store, and what the engine reads of it at its next start:
//   config/calendar.json  the bureau's days off and make-up working days
//                         (the case store's calendar; also changed at once)
//   config/acd.json       queue strategy, members and required skills, agent
//                         skills (the ACD builds its queues at start only)
//   config/flow.yaml|json the IVR flow saved from the console (reloaded at
//                         once; read at start unless --flow names another)
// Files are written whole to a temporary name and renamed over the old one,
// so a crash leaves the old file or the new one, never half of one.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { acdError } from '../acd/errors.ts';
import type { AcdConfig, MemberConfig, Strategy } from '../acd/types.ts';
import { CaseErrors, caseError } from '../cases/errors.ts';
import type { CalendarConfig } from '../cases/types.ts';
import { ensureDir } from './datadir.ts';

export const CONFIG_DIR = 'config';
export const CALENDAR_FILE = join(CONFIG_DIR, 'calendar.json');
export const ACD_FILE = join(CONFIG_DIR, 'acd.json');
export const FLOW_FILES = [join(CONFIG_DIR, 'flow.yaml'), join(CONFIG_DIR, 'flow.json')] as const;

/** Writes `text` to `file` through a temporary file and a rename (the folder is made if missing). */
export function writeWhole(dataDir: string, rel: string, text: string): string {
  const file = join(dataDir, rel);
  ensureDir(join(dataDir, CONFIG_DIR));
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  return file;
}

function readJson(file: string, bad: (why: string) => Error): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw bad(`${file}: ${(e as Error).message}`);
  }
}

/** The calendar saved by the console, or undefined (the State Council's defaults then). */
export function readCalendarFile(dataDir: string): CalendarConfig | undefined {
  const file = join(dataDir, CALENDAR_FILE);
  if (!existsSync(file)) return undefined;
  const doc = readJson(file, (why) => caseError(CaseErrors.CASE_CALENDAR_INVALID, why));
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw caseError(CaseErrors.CASE_CALENDAR_INVALID, `${file}: must be { "holidays": [...], "workingWeekends": [...] }`);
  const d = doc as CalendarConfig;
  return { ...(d.timeZone !== undefined ? { timeZone: d.timeZone } : {}), holidays: d.holidays ?? [], workingWeekends: d.workingWeekends ?? [] };
}

export function writeCalendarFile(dataDir: string, c: Required<Pick<CalendarConfig, 'holidays' | 'workingWeekends'>> & { timeZone: string }): string {
  return writeWhole(dataDir, CALENDAR_FILE, `${JSON.stringify(c, null, 1)}\n`);
}

/** A queue as the console edits it: strategy, members in order, required skills. */
export interface QueueEdit {
  strategy?: Strategy;
  members?: MemberConfig[];
  requiredSkills?: Record<string, number>;
}

export interface AcdOverlay {
  queues: Record<string, QueueEdit>;
  /** agent id → skill → level 1–100. */
  skills: Record<string, Record<string, number>>;
}

export function readAcdOverlay(dataDir: string): AcdOverlay {
  const file = join(dataDir, ACD_FILE);
  if (!existsSync(file)) return { queues: {}, skills: {} };
  const doc = readJson(file, (why) => acdError('ACD_CONFIG_INVALID', why)) as Partial<AcdOverlay> | null;
  const obj = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!obj(doc) || (doc!.queues !== undefined && !obj(doc!.queues)) || (doc!.skills !== undefined && !obj(doc!.skills))) {
    throw acdError('ACD_CONFIG_INVALID', `${file}: must be { "queues": { ID: { strategy, members, requiredSkills } }, "skills": { AGENT: { SKILL: LEVEL } } }`);
  }
  return { queues: { ...doc!.queues }, skills: { ...doc!.skills } };
}

export function writeAcdOverlay(dataDir: string, o: AcdOverlay): string {
  return writeWhole(dataDir, ACD_FILE, `${JSON.stringify(o, null, 1)}\n`);
}

/**
 * The roster with the console's edits: a queue's strategy, members and
 * required skills, agents' skills. Members and skills of agents not in the
 * roster (deactivated since) are left out, so a saved edit never stops the
 * engine from starting; queues the configuration does not have are ignored.
 */
export function applyAcdOverlay(config: AcdConfig, o: AcdOverlay): AcdConfig {
  const roster = new Set(config.agents.map((a) => a.id));
  return {
    ...config,
    agents: config.agents.map((a) => (Object.hasOwn(o.skills, a.id) ? { ...a, skills: { ...o.skills[a.id] } } : a)),
    queues: config.queues.map((q) => {
      const e = Object.hasOwn(o.queues, q.id) ? o.queues[q.id] : undefined;
      if (!e) return q;
      return {
        ...q,
        ...(e.strategy !== undefined ? { strategy: e.strategy } : {}),
        ...(e.members !== undefined ? { members: e.members.filter((m) => roster.has(m.agent)) } : {}),
        ...(e.requiredSkills !== undefined ? { requiredSkills: { ...e.requiredSkills } } : {}),
      };
    }),
  };
}

/** The flow the console saved, if any. */
export function savedFlowFile(dataDir: string): string | undefined {
  return FLOW_FILES.map((f) => join(dataDir, f)).find((f) => existsSync(f));
}
