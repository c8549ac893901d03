/* libFuzzer target: the WAV parser on arbitrary bytes. Under ASan the input
 * buffer is exactly `size` bytes, so any read past it crashes. On success
 * every data byte the parser points at is read, and the header writer's
 * output for the same layout must parse back to the same layout. Run with
 * `npm run fuzz -- SECONDS` (seeds: seeds/wav/). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dsp/wav.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  for (int flags = 0; flags <= HL_WAV_LENIENT; flags++) {
    hl_wav_info info;
    int rc = hl_wav_parse(data, size, flags, &info);
    if (memchr(info.reason, 0, sizeof info.reason) == NULL) abort(); /* reason always terminated */
    if (rc != 0) {
      if (info.reason[0] == 0) abort(); /* every error says why */
      continue;
    }
    if (info.data_offset > size || info.data_bytes > size - info.data_offset) abort();
    size_t frame = (size_t)info.channels * (size_t)info.bytes_per_sample;
    if (frame == 0 || info.frames * frame != info.data_bytes || info.rate != HL_WAV_RATE) abort();
    volatile uint8_t sink = 0;
    for (size_t i = 0; i < info.data_bytes; i++) sink ^= data[info.data_offset + i];
    (void)sink;
    uint8_t hdr[64];
    int h = hl_wav_write_header(hdr, sizeof hdr, info.format, info.channels, 0);
    if (h < 0) abort();
    hl_wav_info back;
    if (hl_wav_parse(hdr, (size_t)h, 0, &back) != 0 || back.format != info.format || back.channels != info.channels) abort();
  }
  return 0;
}
