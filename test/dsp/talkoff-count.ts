// Counting false events in a talk-off corpus (talkoff.test.ts: the npm
// corpus; talkoff-first.test.ts: the first one): every DTMF digit, MF R2
// code and call-progress tone the detectors report, per kind of audio.
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { detectTones, parseWav } from '../../src/dsp/index.ts';
import type { CorpusFile } from './talkoff-corpus.ts';

export interface Tally { seconds: number; dtmf: number; mf: number; mfLong: number; cp: number; hits: string[] }

export function count(files: CorpusFile[]): Record<'speech' | 'music', Tally> {
  const t = {
    speech: { seconds: 0, dtmf: 0, mf: 0, mfLong: 0, cp: 0, hits: [] as string[] },
    music: { seconds: 0, dtmf: 0, mf: 0, mfLong: 0, cp: 0, hits: [] as string[] },
  };
  for (const f of files) {
    const wav = parseWav(readFileSync(f.path));
    assert.is(wav.encoding, 'alaw', `${f.path} is not A-law`);
    // Every MF R2 tone the receiver reports (hotline detect hides those under 30 ms).
    const events = detectTones(wav, { minMfR2Ms: 0 });
    const k = t[f.kind];
    k.seconds += wav.frames / 8000;
    for (const e of events) {
      const at = `${f.name} @ ${(e.start_ms / 1000).toFixed(2)} s (${e.end_ms - e.start_ms} ms)`;
      if (e.type === 'dtmf') {
        k.dtmf++;
        k.hits.push(`dtmf ${e.digit}  ${at}  [${f.what}]`);
      } else if (e.type === 'mf_r2') {
        k.mf++;
        if (e.end_ms - e.start_ms >= 30) k.mfLong++;
        k.hits.push(`mf_r2 ${e.direction} ${e.code}  ${at}`);
      } else {
        k.cp++;
        k.hits.push(`${e.tone}  ${at}`);
      }
    }
  }
  return t;
}

export const perHour = (n: number, s: number): number => (s > 0 ? (n * 3600) / s : 0);
