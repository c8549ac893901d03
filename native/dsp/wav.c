/* WAV parser and header writer (see wav.h). Field layout after the Microsoft
 * RIFF/WAVE specification (Multimedia Programming Interface and Data
 * Specifications 1.0, 1991) and its WAVE_FORMAT_EXTENSIBLE addendum. */
#include "dsp/wav.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hl_errors.h"

static uint32_t rd32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static void wr32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}
static void wr16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }

static int fail(hl_wav_info *info, int err, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(info->reason, sizeof info->reason, fmt, ap);
  va_end(ap);
  return err;
}

/* A chunk id printed safely (ids from hostile files may hold any byte). */
static void id_text(const uint8_t *p, char out[5]) {
  for (int i = 0; i < 4; i++) out[i] = (p[i] >= 0x20 && p[i] < 0x7f) ? (char)p[i] : '?';
  out[4] = 0;
}

static const char *codec_name(int tag) {
  switch (tag) {
    case HL_WAV_PCM16: return "PCM";
    case HL_WAV_ALAW: return "A-law";
    case HL_WAV_MULAW: return "mu-law";
    case 2: return "Microsoft ADPCM";
    case 3: return "IEEE float";
    case 0x11: return "IMA ADPCM";
    case 0x31: return "GSM 6.10";
    case 0x55: return "MP3";
    default: return "unknown";
  }
}

/* Checks the fmt chunk body (len bytes at p, all inside the buffer). */
static int parse_fmt(const uint8_t *p, size_t len, hl_wav_info *info) {
  if (len < 16) return fail(info, HL_EWAV_CHUNK, "fmt chunk is %zu bytes; at least 16 are required", len);
  int tag = rd16(p);
  unsigned channels = rd16(p + 2);
  uint32_t rate = rd32(p + 4);
  uint32_t byte_rate = rd32(p + 8);
  unsigned block_align = rd16(p + 12);
  unsigned bits = rd16(p + 14);
  if (tag == 0xFFFE) {
    /* WAVE_FORMAT_EXTENSIBLE: the real tag is the first two bytes of the
     * SubFormat GUID at offset 24 (cbSize must be at least 22). */
    if (len < 40 || rd16(p + 16) < 22)
      return fail(info, HL_EWAV_CHUNK, "WAVE_FORMAT_EXTENSIBLE fmt chunk is %zu bytes; 40 are required", len);
    tag = rd16(p + 24);
  }
  if (tag != HL_WAV_PCM16 && tag != HL_WAV_ALAW && tag != HL_WAV_MULAW)
    return fail(info, HL_EWAV_CODEC, "audio format tag %d (%s) is not supported; use A-law (6), mu-law (7) or 16-bit PCM (1)",
                tag, codec_name(tag));
  if (channels != 1 && channels != 2)
    return fail(info, HL_EWAV_CHANNELS, "file has %u channels; only mono or stereo is supported", channels);
  if (rate != HL_WAV_RATE)
    return fail(info, HL_EWAV_RATE, "sample rate is %lu Hz; only 8000 Hz is supported", (unsigned long)rate);
  unsigned want_bits = tag == HL_WAV_PCM16 ? 16 : 8;
  if (bits != want_bits)
    return fail(info, HL_EWAV_CODEC, "%s with %u bits per sample is not supported; %s needs %u", codec_name(tag), bits,
                codec_name(tag), want_bits);
  unsigned want_align = channels * want_bits / 8;
  if (block_align != want_align)
    return fail(info, HL_EWAV_CHUNK, "fmt block align is %u; %u channel(s) of %u bits need %u", block_align, channels,
                want_bits, want_align);
  if (byte_rate != HL_WAV_RATE * want_align)
    return fail(info, HL_EWAV_CHUNK, "fmt byte rate is %lu; 8000 Hz x %u bytes per frame needs %u",
                (unsigned long)byte_rate, want_align, HL_WAV_RATE * want_align);
  info->format = tag;
  info->channels = (int)channels;
  info->rate = rate;
  info->bytes_per_sample = (int)(want_bits / 8);
  return 0;
}

/* Whether [pos, len) holds nothing but whole chunks ending exactly at the
 * RIFF end `end` (which must be the buffer end): then an empty data chunk
 * before them is really empty. */
static int chunks_fill(const uint8_t *buf, size_t pos, size_t len, size_t end) {
  if (end != len) return 0;
  while (pos + 8 <= end) {
    uint32_t size = rd32(buf + pos + 4);
    uint64_t stop = (uint64_t)pos + 8 + size;
    if (stop > end) return 0;
    if (stop == end) return 1; /* the last chunk may omit its pad byte */
    pos = (size_t)(stop + (size & 1u));
  }
  return pos == end;
}

int hl_wav_parse(const uint8_t *buf, size_t len, int flags, hl_wav_info *info) {
  if (!info) return HL_EINVAL;
  memset(info, 0, sizeof *info);
  /* An empty file may come as a NULL pointer (an empty Buffer has no memory):
   * it is a file too short to be a WAV file, not a programming error. */
  if (!buf && len) return fail(info, HL_EINVAL, "no buffer given");
  if (len < 12) {
    if (len >= 4 && memcmp(buf, "RIFF", 4) == 0)
      return fail(info, HL_EWAV_TRUNC, "file is %zu bytes; a RIFF/WAVE header needs 12", len);
    return fail(info, HL_EWAV_NOT_WAV, "file is %zu bytes, too short to be a WAV file", len);
  }
  if (memcmp(buf, "RIFF", 4) != 0 || memcmp(buf + 8, "WAVE", 4) != 0) {
    if (memcmp(buf, "RIFX", 4) == 0 || memcmp(buf, "RF64", 4) == 0)
      return fail(info, HL_EWAV_NOT_WAV, "big-endian RIFX or RF64 files are not supported");
    return fail(info, HL_EWAV_NOT_WAV, "no RIFF/WAVE signature at the start of the file");
  }
  uint32_t riff = rd32(buf + 4);
  if (riff < 4) return fail(info, HL_EWAV_CHUNK, "RIFF size is %lu; it must cover at least the WAVE id", (unsigned long)riff);
  /* Chunks are walked up to the RIFF end or the buffer end, whichever comes
   * first; bytes after the RIFF end (padding some tools append) are ignored. */
  size_t end = len;
  if ((uint64_t)riff + 8 < (uint64_t)len) end = (size_t)riff + 8;
  int riff_short = (uint64_t)riff + 8 > (uint64_t)len;

  size_t pos = 12;
  int have_fmt = 0, have_data = 0;
  size_t fmt_at = 0, data_off = 0;
  uint64_t data_declared = 0;
  /* The walk stops at the data chunk: the format must come before it (RIFF
   * WAVE rule), and whatever follows it (LIST metadata, or audio a crashed
   * writer appended after its last header rewrite) does not change what the
   * samples are. */
  while (pos + 8 <= end) {
    const uint8_t *ch = buf + pos;
    uint32_t size = rd32(ch + 4);
    size_t body = pos + 8;
    size_t avail = end - body;
    if (memcmp(ch, "fmt ", 4) == 0) {
      /* Two formats before the samples: which one describes them is a guess. */
      if (have_fmt)
        return fail(info, HL_EWAV_CHUNK, "a second fmt chunk at byte %zu (the first is at byte %zu); a WAV file has one", pos,
                    fmt_at);
      if (size > avail)
        return fail(info, HL_EWAV_TRUNC, "fmt chunk declares %lu bytes but only %zu remain", (unsigned long)size, avail);
      int rc = parse_fmt(buf + body, size, info);
      if (rc) return rc;
      have_fmt = 1;
      fmt_at = pos;
    } else if (memcmp(ch, "data", 4) == 0) {
      if (!have_fmt)
        return fail(info, HL_EWAV_NO_DATA, "the data chunk at byte %zu comes before any fmt chunk; the format must come first", pos);
      have_data = 1;
      data_off = body;
      data_declared = size;
      break;
    } else if (size > avail) {
      char id[5];
      id_text(ch, id);
      return fail(info, HL_EWAV_TRUNC, "chunk '%s' at byte %zu declares %lu bytes but only %zu remain", id, pos,
                  (unsigned long)size, avail);
    }
    /* Odd-sized chunks are followed by one pad byte (RIFF rule). */
    uint64_t next = (uint64_t)body + size + (size & 1u);
    if (next > end) break;
    pos = (size_t)next;
  }
  /* A missing chunk in a file shorter than its RIFF size was most likely cut
   * off: say so rather than blame the writer. */
  if (!have_fmt || !have_data) {
    const char *what = have_fmt ? "data" : "fmt";
    if (riff_short)
      return fail(info, HL_EWAV_TRUNC, "no %s chunk in the %zu bytes present; the RIFF size says %llu", what, len,
                  (unsigned long long)riff + 8);
    return fail(info, HL_EWAV_NO_DATA, "no %s chunk found", what);
  }

  size_t frame = (size_t)info->channels * (size_t)info->bytes_per_sample;
  size_t present = len - data_off; /* data may run past a too-small RIFF size; buffer end is the hard bound */
  size_t bytes;
  if (data_declared == 0 && present > 0 && !chunks_fill(buf, data_off, len, end)) {
    /* An empty data chunk followed by bytes that are not chunks: a writer
     * that started with the placeholder size 0 and never rewrote it (a
     * recording cut by a crash in its first second). */
    if (!(flags & HL_WAV_LENIENT))
      return fail(info, HL_EWAV_CHUNK, "data chunk declares 0 bytes but %zu bytes follow it; its header was never finished", present);
    info->short_data = 1;
    bytes = present - present % frame;
  } else if (data_declared > present) {
    if (!(flags & HL_WAV_LENIENT))
      return fail(info, HL_EWAV_TRUNC, "data chunk declares %llu bytes but only %zu are in the file",
                  (unsigned long long)data_declared, present);
    info->short_data = 1;
    bytes = present - present % frame;
  } else {
    bytes = (size_t)data_declared;
    if (bytes % frame != 0) {
      if (!(flags & HL_WAV_LENIENT))
        return fail(info, HL_EWAV_CHUNK, "data chunk size %zu is not a whole number of %zu-byte frames", bytes, frame);
      bytes -= bytes % frame;
      info->short_data = 1;
    }
  }
  info->data_offset = data_off;
  info->data_bytes = bytes;
  info->frames = bytes / frame;
  return 0;
}

int hl_wav_header_size(int format) {
  switch (format) {
    case HL_WAV_PCM16: return 44;
    case HL_WAV_ALAW:
    case HL_WAV_MULAW: return 58;
    default: return HL_EINVAL;
  }
}

int hl_wav_write_header(uint8_t *buf, size_t cap, int format, int channels, uint64_t data_bytes) {
  int hsize = hl_wav_header_size(format);
  if (hsize < 0 || !buf || (channels != 1 && channels != 2) || cap < (size_t)hsize) return HL_EINVAL;
  if (data_bytes > 0xFFFFFFFFull - (uint64_t)hsize) return HL_ERANGE;
  unsigned bps = format == HL_WAV_PCM16 ? 2u : 1u;
  unsigned align = (unsigned)channels * bps;
  uint8_t *p = buf;
  memcpy(p, "RIFF", 4);
  wr32(p + 4, (uint32_t)(hsize - 8 + data_bytes));
  memcpy(p + 8, "WAVE", 4);
  memcpy(p + 12, "fmt ", 4);
  wr32(p + 16, format == HL_WAV_PCM16 ? 16u : 18u);
  wr16(p + 20, (uint16_t)format);
  wr16(p + 22, (uint16_t)channels);
  wr32(p + 24, HL_WAV_RATE);
  wr32(p + 28, HL_WAV_RATE * align);
  wr16(p + 32, (uint16_t)align);
  wr16(p + 34, (uint16_t)(bps * 8));
  p += 36;
  if (format != HL_WAV_PCM16) {
    wr16(p, 0); /* cbSize: no extra format bytes */
    memcpy(p + 2, "fact", 4);
    wr32(p + 6, 4);
    wr32(p + 10, (uint32_t)(data_bytes / align)); /* samples per channel */
    p += 14;
  }
  memcpy(p, "data", 4);
  wr32(p + 4, (uint32_t)data_bytes);
  return hsize;
}
