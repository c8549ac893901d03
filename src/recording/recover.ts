// The start-up step for rolling segments and per-call recordings (kept in
// DATA/recordings/segments/DAY/ and calls/DAY/, where the IVR's scan of
// DATA/recordings, src/ivr/recordings.ts, does not look): a file a crash
// left as NAME.part is repaired from its size and renamed to NAME (native
// recover.cc: whole frames, fsync, no-replace rename, folder fsync); an empty
// one is removed. The index repair that follows then indexes them.
import { existsSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { recoverRecording } from '../board/recording.ts';

/** The folders holding segments and call recordings, one per UTC day. */
export const TAP_FOLDERS = ['segments', 'calls'] as const;

/** Day folders under recordings/segments and recordings/calls (absolute). */
export function tapDayFolders(dataDir: string): string[] {
  const out: string[] = [];
  for (const f of TAP_FOLDERS) {
    const root = join(dataDir, 'recordings', f);
    if (!existsSync(root)) continue;
    for (const d of readdirSync(root, { withFileTypes: true })) if (d.isDirectory()) out.push(join(root, d.name));
  }
  return out.sort();
}

export interface RecoverReport {
  finished: string[];
  removed: string[];
  failed: string[];
}

/** Finishes every NAME.part older than `startedAt` in the segment and call folders. */
export function finishUnfinished(dataDir: string, log: (line: string) => void = () => {}, startedAt = Date.now()): RecoverReport {
  const r: RecoverReport = { finished: [], removed: [], failed: [] };
  for (const dir of tapDayFolders(dataDir)) {
    for (const name of readdirSync(dir)) {
      if (!name.toLowerCase().endsWith('.wav.part')) continue;
      const file = join(dir, name);
      const st = statSync(file, { throwIfNoEntry: false });
      if (!st || st.mtimeMs > startedAt) continue;
      const rel = file.slice(dataDir.length + 1);
      if (st.size === 0) {
        unlinkSync(file);
        r.removed.push(rel);
        log(`recordings: removed ${rel}: empty (the process died before any audio reached the disk)`);
        continue;
      }
      try {
        const done = recoverRecording(file);
        r.finished.push(done.file);
        log(`recordings: finished ${rel} (${done.dataBytes} bytes of audio${done.repaired ? ', header repaired' : ''})`);
      } catch (e) {
        r.failed.push(rel);
        log(`recordings: could not repair ${rel}: ${(e as { code?: string }).code ?? 'ERROR'}: ${(e as Error).message}`);
      }
    }
  }
  return r;
}
