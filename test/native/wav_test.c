/* WAV parser and header writer: round trips of every supported layout, one
 * rejection per failure class with the expected hl_err code and reason, and
 * every prefix / every single-byte corruption of a valid file parsed under
 * ASan (no out-of-bounds read on any input). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsp/wav.h"
#include "hl_errors.h"

#include "check.h"

static void put32(uint8_t *p, uint32_t v) { p[0] = v; p[1] = v >> 8; p[2] = v >> 16; p[3] = v >> 24; }
static void put16(uint8_t *p, uint16_t v) { p[0] = v; p[1] = v >> 8; }

/* A hand-built file: RIFF header, optional extra chunk before fmt, fmt, data. */
typedef struct {
  uint16_t tag, channels, bits, align;
  uint32_t rate, byte_rate, fmt_size;
  int extra_odd_chunk; /* a 'LIST' chunk of odd size (pad byte) before fmt */
  uint32_t data_size;  /* declared */
  uint32_t data_real;  /* bytes actually appended */
} spec;

static size_t build(uint8_t *out, const spec *s) {
  size_t p = 12;
  memcpy(out, "RIFF", 4);
  memcpy(out + 8, "WAVE", 4);
  if (s->extra_odd_chunk) {
    memcpy(out + p, "LIST", 4);
    put32(out + p + 4, 5);
    memcpy(out + p + 8, "INFOx", 5);
    out[p + 13] = 0; /* pad */
    p += 14;
  }
  memcpy(out + p, "fmt ", 4);
  put32(out + p + 4, s->fmt_size);
  memset(out + p + 8, 0, s->fmt_size);
  put16(out + p + 8, s->tag);
  put16(out + p + 10, s->channels);
  put32(out + p + 12, s->rate);
  put32(out + p + 16, s->byte_rate);
  put16(out + p + 20, s->align);
  put16(out + p + 22, s->bits);
  p += 8 + s->fmt_size;
  memcpy(out + p, "data", 4);
  put32(out + p + 4, s->data_size);
  p += 8;
  for (uint32_t i = 0; i < s->data_real; i++) out[p + i] = (uint8_t)(i * 37 + 1);
  p += s->data_real;
  put32(out + 4, (uint32_t)(p - 8));
  return p;
}

static spec good(uint16_t tag, uint16_t channels) {
  uint16_t bits = tag == 1 ? 16 : 8;
  uint16_t align = channels * bits / 8;
  spec s = {tag, channels, bits, align, 8000, 8000u * align, 16, 0, 800u * align, 800u * align};
  return s;
}

static uint8_t file[4096];
static uint8_t file_big[16384];

static void expect_err(const char *what, const spec *s, int flags, int want, const char *reason_part) {
  size_t n = build(file, s);
  hl_wav_info info;
  int rc = hl_wav_parse(file, n, flags, &info);
  printf("  %-34s -> %-17s %s\n", what, hl_err_code(rc), info.reason);
  CHECK(rc == want, "%s: got %s (%s), want %s", what, hl_err_code(rc), info.reason, hl_err_code(want));
  CHECK(strstr(info.reason, reason_part) != NULL, "%s: reason '%s' does not mention '%s'", what, info.reason, reason_part);
}

static void round_trips(void) {
  static const int formats[] = {HL_WAV_PCM16, HL_WAV_ALAW, HL_WAV_MULAW};
  printf("header writer -> parser round trips:\n  format channels data_bytes header frames\n");
  for (int f = 0; f < 3; f++) {
    for (int ch = 1; ch <= 2; ch++) {
      int bps = formats[f] == HL_WAV_PCM16 ? 2 : 1;
      size_t data = (size_t)1000 * ch * bps;
      int h = hl_wav_write_header(file, sizeof file, formats[f], ch, data);
      CHECK(h == hl_wav_header_size(formats[f]), "header size %d for format %d", h, formats[f]);
      if (h < 0) continue;
      for (size_t i = 0; i < data; i++) file[h + i] = (uint8_t)i;
      hl_wav_info info;
      int rc = hl_wav_parse(file, (size_t)h + data, 0, &info);
      printf("  %6d %8d %10zu %6d %6zu\n", formats[f], ch, data, h, info.frames);
      CHECK(rc == 0, "format %d x%d: parse failed %s: %s", formats[f], ch, hl_err_code(rc), info.reason);
      CHECK(info.format == formats[f] && info.channels == ch && info.rate == 8000, "format fields wrong");
      CHECK(info.data_offset == (size_t)h && info.data_bytes == data && info.frames == 1000,
            "data at %zu len %zu frames %zu, want %d/%zu/1000", info.data_offset, info.data_bytes, info.frames, h, data);
    }
  }
  /* Rewriting in place after a flush keeps the file valid: grow the data. */
  int h = hl_wav_write_header(file, sizeof file, HL_WAV_ALAW, 1, 0);
  hl_wav_info info;
  CHECK(hl_wav_parse(file, (size_t)h, 0, &info) == 0 && info.frames == 0, "empty A-law file does not parse");
  memset(file + h, 0xD5, 801);
  hl_wav_write_header(file, sizeof file, HL_WAV_ALAW, 1, 801);
  CHECK(hl_wav_parse(file, (size_t)h + 801, 0, &info) == 0 && info.frames == 801, "odd-length A-law data (no pad byte) rejected: %s",
        info.reason);
  CHECK(hl_wav_write_header(file, 10, HL_WAV_ALAW, 1, 0) == HL_EINVAL, "small buffer accepted");
  CHECK(hl_wav_write_header(file, sizeof file, 3, 1, 0) == HL_EINVAL, "float format accepted by writer");
  CHECK(hl_wav_write_header(file, sizeof file, HL_WAV_PCM16, 3, 0) == HL_EINVAL, "3 channels accepted by writer");
  CHECK(hl_wav_write_header(file, sizeof file, HL_WAV_PCM16, 1, 0xFFFFFFF0ull) == HL_ERANGE, "4 GB data accepted by writer");
}

static void rejections(void) {
  printf("rejections:\n");
  spec s;
  s = good(1, 1); s.rate = 16000; s.byte_rate = 32000;
  expect_err("16 kHz PCM", &s, 0, HL_EWAV_RATE, "16000 Hz");
  s = good(6, 1); s.channels = 3; s.align = 3; s.byte_rate = 24000;
  expect_err("3-channel A-law", &s, 0, HL_EWAV_CHANNELS, "3 channels");
  s = good(6, 1); s.channels = 0;
  expect_err("0-channel A-law", &s, 0, HL_EWAV_CHANNELS, "0 channels");
  s = good(1, 1); s.tag = 3; s.bits = 32; s.align = 4; s.byte_rate = 32000;
  expect_err("IEEE float", &s, 0, HL_EWAV_CODEC, "IEEE float");
  s = good(0x11, 1);
  expect_err("IMA ADPCM", &s, 0, HL_EWAV_CODEC, "IMA ADPCM");
  s = good(1, 1); s.bits = 8; s.align = 1; s.byte_rate = 8000;
  expect_err("8-bit PCM", &s, 0, HL_EWAV_CODEC, "8 bits");
  s = good(1, 1); s.align = 4;
  expect_err("wrong block align", &s, 0, HL_EWAV_CHUNK, "block align");
  s = good(6, 1); s.byte_rate = 16000;
  expect_err("wrong byte rate", &s, 0, HL_EWAV_CHUNK, "byte rate");
  s = good(6, 1); s.fmt_size = 14;
  expect_err("fmt chunk of 14 bytes", &s, 0, HL_EWAV_CHUNK, "14 bytes");
  s = good(6, 1); s.data_size = 900; s.data_real = 800;
  expect_err("data shorter than declared", &s, 0, HL_EWAV_TRUNC, "900 bytes");
  s = good(1, 1); s.data_size = 801; s.data_real = 801;
  expect_err("PCM16 data of odd length", &s, 0, HL_EWAV_CHUNK, "whole number");

  /* Lenient mode takes what is there. */
  s = good(6, 1); s.data_size = 0xFFFFFFFFu; s.data_real = 800;
  size_t n = build(file, &s);
  hl_wav_info info;
  int rc = hl_wav_parse(file, n, HL_WAV_LENIENT, &info);
  CHECK(rc == 0 && info.frames == 800 && info.short_data, "lenient streaming header: rc %s frames %zu", hl_err_code(rc), info.frames);

  /* Unknown chunk of odd size before fmt is skipped with its pad byte. */
  s = good(7, 2); s.extra_odd_chunk = 1;
  n = build(file, &s);
  rc = hl_wav_parse(file, n, 0, &info);
  CHECK(rc == 0 && info.format == 7 && info.channels == 2 && info.frames == 800, "odd LIST chunk not skipped: %s", info.reason);

  /* WAVE_FORMAT_EXTENSIBLE with an A-law SubFormat. */
  s = good(6, 1); s.tag = 0xFFFE; s.fmt_size = 40;
  n = build(file, &s);
  put16(file + 12 + 8 + 16, 22);  /* cbSize */
  put16(file + 12 + 8 + 24, 6);   /* SubFormat GUID starts with the tag */
  rc = hl_wav_parse(file, n, 0, &info);
  CHECK(rc == 0 && info.format == HL_WAV_ALAW, "extensible A-law rejected: %s %s", hl_err_code(rc), info.reason);

  static const struct { const char *name; const char *bytes; size_t len; int want; } raw[] = {
    {"empty", "", 0, HL_EWAV_NOT_WAV},
    {"text file", "hello, this is not audio at all", 31, HL_EWAV_NOT_WAV},
    {"RIFF without WAVE", "RIFF\x04\0\0\0AVI ", 12, HL_EWAV_NOT_WAV},
    {"RIFF cut at 8 bytes", "RIFF\x04\0\0\0", 8, HL_EWAV_TRUNC},
    {"RIFX", "RIFX\0\0\0\x04WAVE", 12, HL_EWAV_NOT_WAV},
    {"WAVE with no chunks", "RIFF\x04\0\0\0WAVE", 12, HL_EWAV_NO_DATA},
    {"RIFF size 2", "RIFF\x02\0\0\0WAVE", 12, HL_EWAV_CHUNK},
    {"fmt runs past the end", "RIFF\x20\0\0\0WAVEfmt \x10\0\0\0\x01\0", 22, HL_EWAV_TRUNC},
  };
  for (size_t i = 0; i < sizeof raw / sizeof raw[0]; i++) {
    rc = hl_wav_parse((const uint8_t *)raw[i].bytes, raw[i].len, 0, &info);
    printf("  %-34s -> %-17s %s\n", raw[i].name, hl_err_code(rc), info.reason);
    CHECK(rc == raw[i].want, "%s: got %s, want %s", raw[i].name, hl_err_code(rc), hl_err_code(raw[i].want));
    CHECK(strlen(info.reason) > 10, "%s: no reason given", raw[i].name);
  }
  rc = hl_wav_parse(NULL, 0, 0, &info);
  CHECK(rc == HL_EWAV_NOT_WAV && strstr(info.reason, "0 bytes"), "empty file as NULL, 0: %s %s", hl_err_code(rc), info.reason);
  s = good(6, 1);
  n = build(file, &s);
  memcpy(file + 12 + 16 + 8, "junk", 4); /* rename the data chunk */
  rc = hl_wav_parse(file, n, 0, &info);
  CHECK(rc == HL_EWAV_NO_DATA && strstr(info.reason, "data"), "missing data chunk: %s %s", hl_err_code(rc), info.reason);
}

/* The cases the parsers once disagreed on, decided here (the TypeScript side
 * has no parser of its own any more):
 * - a data chunk declaring 0 bytes with audio after it is an unfinished
 *   header: refused strictly (HL_EWAV_CHUNK), played to the end of the
 *   buffer when lenient; a data chunk declaring 0 with nothing, or only
 *   whole chunks, after it is empty (0 frames);
 * - a second fmt chunk before the data is refused (HL_EWAV_CHUNK);
 * - a data chunk before any fmt chunk is refused (HL_EWAV_NO_DATA);
 * - chunks after the data chunk are not read (a duplicate fmt there, a cut
 *   LIST, audio appended after the last header rewrite);
 * - odd-length PCM16 data: refused strictly, last byte dropped when lenient;
 * - block align 0 (or any other than channels x bytes): refused. */
static void disputed(void) {
  printf("disputed cases:\n");
  hl_wav_info info;
  int rc;
  size_t n;
  spec s;

  /* Header rewritten never: data size 0, one second of A-law after it, RIFF
   * size covering the header only. */
  s = good(6, 1); s.data_size = 0; s.data_real = 8000;
  n = build(file_big, &s);
  put32(file_big + 4, 36 + 8 - 8 + 8); /* RIFF size as first written: header only */
  rc = hl_wav_parse(file_big, n, 0, &info);
  printf("  %-34s -> %-17s %s\n", "data size 0, 8000 bytes follow", hl_err_code(rc), info.reason);
  CHECK(rc == HL_EWAV_CHUNK && strstr(info.reason, "8000 bytes follow"), "unfinished header, strict: %s %s", hl_err_code(rc), info.reason);
  rc = hl_wav_parse(file_big, n, HL_WAV_LENIENT, &info);
  CHECK(rc == 0 && info.frames == 8000 && info.short_data, "unfinished header, lenient: %s frames %zu", hl_err_code(rc), info.frames);
  /* The same with the RIFF size covering the audio. */
  s = good(6, 1); s.data_size = 0; s.data_real = 8000;
  n = build(file_big, &s);
  rc = hl_wav_parse(file_big, n, 0, &info);
  CHECK(rc == HL_EWAV_CHUNK, "unfinished header (RIFF size right), strict: %s", hl_err_code(rc));
  /* Really empty: nothing after, or only a whole chunk after. */
  s = good(6, 1); s.data_size = 0; s.data_real = 0;
  n = build(file, &s);
  rc = hl_wav_parse(file, n, 0, &info);
  CHECK(rc == 0 && info.frames == 0, "empty data chunk: %s %s", hl_err_code(rc), info.reason);
  memcpy(file + n, "LIST\x04\0\0\0INFO", 12);
  put32(file + 4, (uint32_t)(n + 12 - 8));
  rc = hl_wav_parse(file, n + 12, 0, &info);
  CHECK(rc == 0 && info.frames == 0, "empty data chunk then LIST: %s %s", hl_err_code(rc), info.reason);

  /* Two fmt chunks before the data. */
  s = good(6, 1);
  n = build(file, &s);
  {
    static uint8_t two[4096];
    memcpy(two, file, 36);                 /* RIFF, WAVE, first fmt */
    memcpy(two + 36, file + 12, 24);       /* the same fmt again */
    put16(two + 36 + 8 + 2, 2);            /* ... saying stereo */
    put16(two + 36 + 8 + 12, 2);
    put32(two + 36 + 8 + 8, 16000);
    memcpy(two + 60, file + 36, n - 36);   /* data */
    put32(two + 4, (uint32_t)(n + 24 - 8));
    rc = hl_wav_parse(two, n + 24, 0, &info);
    printf("  %-34s -> %-17s %s\n", "two fmt chunks", hl_err_code(rc), info.reason);
    CHECK(rc == HL_EWAV_CHUNK && strstr(info.reason, "second fmt"), "two fmt chunks: %s %s", hl_err_code(rc), info.reason);
    rc = hl_wav_parse(two, n + 24, HL_WAV_LENIENT, &info);
    CHECK(rc == HL_EWAV_CHUNK, "two fmt chunks, lenient: %s", hl_err_code(rc));
  }

  /* data before fmt. */
  s = good(6, 1);
  n = build(file, &s);
  {
    static uint8_t swapped[4096];
    memcpy(swapped, file, 12);
    memcpy(swapped + 12, file + 36, n - 36); /* data first */
    memcpy(swapped + 12 + (n - 36), file + 12, 24);
    rc = hl_wav_parse(swapped, n, 0, &info);
    printf("  %-34s -> %-17s %s\n", "data before fmt", hl_err_code(rc), info.reason);
    CHECK(rc == HL_EWAV_NO_DATA && strstr(info.reason, "before any fmt"), "data before fmt: %s %s", hl_err_code(rc), info.reason);
  }

  /* A cut chunk after the data does not matter. */
  s = good(6, 1);
  n = build(file, &s);
  memcpy(file + n, "LIST\xff\0\0\0", 8);
  put32(file + 4, (uint32_t)(n + 8 - 8));
  rc = hl_wav_parse(file, n + 8, 0, &info);
  CHECK(rc == 0 && info.frames == 800, "cut LIST after data: %s %s", hl_err_code(rc), info.reason);

  /* Odd PCM16 length, lenient: the last byte is dropped. */
  s = good(1, 1); s.data_size = 801; s.data_real = 801;
  n = build(file, &s);
  rc = hl_wav_parse(file, n, HL_WAV_LENIENT, &info);
  CHECK(rc == 0 && info.frames == 400 && info.short_data, "odd PCM16, lenient: %s frames %zu", hl_err_code(rc), info.frames);

  /* Block align 0. */
  s = good(6, 1); s.align = 0;
  expect_err("block align 0", &s, 0, HL_EWAV_CHUNK, "block align is 0");
  s = good(6, 1); s.align = 0;
  expect_err("block align 0, lenient", &s, HL_WAV_LENIENT, HL_EWAV_CHUNK, "block align is 0");
}

/* Every prefix and every single-byte change of a valid file: must return
 * (ASan catches any read outside the exactly-sized heap copy). */
static void hostile(void) {
  spec s = good(6, 2);
  s.extra_odd_chunk = 1;
  s.data_size = s.data_real = 64;
  size_t n = build(file, &s);
  int ok = 0, errs = 0;
  for (size_t cut = 0; cut <= n; cut++) {
    uint8_t *copy = malloc(cut ? cut : 1);
    memcpy(copy, file, cut);
    hl_wav_info info;
    int rc = hl_wav_parse(copy, cut, cut & 1 ? HL_WAV_LENIENT : 0, &info);
    if (rc == 0) {
      ok++;
      CHECK(info.data_offset + info.data_bytes <= cut, "prefix %zu: data runs past the buffer", cut);
    } else {
      errs++;
      CHECK(info.reason[0] != 0, "prefix %zu: error without reason", cut);
    }
    free(copy);
  }
  for (size_t at = 0; at < n; at++) {
    for (int v = 0; v < 256; v += 51) {
      uint8_t *copy = malloc(n);
      memcpy(copy, file, n);
      copy[at] = (uint8_t)(copy[at] ^ (v | 1));
      hl_wav_info info;
      int rc = hl_wav_parse(copy, n, v & 2 ? HL_WAV_LENIENT : 0, &info);
      if (rc == 0) CHECK(info.data_offset + info.data_bytes <= n, "corrupt byte %zu: data runs past the buffer", at);
      free(copy);
    }
  }
  printf("hostile inputs: %zu prefixes (%d parsed, %d rejected), %zu x 6 corruptions, no crash\n", n + 1, ok, errs, n);
  CHECK(ok >= 1, "no prefix of a valid file parsed (the full file should)");
}

int main(void) {
  round_trips();
  rejections();
  disputed();
  hostile();
  printf("wav_test: %d failures\n", failures);
  return failures ? 1 : 0;
}
