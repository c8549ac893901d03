// Start-up scan of the IVR's recording folder (DATA/recordings), run before
// the board starts taking calls. After kill -9 or a power cut it finds:
//   - NAME.part: a take the board never finished. Its header is rebuilt from
//     the audio on disk (a take killed in its first second said 0 bytes) and
//     it gets its final name (src/board/recording.ts recoverRecording);
//   - NAME.wav whose header disagrees with its size (files from before the
//     board wrote NAME.part): repaired in place;
//   - takes no case refers to (the call died before its case was stored):
//     kept, not deleted — a hotline keeps what a caller said — but moved to
//     DATA/recordings/orphans/, for the bureau to listen to;
//   - files that are not WAV at all (cut off inside the header): moved to
//     orphans/ as they are; an empty file (nothing reached the disk) is removed.
// Only files older than the scan's start are moved (a take being written now
// is not an orphan). Every action is logged, one line per file.
import { closeSync, existsSync, fsyncSync, linkSync, mkdirSync, openSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { recoverRecording } from '../board/recording.ts';
import type { CaseStore } from '../cases/types.ts';
import { isDspErrorCode } from '../dsp/errors.ts';

export interface ScanReport {
  /** Unfinished takes given their final name (and a true header). */
  finished: string[];
  /** Ids (recordings/NAME.wav, or recordings/orphans/NAME.wav once moved) of the unfinished takes it finished, where they are now: the recording index marks them `recovered`. */
  recovered: string[];
  /** Finished-looking files whose header was repaired. */
  repaired: string[];
  /** Takes no case refers to, moved to orphans/. */
  orphaned: string[];
  /** Files that are not a WAV (moved to orphans/) or empty (removed). */
  unreadable: string[];
  /** Files the disk would not let us repair or move (left as they are). */
  failed: string[];
}

export interface ScanOptions {
  dataDir: string;
  store: Pick<CaseStore, 'exportCases'>;
  /** Epoch ms: files modified after this are left alone (default: now). */
  startedAt?: number;
  log?: (line: string) => void;
}

function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Moves a file into `to`/ without replacing anything there; returns its new path. */
function moveInto(file: string, name: string, to: string): string {
  mkdirSync(to, { recursive: true });
  const dot = name.toLowerCase().endsWith('.wav') ? name.length - 4 : name.length;
  for (let n = 1; ; n++) {
    const target = join(to, n === 1 ? name : `${name.slice(0, dot)}-${n}${name.slice(dot)}`);
    try {
      linkSync(file, target); // fails if target exists: never replaces
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST' && n < 1000) continue;
      throw e;
    }
    unlinkSync(file);
    return target;
  }
}

export async function scanRecordings(o: ScanOptions): Promise<ScanReport> {
  const report: ScanReport = { finished: [], recovered: [], repaired: [], orphaned: [], unreadable: [], failed: [] };
  const finishedNames = new Set<string>();
  const dir = join(o.dataDir, 'recordings');
  const orphans = join(dir, 'orphans');
  const log = o.log ?? (() => {});
  const startedAt = o.startedAt ?? Date.now();
  if (!existsSync(dir)) return report;
  const names = () => readdirSync(dir, { withFileTypes: true }).filter((d) => d.isFile()).map((d) => d.name);

  const old: string[] = []; // WAV files from before the scan, by their names after repair
  for (const name of names()) {
    const lower = name.toLowerCase();
    const part = lower.endsWith('.wav.part');
    if (!part && !lower.endsWith('.wav')) continue;
    const file = join(dir, name);
    if (statSync(file).mtimeMs > startedAt) continue;
    if (!part) old.push(name);
    if (part && statSync(file).size === 0) {
      unlinkSync(file);
      report.unreadable.push(name);
      log(`recordings: removed ${name}: empty (the process died before any audio reached the disk)`);
      continue;
    }
    try {
      const r = recoverRecording(file);
      const secs = (r.dataBytes / 8000).toFixed(1);
      if (r.renamed) {
        old.push(r.file.slice(dir.length + 1));
        finishedNames.add(r.file.slice(dir.length + 1));
        report.finished.push(r.file);
        log(`recordings: finished ${name} as ${r.file.slice(dir.length + 1)} (${r.dataBytes} bytes of audio${r.repaired ? ', header repaired' : ''})`);
      } else if (r.repaired) {
        report.repaired.push(r.file);
        log(`recordings: repaired the header of ${name} (${r.dataBytes} bytes of audio, ${secs} s at 8 kB/s)`);
      }
    } catch (e) {
      const err = e as { code?: string; message?: string };
      if (isDspErrorCode(err.code)) {
        const to = moveInto(file, name, orphans);
        report.unreadable.push(name);
        log(`recordings: moved ${name} to ${to}: not a WAV file (${err.code}: ${err.message})`);
      } else {
        report.failed.push(name);
        log(`recordings: could not repair ${name}: ${err.code ?? 'ERROR'}: ${err.message}`);
      }
    }
  }

  // Takes no case refers to (ids are paths relative to the data folder, as the
  // interpreter stores them: recordings/NAME.wav).
  const referenced = new Set<string>();
  for await (const c of o.store.exportCases()) for (const id of c.recordingIds ?? []) referenced.add(id);
  for (const name of old) {
    const file = join(dir, name);
    if (referenced.has(`recordings/${name}`) || !existsSync(file)) {
      if (finishedNames.has(name) && existsSync(file)) report.recovered.push(`recordings/${name}`);
      continue;
    }
    try {
      const to = moveInto(file, name, orphans);
      report.orphaned.push(to);
      if (finishedNames.has(name)) report.recovered.push(`recordings/orphans/${to.slice(orphans.length + 1)}`);
      log(`recordings: moved ${name} to orphans/: no case refers to it (the call ended before its case was stored)`);
    } catch (e) {
      report.failed.push(name);
      log(`recordings: could not move ${name} to orphans/: ${(e as Error).message}`);
    }
  }
  const changed = report.finished.length + report.repaired.length + report.orphaned.length + report.unreadable.length;
  if (changed > 0) {
    if (existsSync(orphans)) syncDir(orphans);
    syncDir(dir);
    log(
      `recordings: start-up scan: ${report.finished.length} unfinished finished, ${report.repaired.length} repaired, ` +
        `${report.orphaned.length} moved to orphans/, ${report.unreadable.length} unreadable, ${report.failed.length} failed`,
    );
  }
  return report;
}
