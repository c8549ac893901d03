// Shared pieces of the recording tests: a temp data folder with a real case
// store (DATA/cases) and real WAV files written through the project's WAV
// header writer (native hl_wav_write_header via src/dsp/wav.ts buildWav).
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { openCaseStore, type LmdbCaseStore } from '../../src/cases/index.ts';
import { buildWav } from '../../src/dsp/wav.ts';

export interface Data {
  dir: string;
  store: LmdbCaseStore;
  /** Writes an A-law take of `seconds` under DATA/id, its mtime set to `endedAt`. */
  take(id: string, seconds: number, endedAt?: number): string;
  done(): Promise<void>;
}

export const T0 = Date.UTC(2026, 2, 2, 2, 0);

export async function data(): Promise<Data> {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-rec-test-'));
  const store = await openCaseStore({ dir: join(dir, 'cases'), config: { now: () => T0 } });
  return {
    dir,
    store,
    take(id, seconds, endedAt = T0) {
      const file = join(dir, ...id.split('/'));
      mkdirSync(dirname(file), { recursive: true });
      // 0xd5: A-law silence; a 1 kHz-ish pattern would do as well, the index reads headers
      const audio = Buffer.alloc(Math.round(seconds * 8000), 0xd5);
      for (let i = 0; i < audio.length; i += 8) audio[i] = 0x55;
      writeFileSync(file, buildWav('alaw', 1, audio));
      utimesSync(file, endedAt / 1000, endedAt / 1000);
      return file;
    },
    async done() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
