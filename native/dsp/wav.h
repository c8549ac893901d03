/* WAV (RIFF/WAVE) parsing and header writing on memory buffers.
 *
 * The engine records and plays 8 kHz telephone audio: A-law (format tag 6),
 * mu-law (7) and 16-bit linear PCM (1), mono or stereo (a recorder may keep the
 * two directions of a call in two channels). Everything else is rejected with
 * a precise hl_err code and a sentence naming the offending field.
 *
 * No file I/O and no allocation here: the caller maps or reads the file and
 * passes the bytes. The parser never reads outside [buf, buf + len): it is
 * fuzzed (test/native/fuzz/wav_fuzz.c). */
#ifndef HL_DSP_WAV_H
#define HL_DSP_WAV_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
  HL_WAV_PCM16 = 1, /* WAVE_FORMAT_PCM, 16 bits per sample */
  HL_WAV_ALAW = 6,  /* WAVE_FORMAT_ALAW, G.711 A-law, 8 bits */
  HL_WAV_MULAW = 7  /* WAVE_FORMAT_MULAW, G.711 mu-law, 8 bits */
};

/* The only rate telephone audio uses on E1 and analog lines (G.711). */
#define HL_WAV_RATE 8000u

/* Parse flags. */
enum {
  /* Accept a data chunk whose declared size runs past the end of the buffer
   * (a recording cut off by a crash between header rewrites, or a streaming
   * writer's 0 / 0xFFFFFFFF placeholder): the samples present are used and
   * hl_wav_info.short_data is set. Without it such a file is HL_EWAV_TRUNC. */
  HL_WAV_LENIENT = 1
};

typedef struct hl_wav_info {
  int format;           /* HL_WAV_PCM16, HL_WAV_ALAW or HL_WAV_MULAW */
  int channels;         /* 1 or 2 */
  unsigned rate;        /* always HL_WAV_RATE on success */
  int bytes_per_sample; /* 2 for PCM16, 1 for G.711 */
  size_t data_offset;   /* offset of the first sample byte in the buffer */
  size_t data_bytes;    /* bytes of whole frames present from data_offset */
  size_t frames;        /* data_bytes / (channels * bytes_per_sample) */
  int short_data;       /* HL_WAV_LENIENT only: the data chunk was cut short */
  /* On failure: the field at fault in words, e.g. "sample rate is 16000 Hz;
   * only 8000 Hz is supported". Always NUL-terminated. */
  char reason[112];
} hl_wav_info;

/* Parses a RIFF/WAVE image. Returns 0 and fills *info, or a negative hl_err:
 * HL_EWAV_NOT_WAV, HL_EWAV_RATE, HL_EWAV_CHANNELS, HL_EWAV_CODEC,
 * HL_EWAV_TRUNC, HL_EWAV_CHUNK, HL_EWAV_NO_DATA (and HL_EINVAL for a NULL
 * argument), with info->reason filled in. Unknown chunks (LIST, fact, cue,
 * ...) are skipped, honouring the RIFF pad byte after odd-sized chunks. */
int hl_wav_parse(const uint8_t *buf, size_t len, int flags, hl_wav_info *info);

/* Size of the header hl_wav_write_header writes for a format: 44 bytes for
 * PCM16 (canonical header); 58 for A-law / mu-law, which per the RIFF rules
 * for non-PCM formats carry cbSize in an 18-byte fmt chunk and a fact chunk
 * (sample count). Negative hl_err for an unsupported format. */
int hl_wav_header_size(int format);

/* Writes a complete header for `data_bytes` bytes of samples that follow it.
 * The size depends on the format only, so a recorder can rewrite the header
 * in place after each flush to keep the file valid if the process dies.
 * The RIFF size does not count a pad byte after odd-length data; a writer
 * may append one when it closes the file (the parser accepts both).
 * Returns the header size, or HL_EINVAL (bad format/channels, cap too small)
 * or HL_ERANGE (data too large for 32-bit RIFF sizes). */
int hl_wav_write_header(uint8_t *buf, size_t cap, int format, int channels, uint64_t data_bytes);

#ifdef __cplusplus
}
#endif
#endif
