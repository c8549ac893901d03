// The recording layer: index of recordings (LMDB behind RecordingIndex),
// maintenance (repair, verify), retention, and the IVR's hook.
import type { CaseStore } from '../cases/types.ts';
import { openRecordingIndex, type LmdbRecordingIndex } from './lmdb-index.ts';
import { indexHook, repairIndex, type RecordingHook } from './maintain.ts';
import { finishUnfinished } from './recover.ts';
import { recordingIdOf } from './ids.ts';

export { openRecordingIndex, LmdbRecordingIndex, INDEX_FOLDER } from './lmdb-index.ts';
export { repairIndex, verifyIndex, indexHook, entryFor, caseLinks, linkCaseToCall, type RecordingHook, type RepairReport, type VerifyProblem } from './maintain.ts';
export { runRetention, scheduleRetention, checkRetention, DEFAULT_RETENTION, type RetentionRule, type RetentionReport } from './retention.ts';
export { checkRecordingId, recordingPath, recordingIdOf } from './ids.ts';
export { exportRecording } from './export.ts';
export { REC_CATALOG, recError } from './errors.ts';
export { finishUnfinished, tapDayFolders } from './recover.ts';
export { startRolling, selectChannels, channelKey, DEFAULT_SEGMENT_MS, type RollingOptions, type RollingRecorder, type RecordingAlarm, type ChannelSelection } from './rolling.ts';
export { recordingNotice, checkNoticeConfig, loadNoticeConfig, noticeFor, DEFAULT_BEEP, type NoticeConfig, type QueueNotice, type NoticeHandle } from './notice.ts';
export { startCallRecording, type CallRecording, type CallRecordingOptions, type CallRecordingFacts } from './call.ts';
export type * from './types.ts';

export interface RecordingLayer {
  index: LmdbRecordingIndex;
  hook: RecordingHook & { settled(): Promise<void> };
  close(): Promise<void>;
}

/**
 * The engine's start-up step, after the start-up scan of DATA/recordings:
 * opens (or makes) the index, brings it in line with the disk and the case
 * store, and returns the hook the IVR calls when a take is kept.
 */
export async function openRecordingLayer(o: {
  dataDir: string;
  store: Pick<CaseStore, 'exportCases'>;
  log?: (line: string) => void;
  /** Ids the IVR's start-up scan finished (ScanReport.recovered): marked `recovered` in the index too. */
  recovered?: string[];
}): Promise<RecordingLayer> {
  const log = o.log ?? (() => {});
  const index = openRecordingIndex(o.dataDir);
  try {
    // Segments and call recordings a crash left unfinished, before the index
    // follows the disk; their entries are marked `recovered`.
    const fin = finishUnfinished(o.dataDir, log);
    const recovered = [...(o.recovered ?? []), ...fin.finished.map((f) => recordingIdOf(o.dataDir, f))];
    const r = await repairIndex({ dataDir: o.dataDir, index, store: o.store, log, recovered });
    if (r.added.length + r.dropped.length + r.updated.length > 0) log(`recordings: index: ${r.added.length} added, ${r.updated.length} updated, ${r.dropped.length} dropped, ${index.count()} indexed`);
  } catch (e) {
    await index.close();
    throw e;
  }
  const hook = indexHook(o.dataDir, index, log);
  return {
    index,
    hook,
    async close() {
      await hook.settled();
      await index.close();
    },
  };
}
export { archiveRecordings, archiveRecording, scheduleArchive, archivedAsWav, archiveIdOf, isArchived, DEFAULT_ARCHIVE_DAYS, type ArchiveOptions, type ArchiveReport } from './archive.ts';
export { encodeOggOpus, decodeOggOpus, inspectOggOpus } from './opus.ts';
