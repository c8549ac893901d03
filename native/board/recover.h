/* Start-up repair of a recording left unfinished by a crash (recover.cc). */
#ifndef HL_BOARD_RECOVER_H
#define HL_BOARD_RECOVER_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hl_rec_recovery {
  char file[4096];      /* the file's name afterwards (NAME.part -> NAME, or NAME.recovered.wav) */
  uint64_t data_bytes;  /* audio bytes in it afterwards */
  int repaired;         /* the header's sizes were rewritten to match the audio */
  int truncated;        /* a cut-off sample frame at the end was removed */
  int renamed;          /* an in-progress NAME.part got its final name */
  char reason[112];     /* when the file is not a WAV at all: why (hl_wav_parse) */
} hl_rec_recovery;

/* Repairs one WAV file in place (header from the file size, whole frames),
 * fsyncs it, renames NAME.part to NAME without replacing anything, fsyncs the
 * folder. Returns 0, an HL_EWAV_* code when the file is not a readable WAV
 * (out->reason says why), or an HL_EREC_* I/O code. */
int hl_rec_recover(const char *path, hl_rec_recovery *out);

#ifdef __cplusplus
}
#endif
#endif
