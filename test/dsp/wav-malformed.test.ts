// The one WAV parser (native/dsp/wav.c through the addon) over a set of
// malformed files written to disk: each file gets the outcome decided for it,
// strict (prompts, `hotline detect`) and lenient (the board's player, a
// recording still being written): the frames read, or a stable HL_EWAV_* code
// with a sentence naming the field. The cases three parsers once disagreed on
// (empty data chunk with audio after it, two fmt chunks, odd PCM length,
// block align 0, data before fmt) are rows of this table.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isDspErrorCode } from '../../src/dsp/errors.ts';
import { readWavFile } from '../../src/dsp/wav.ts';

interface Fmt {
  tag?: number;
  channels?: number;
  rate?: number;
  byteRate?: number;
  align?: number;
  bits?: number;
  /** Declared fmt size (the body is cut or zero-padded to it). */
  size?: number;
  /** WAVE_FORMAT_EXTENSIBLE carrying this SubFormat tag. */
  sub?: number;
  cbSize?: number;
}

function fmtChunk(f: Fmt = {}): Buffer {
  const tag = f.tag ?? 6;
  const channels = f.channels ?? 1;
  const bits = f.bits ?? (tag === 1 ? 16 : 8);
  const align = f.align ?? (channels * bits) / 8;
  const body = Buffer.alloc(40);
  body.writeUInt16LE(f.sub !== undefined ? 0xfffe : tag, 0);
  body.writeUInt16LE(channels, 2);
  body.writeUInt32LE(f.rate ?? 8000, 4);
  body.writeUInt32LE(f.byteRate ?? (f.rate ?? 8000) * align, 8);
  body.writeUInt16LE(align, 12);
  body.writeUInt16LE(bits, 14);
  if (f.sub !== undefined) {
    body.writeUInt16LE(f.cbSize ?? 22, 16);
    body.writeUInt16LE(f.sub, 24);
  }
  const size = f.size ?? (f.sub !== undefined ? 40 : 16);
  return chunk('fmt ', body.subarray(0, Math.min(size, 40)), size);
}

/** A chunk: id, declared size (default: the body's), body, pad byte after an odd body. */
function chunk(id: string, body: Buffer, declared = body.length, pad = true): Buffer {
  const h = Buffer.alloc(8);
  h.write(id, 0, 'latin1');
  h.writeUInt32LE(declared >>> 0, 4);
  return Buffer.concat([h, body, pad && body.length & 1 ? Buffer.alloc(1) : Buffer.alloc(0)]);
}

const audio = (n: number) => Buffer.alloc(n, 0xd5);

/** RIFF/WAVE around the chunks; `riff` overrides the RIFF size, `after` follows the RIFF end. */
function riff(parts: Buffer[], o: { riff?: number; after?: Buffer } = {}): Buffer {
  const body = Buffer.concat([Buffer.from('WAVE', 'latin1'), ...parts]);
  const h = Buffer.alloc(8);
  h.write('RIFF', 0, 'latin1');
  h.writeUInt32LE(o.riff ?? body.length, 4);
  return Buffer.concat([h, body, o.after ?? Buffer.alloc(0)]);
}

const data = (n: number, declared = n, pad = true) => chunk('data', audio(n), declared, pad);
const list = chunk('LIST', Buffer.from('INFOisft\x05\0\0\0x', 'latin1'));

type Outcome = number | [string, RegExp];
/** name, bytes, strict outcome, lenient outcome (frames, or [code, reason]). */
const table: Array<[string, Buffer, Outcome, Outcome]> = [
  ['A-law mono', riff([fmtChunk(), data(800)]), 800, 800],
  ['mu-law stereo', riff([fmtChunk({ tag: 7, channels: 2 }), data(1600)]), 800, 800],
  ['PCM16 mono', riff([fmtChunk({ tag: 1 }), data(1600)]), 800, 800],
  ['extensible A-law', riff([fmtChunk({ sub: 6 }), data(800)]), 800, 800],
  ['odd LIST before fmt, padded', riff([list, fmtChunk(), data(800)]), 800, 800],
  // Empty data: really empty, or a header never finished.
  ['data 0, nothing after', riff([fmtChunk(), data(0)]), 0, 0],
  ['data 0, a LIST after', riff([fmtChunk(), data(0), list]), 0, 0],
  ['data 0, 1 s after, RIFF size of the header', riff([fmtChunk(), data(0)], { after: audio(8000) }), ['HL_EWAV_CHUNK', /declares 0 bytes but 8000 bytes follow/], 8000],
  ['data 0, 1 s after, RIFF size right', riff([fmtChunk(), chunk('data', audio(8000), 0)]), ['HL_EWAV_CHUNK', /header was never finished/], 8000],
  ['data 0xFFFFFFFF (streaming placeholder)', riff([fmtChunk(), data(800, 0xffffffff)]), ['HL_EWAV_TRUNC', /declares 4294967295 bytes/], 800],
  ['data 900 declared, 800 present', riff([fmtChunk(), data(800, 900)]), ['HL_EWAV_TRUNC', /900 bytes but only 800/], 800],
  ['audio after the last header rewrite', riff([fmtChunk(), chunk('data', audio(800), 400)]), 400, 400],
  // Chunk order and count.
  ['two fmt chunks', riff([fmtChunk(), fmtChunk({ channels: 2 }), data(800)]), ['HL_EWAV_CHUNK', /second fmt chunk/], ['HL_EWAV_CHUNK', /second fmt chunk/]],
  ['data before fmt', riff([data(800), fmtChunk()]), ['HL_EWAV_NO_DATA', /before any fmt chunk/], ['HL_EWAV_NO_DATA', /before any fmt chunk/]],
  ['a fmt after the data (not read)', riff([fmtChunk(), data(800), fmtChunk({ channels: 2 })]), 800, 800],
  ['a cut LIST after the data (not read)', riff([fmtChunk(), data(800), chunk('LIST', Buffer.alloc(0), 255)]), 800, 800],
  ['no data chunk', riff([fmtChunk(), list]), ['HL_EWAV_NO_DATA', /no data chunk/], ['HL_EWAV_NO_DATA', /no data chunk/]],
  ['WAVE with no chunks', riff([]), ['HL_EWAV_NO_DATA', /no fmt chunk/], ['HL_EWAV_NO_DATA', /no fmt chunk/]],
  // Lengths.
  ['PCM16 data of odd length', riff([fmtChunk({ tag: 1 }), data(801)]), ['HL_EWAV_CHUNK', /801 is not a whole number of 2-byte frames/], 400],
  ['A-law of odd length, no pad byte', riff([fmtChunk(), data(801, 801, false)]), 801, 801],
  ['A-law of odd length, pad byte', riff([fmtChunk(), data(801)]), 801, 801],
  ['stereo A-law of odd length', riff([fmtChunk({ channels: 2 }), data(1601)]), ['HL_EWAV_CHUNK', /not a whole number of 2-byte frames/], 800],
  // fmt fields.
  ['block align 0', riff([fmtChunk({ align: 0 }), data(800)]), ['HL_EWAV_CHUNK', /block align is 0/], ['HL_EWAV_CHUNK', /block align is 0/]],
  ['block align 2 on mono A-law', riff([fmtChunk({ align: 2 }), data(800)]), ['HL_EWAV_CHUNK', /block align is 2/], ['HL_EWAV_CHUNK', /block align/]],
  ['byte rate 0', riff([fmtChunk({ byteRate: 0 }), data(800)]), ['HL_EWAV_CHUNK', /byte rate is 0/], ['HL_EWAV_CHUNK', /byte rate/]],
  ['0 channels', riff([fmtChunk({ channels: 0, align: 1 }), data(800)]), ['HL_EWAV_CHANNELS', /0 channels/], ['HL_EWAV_CHANNELS', /0 channels/]],
  ['3 channels', riff([fmtChunk({ channels: 3 }), data(2400)]), ['HL_EWAV_CHANNELS', /3 channels/], ['HL_EWAV_CHANNELS', /3 channels/]],
  ['16 kHz', riff([fmtChunk({ rate: 16000 }), data(800)]), ['HL_EWAV_RATE', /16000 Hz/], ['HL_EWAV_RATE', /16000 Hz/]],
  ['rate 0', riff([fmtChunk({ rate: 0, byteRate: 8000 }), data(800)]), ['HL_EWAV_RATE', /0 Hz/], ['HL_EWAV_RATE', /0 Hz/]],
  ['IEEE float', riff([fmtChunk({ tag: 3, bits: 32 }), data(3200)]), ['HL_EWAV_CODEC', /IEEE float/], ['HL_EWAV_CODEC', /IEEE float/]],
  ['MP3', riff([fmtChunk({ tag: 0x55, bits: 0, align: 1 }), data(800)]), ['HL_EWAV_CODEC', /MP3/], ['HL_EWAV_CODEC', /MP3/]],
  ['8-bit PCM', riff([fmtChunk({ tag: 1, bits: 8 }), data(800)]), ['HL_EWAV_CODEC', /8 bits/], ['HL_EWAV_CODEC', /8 bits/]],
  ['16-bit A-law', riff([fmtChunk({ bits: 16 }), data(1600)]), ['HL_EWAV_CODEC', /A-law with 16 bits/], ['HL_EWAV_CODEC', /16 bits/]],
  ['fmt of 14 bytes', riff([fmtChunk({ size: 14 }), data(800)]), ['HL_EWAV_CHUNK', /fmt chunk is 14 bytes/], ['HL_EWAV_CHUNK', /14 bytes/]],
  ['fmt of 0 bytes', riff([fmtChunk({ size: 0 }), data(800)]), ['HL_EWAV_CHUNK', /fmt chunk is 0 bytes/], ['HL_EWAV_CHUNK', /0 bytes/]],
  ['extensible with cbSize 0', riff([fmtChunk({ sub: 6, cbSize: 0 }), data(800)]), ['HL_EWAV_CHUNK', /EXTENSIBLE/], ['HL_EWAV_CHUNK', /EXTENSIBLE/]],
  // The RIFF container.
  ['empty file', Buffer.alloc(0), ['HL_EWAV_NOT_WAV', /0 bytes/], ['HL_EWAV_NOT_WAV', /0 bytes/]],
  ['text', Buffer.from('this is not audio, it is a text file'), ['HL_EWAV_NOT_WAV', /no RIFF\/WAVE signature/], ['HL_EWAV_NOT_WAV', /signature/]],
  ['RIFX', Buffer.from('RIFX\0\0\0\x24WAVEfmt ', 'latin1'), ['HL_EWAV_NOT_WAV', /RIFX/], ['HL_EWAV_NOT_WAV', /RIFX/]],
  ['cut at 8 bytes', Buffer.from('RIFF\x24\0\0\0', 'latin1'), ['HL_EWAV_TRUNC', /8 bytes/], ['HL_EWAV_TRUNC', /8 bytes/]],
  ['RIFF size 2', riff([fmtChunk(), data(800)], { riff: 2 }), ['HL_EWAV_CHUNK', /RIFF size is 2/], ['HL_EWAV_CHUNK', /RIFF size is 2/]],
  ['cut inside fmt', riff([fmtChunk(), data(800)]).subarray(0, 30), ['HL_EWAV_TRUNC', /fmt chunk declares 16 bytes/], ['HL_EWAV_TRUNC', /fmt/]],
  ['unknown chunk runs past the end', riff([chunk('junk', Buffer.alloc(4), 99999), fmtChunk(), data(800)]), ['HL_EWAV_TRUNC', /'junk'/], ['HL_EWAV_TRUNC', /'junk'/]],
  ['RIFF size larger than the file, data whole', riff([fmtChunk(), data(800)], { riff: 99999 }), 800, 800],
  ['RIFF size smaller than the file', riff([fmtChunk(), data(800)], { riff: 40 }), 800, 800],
  ['bytes after the RIFF end', riff([fmtChunk(), data(800)], { after: Buffer.from('trailing junk') }), 800, 800],
];

const dir = mkdtempSync(join(tmpdir(), 'hl-wav-malformed-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test(`the table has the ${table.length} cases, at least 35`, () => {
  assert.ok(table.length >= 35);
  assert.is(new Set(table.map(([n]) => n)).size, table.length, 'two rows share a name');
});

table.forEach(([name, bytes, strict, lenient], i) => {
  const file = join(dir, `${String(i).padStart(2, '0')}-${name.replace(/[^A-Za-z0-9]+/g, '-')}.wav`);
  writeFileSync(file, bytes);
  for (const [mode, want] of [['strict', strict], ['lenient', lenient]] as const) {
    test(`${name} (${mode}) → ${typeof want === 'number' ? `${want} frames` : want[0]}`, () => {
      let got: { frames: number } | { code: string; message: string };
      try {
        got = readWavFile(file, { lenient: mode === 'lenient' });
      } catch (e) {
        got = e as { code: string; message: string };
      }
      if (typeof want === 'number') {
        assert.ok('frames' in got, `refused: ${'code' in got ? `${got.code}: ${got.message}` : ''}`);
        assert.is((got as { frames: number }).frames, want);
      } else {
        assert.ok('code' in got, `accepted with ${(got as { frames: number }).frames} frames, want ${want[0]}`);
        const err = got as { code: string; message: string };
        assert.is(err.code, want[0], err.message);
        assert.ok(isDspErrorCode(err.code), `${err.code} is not a DSP layer code`);
        assert.ok(err.message.startsWith(`${file}: `), `the message does not name the file: ${err.message}`);
        assert.match(err.message, want[1]);
      }
    });
  }
});

test.run();
