// The engine's data folder: made if missing (without the recursive mkdir that
// spins for ever on procfs), refused with a sentence when it is a file or
// cannot be made, and locked so that two engines never share it (two call
// cores would answer the same board's calls into one store). The lock is a
// file, hotline.lock, holding the owner's pid; a lock whose process is gone
// (kill -9, power cut) is stale and taken over.
import { linkSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { makeDirs, type DirError } from '../dirs.ts';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { CallError } from './errors.ts';

export const LOCK_FILE = 'hotline.lock';

interface Holder {
  pid: number;
  host: string;
  startedAt: string;
  argv: string[];
}

/** Makes `dir` and its missing parents, one level at a time. */
export function ensureDir(dir: string): void {
  try {
    makeDirs(dir);
  } catch (e) {
    const { code, at } = e as DirError;
    if (code === 'ENOTDIR') throw new CallError('CALL_DATA_NOT_DIR', `${at} is a file, not a folder, so it cannot hold the data folder ${dir}; give --data a folder (it is made if missing)`, { dir, at });
    throw new CallError('CALL_DATA_UNUSABLE', `the data folder ${dir} cannot be made or used: ${(e as Error).message}; choose a folder this user can write with --data`, { dir, at, errno: code });
  }
}

function readHolder(file: string): { text: string; holder: Holder | null } | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  try {
    const h = JSON.parse(text) as Holder;
    return { text, holder: Number.isInteger(h.pid) && h.pid > 0 ? h : null };
  } catch {
    return { text, holder: null };
  }
}

/** Whether the lock's process still runs (on this host; a lock from another host counts as held). */
function alive(h: Holder): boolean {
  if (h.host !== hostname()) return true;
  try {
    process.kill(h.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // A pid reused by another program after a crash is no engine.
  try {
    const cmd = readFileSync(`/proc/${h.pid}/cmdline`, 'utf8');
    return /node|hotline/.test(cmd);
  } catch {
    return true;
  }
}

/**
 * Makes and locks the data folder; returns the release (removes the lock if
 * it is still ours). CALL_DATA_LOCKED names the process that holds it.
 */
export function lockDataDir(dir: string): () => void {
  ensureDir(dir);
  const file = join(dir, LOCK_FILE);
  const me: Holder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), argv: process.argv.slice(1) };
  const mine = `${JSON.stringify(me)}\n`;
  const tmp = join(dir, `${LOCK_FILE}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, mine);
  } catch (e) {
    throw new CallError('CALL_DATA_UNUSABLE', `the data folder ${dir} is not writable (${(e as NodeJS.ErrnoException).code}); choose a folder this user can write with --data`, { dir });
  }
  try {
    // link() either makes the lock whole or fails with EEXIST: no half-written lock.
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        linkSync(tmp, file);
        return () => {
          if (readHolder(file)?.text === mine) unlinkSync(file);
        };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new CallError('CALL_DATA_UNUSABLE', `the data folder ${dir} cannot be locked (${(e as NodeJS.ErrnoException).code}); choose a local folder this user can write with --data`, { dir });
      }
      const held = readHolder(file);
      if (!held) continue; // released meanwhile
      if (held.holder && alive(held.holder)) {
        const h = held.holder;
        const who = h.pid === process.pid && h.host === hostname() ? 'this process' : `process ${h.pid} on ${h.host}`;
        throw new CallError(
          'CALL_DATA_LOCKED',
          `the data folder ${dir} is in use by another hotline engine: ${who}, started ${h.startedAt} (${h.argv.join(' ')}); stop that engine, or give this one another --data`,
          { dir, pid: h.pid, host: h.host },
        );
      }
      // Stale (its process is gone) or unreadable: move it aside, and make sure
      // what was moved is the stale lock and not a fresh one taken meanwhile.
      const aside = `${file}.stale-${process.pid}`;
      try {
        renameSync(file, aside);
      } catch {
        continue;
      }
      if (readHolder(aside)?.text !== held.text) {
        try {
          linkSync(aside, file);
        } catch {
          // The other engine's lock is back or another took the place: the next round sees it.
        }
      }
      unlinkSync(aside);
    }
    throw new CallError('CALL_DATA_LOCKED', `the data folder ${dir} could not be locked: its lock changed hands five times while trying; is another engine starting on it?`, { dir });
  } finally {
    unlinkSync(tmp);
  }
}
