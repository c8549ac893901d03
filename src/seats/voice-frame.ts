// The browser phone's audio frames on the seat socket (binary WebSocket
// messages, both directions), shared by the server (src/seats/voice.ts) and
// the page (web/src/voice-*.ts): no Node or DOM API here.
//
//   byte 0      version (1)
//   byte 1      codec: 0 = PCM16 little-endian (320 bytes), 1 = A-law G.711 (160 bytes)
//   bytes 2-3   0
//   bytes 4-7   sequence number, uint32 LE, +1 per frame (a gap = frames lost)
//   bytes 8-15  timestamp, float64 LE, Unix ms: the page sends when the frame's
//               first sample was captured; the server when the board received it
//   bytes 16-   20 ms of audio at 8 kHz (160 samples)

import { ALAW_DECODE, alawEncode } from '../dsp/alaw.ts';

export const VOICE_VERSION = 1;
export const VOICE_HEADER_BYTES = 16;
export const VOICE_FRAME_SAMPLES = 160;
export const VOICE_FRAME_MS = 20;
export type VoiceCodec = 'alaw' | 'pcm16';
const CODEC_NUM: Record<VoiceCodec, number> = { pcm16: 0, alaw: 1 };

export interface VoiceFrame {
  codec: VoiceCodec;
  seq: number;
  /** Unix ms (see the header above). */
  time: number;
  /** 160 samples, 16-bit linear (decoded from A-law when the frame was A-law). */
  pcm: Int16Array;
}

/** One binary message of 160 samples. */
export function encodeVoiceFrame(codec: VoiceCodec, seq: number, time: number, pcm: Int16Array): Uint8Array<ArrayBuffer> {
  const bytes = codec === 'alaw' ? VOICE_FRAME_SAMPLES : 2 * VOICE_FRAME_SAMPLES;
  const out = new Uint8Array(VOICE_HEADER_BYTES + bytes);
  const dv = new DataView(out.buffer);
  out[0] = VOICE_VERSION;
  out[1] = CODEC_NUM[codec];
  dv.setUint32(4, seq >>> 0, true);
  dv.setFloat64(8, time, true);
  if (codec === 'alaw') for (let i = 0; i < VOICE_FRAME_SAMPLES; i++) out[VOICE_HEADER_BYTES + i] = alawEncode(pcm[i]);
  else for (let i = 0; i < VOICE_FRAME_SAMPLES; i++) dv.setInt16(VOICE_HEADER_BYTES + 2 * i, pcm[i], true);
  return out;
}

/** Parses one binary message; a string says what is wrong with it. */
export function decodeVoiceFrame(b: Uint8Array): VoiceFrame | string {
  if (b.length < VOICE_HEADER_BYTES) return `a voice frame has a ${VOICE_HEADER_BYTES}-byte header, got ${b.length} bytes`;
  if (b[0] !== VOICE_VERSION) return `voice frame version ${b[0]}, expected ${VOICE_VERSION}`;
  const codec: VoiceCodec | null = b[1] === 1 ? 'alaw' : b[1] === 0 ? 'pcm16' : null;
  if (!codec) return `voice frame codec ${b[1]} (0 = PCM16, 1 = A-law)`;
  const want = VOICE_HEADER_BYTES + (codec === 'alaw' ? 1 : 2) * VOICE_FRAME_SAMPLES;
  if (b.length !== want) return `a ${codec} voice frame is ${want} bytes, got ${b.length}`;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const pcm = new Int16Array(VOICE_FRAME_SAMPLES);
  if (codec === 'alaw') for (let i = 0; i < VOICE_FRAME_SAMPLES; i++) pcm[i] = ALAW_DECODE[b[VOICE_HEADER_BYTES + i]];
  else for (let i = 0; i < VOICE_FRAME_SAMPLES; i++) pcm[i] = dv.getInt16(VOICE_HEADER_BYTES + 2 * i, true);
  return { codec, seq: dv.getUint32(4, true), time: dv.getFloat64(8, true), pcm };
}
