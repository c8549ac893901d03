// Ogg Opus files for the recordings archive (issue 11: "an optional
// compressed archive for older recordings, e.g. Opus through a well-kept
// codec library"). The codec is libopus 1.4 compiled to WebAssembly in the
// npm package `opusscript` (MIT; nothing is built or downloaded at install
// time); the container is written here: Ogg pages (RFC 3533) carrying Opus as
// RFC 7845 says, so any player (browsers, ffmpeg, VLC) plays the files.
//
//   - 8 kHz input (the line's rate), 20 ms frames (160 samples per channel),
//     application VOIP, mono or stereo (mapping family 0);
//   - granule positions count 48 kHz samples (RFC 7845 §4), starting at the
//     pre-skip; the last page's granule trims the padding of the last frame,
//     so the decoded length is exactly the input's;
//   - pre-skip: libopus' look-ahead at 8 kHz, 2.5 ms + 4 ms (OPUS_GET_LOOKAHEAD
//     = Fs/400 + Fs/250), 312 at 48 kHz; the decoder drops it.
import { createRequire } from 'node:module';
import { recError } from './errors.ts';

const require = createRequire(import.meta.url);

interface OpusCodec {
  encode(pcm: Buffer, frameSize: number): Buffer;
  decode(packet: Buffer): Buffer;
  setBitrate(bps: number): void;
  encoderCTL(ctl: number, arg: number): void;
  delete(): void;
}
type OpusCtor = { new (rate: 8000, channels: number, application?: number): OpusCodec; Application: { VOIP: number } };
const OpusScript = require('opusscript') as OpusCtor;

export const OPUS_RATE = 8000;
/** Samples per channel in one 20 ms frame at 8 kHz. */
export const FRAME = 160;
/** Pre-skip in 48 kHz samples: libopus' look-ahead (6.5 ms). */
export const PRE_SKIP = 312;
const OPUS_SET_COMPLEXITY = 4010;
/** Packets per Ogg page (1 s): a page is the unit of seeking and of loss on a torn write. */
const PACKETS_PER_PAGE = 50;

// CRC-32 of Ogg pages: polynomial 0x04C11DB7, MSB first, initial 0, no final xor (RFC 3533 §6).
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let k = 0; k < 8; k++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    t[i] = r >>> 0;
  }
  return t;
})();
function oggCrc(b: Uint8Array): number {
  let crc = 0;
  for (let i = 0; i < b.length; i++) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ b[i]) & 0xff]) >>> 0;
  return crc;
}

const BOS = 0x02;
const EOS = 0x04;

/** One Ogg page holding whole packets (each < 255 × 255 bytes). */
function oggPage(packets: Buffer[], flags: number, granule: bigint, serial: number, seq: number): Buffer {
  const lacing: number[] = [];
  for (const p of packets) {
    let n = p.length;
    while (n >= 255) {
      lacing.push(255);
      n -= 255;
    }
    lacing.push(n);
  }
  if (lacing.length > 255) throw new Error(`Ogg page with ${lacing.length} segments`);
  const head = Buffer.alloc(27 + lacing.length);
  head.write('OggS', 0, 'latin1');
  head[4] = 0;
  head[5] = flags;
  head.writeBigInt64LE(granule, 6);
  head.writeUInt32LE(serial, 14);
  head.writeUInt32LE(seq, 18);
  head.writeUInt32LE(0, 22);
  head[26] = lacing.length;
  for (let i = 0; i < lacing.length; i++) head[27 + i] = lacing[i];
  const page = Buffer.concat([head, ...packets]);
  page.writeUInt32LE(oggCrc(page), 22);
  return page;
}

function opusHead(channels: number): Buffer {
  const h = Buffer.alloc(19);
  h.write('OpusHead', 0, 'latin1');
  h[8] = 1; // version
  h[9] = channels;
  h.writeUInt16LE(PRE_SKIP, 10);
  h.writeUInt32LE(OPUS_RATE, 12); // the input's rate, for players that resample back
  h.writeInt16LE(0, 16); // output gain
  h[18] = 0; // mapping family 0: mono or stereo
  return h;
}

function opusTags(comments: Record<string, string>): Buffer {
  const vendor = Buffer.from('hotline (libopus 1.4, opusscript)', 'utf8');
  const list = Object.entries(comments).map(([k, v]) => Buffer.from(`${k}=${v}`, 'utf8'));
  const parts: Buffer[] = [Buffer.from('OpusTags', 'latin1')];
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    return b;
  };
  parts.push(u32(vendor.length), vendor, u32(list.length));
  for (const c of list) parts.push(u32(c.length), c);
  return Buffer.concat(parts);
}

export interface OpusEncodeOptions {
  /** Bits per second for all channels (default 16,000 mono, 24,000 stereo: telephone speech, G.711's 64 kbit/s per channel → about 1/4–1/5). */
  bitrate?: number;
  /** libopus complexity 0–10 (default 5: about twice as fast as 10, for a background job). */
  complexity?: number;
  /** Vorbis comments (RFC 7845 §5.2): e.g. { HOTLINE_ID: id }. */
  comments?: Record<string, string>;
  /** Called every second of audio encoded: the archive job yields to the event loop there. */
  onSecond?: () => Promise<void> | void;
  serial?: number;
}

/** Encodes 8 kHz PCM (interleaved when stereo) to an Ogg Opus file in memory. */
export async function encodeOggOpus(pcm: Int16Array, channels: 1 | 2, o: OpusEncodeOptions = {}): Promise<Buffer> {
  const enc = new OpusScript(OPUS_RATE, channels, OpusScript.Application.VOIP);
  try {
    enc.setBitrate(o.bitrate ?? (channels === 2 ? 24_000 : 16_000));
    enc.encoderCTL(OPUS_SET_COMPLEXITY, o.complexity ?? 5);
    const serial = o.serial ?? 0x686c7265; // "hlre"
    const pages: Buffer[] = [oggPage([opusHead(channels)], BOS, 0n, serial, 0), oggPage([opusTags(o.comments ?? {})], 0, 0n, serial, 1)];
    const frames = pcm.length / channels;
    const nFrames = Math.max(1, Math.ceil(frames / FRAME));
    const frameBuf = Buffer.alloc(FRAME * channels * 2);
    let packets: Buffer[] = [];
    let seq = 2;
    for (let f = 0; f < nFrames; f++) {
      frameBuf.fill(0);
      const from = f * FRAME * channels;
      const chunk = pcm.subarray(from, Math.min(pcm.length, from + FRAME * channels));
      for (let i = 0; i < chunk.length; i++) frameBuf.writeInt16LE(chunk[i], i * 2);
      packets.push(Buffer.from(enc.encode(frameBuf, FRAME)));
      const last = f === nFrames - 1;
      if (packets.length === PACKETS_PER_PAGE || last) {
        // Granule: 48 kHz samples decoded so far, with the pre-skip; on the last page the real end.
        const decoded = last ? frames * 6 : (f + 1) * FRAME * 6;
        pages.push(oggPage(packets, last ? EOS : 0, BigInt(PRE_SKIP + decoded), serial, seq++));
        packets = [];
        if (!last) await o.onSecond?.();
      }
    }
    return Buffer.concat(pages);
  } finally {
    enc.delete();
  }
}

interface Page {
  flags: number;
  granule: bigint;
  packets: Buffer[];
}

/** Splits an Ogg stream into pages, checking capture pattern and CRC; throws REC_FILE_INVALID. */
function* oggPages(b: Buffer, what: string): Generator<Page> {
  let off = 0;
  let partial: Buffer[] = [];
  while (off < b.length) {
    if (off + 27 > b.length || b.toString('latin1', off, off + 4) !== 'OggS') throw recError('REC_FILE_INVALID', `${what}: no Ogg page at byte ${off}`);
    const nseg = b[off + 26];
    const headLen = 27 + nseg;
    let bodyLen = 0;
    for (let i = 0; i < nseg; i++) bodyLen += b[off + 27 + i];
    if (off + headLen + bodyLen > b.length) throw recError('REC_FILE_INVALID', `${what}: cut short in the Ogg page at byte ${off}`);
    const page = Buffer.from(b.subarray(off, off + headLen + bodyLen));
    const crc = page.readUInt32LE(22);
    page.writeUInt32LE(0, 22);
    if (oggCrc(page) !== crc) throw recError('REC_FILE_INVALID', `${what}: bad CRC in the Ogg page at byte ${off}`);
    const packets: Buffer[] = [];
    let p = off + headLen;
    for (let i = 0; i < nseg; i++) {
      const n = b[off + 27 + i];
      partial.push(b.subarray(p, p + n));
      p += n;
      if (n < 255) {
        packets.push(Buffer.concat(partial));
        partial = [];
      }
    }
    yield { flags: b[off + 5], granule: b.readBigInt64LE(off + 6), packets };
    off += headLen + bodyLen;
  }
}

export interface OpusInfo {
  channels: 1 | 2;
  /** Audio length, ms (from the last granule). */
  durationMs: number;
  /** Samples per channel at 8 kHz. */
  frames: number;
}

/** Header, CRCs and end of an Ogg Opus file without decoding it (the index's strict check). */
export function inspectOggOpus(b: Buffer, what = 'file'): OpusInfo {
  let channels = 0;
  let last: Page | undefined;
  let n = 0;
  for (const page of oggPages(b, what)) {
    if (n++ === 0) {
      const h = page.packets[0];
      if (!(page.flags & BOS) || !h || h.length < 19 || h.toString('latin1', 0, 8) !== 'OpusHead') throw recError('REC_FILE_INVALID', `${what}: not an Ogg Opus file (no OpusHead)`);
      channels = h[9];
      if (channels !== 1 && channels !== 2) throw recError('REC_FILE_INVALID', `${what}: ${channels} channels`);
    }
    last = page;
  }
  if (!last || !(last.flags & EOS) || n < 3) throw recError('REC_FILE_INVALID', `${what}: the Ogg Opus stream does not end (no end-of-stream page)`);
  const frames = Math.max(0, Math.round(Number(last.granule - BigInt(PRE_SKIP)) / 6));
  return { channels: channels as 1 | 2, durationMs: frames / 8, frames };
}

/** Decodes an Ogg Opus file made by encodeOggOpus (8 kHz) to PCM, interleaved when stereo. */
export function decodeOggOpus(b: Buffer, what = 'file'): { channels: 1 | 2; samples: Int16Array } {
  const info = inspectOggOpus(b, what);
  const dec = new OpusScript(OPUS_RATE, info.channels);
  try {
    const out = new Int16Array((info.frames + FRAME) * info.channels + (PRE_SKIP / 6) * info.channels);
    let at = 0;
    let n = 0;
    for (const page of oggPages(b, what)) {
      if (n++ < 2) continue; // OpusHead, OpusTags
      for (const p of page.packets) {
        const pcm = dec.decode(p);
        const room = Math.min(pcm.length >> 1, out.length - at);
        for (let i = 0; i < room; i++) out[at + i] = pcm.readInt16LE(i * 2);
        at += room;
      }
    }
    const skip = (PRE_SKIP / 6) * info.channels;
    return { channels: info.channels, samples: out.slice(skip, skip + info.frames * info.channels) };
  } finally {
    dec.delete();
  }
}
