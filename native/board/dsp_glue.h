// The board's view of the DSP kernels (native/dsp): per-channel states the
// engine embeds and the calls it makes each tick. Kept in one place so a
// kernel's API change touches one file.
#ifndef HL_BOARD_DSP_GLUE_H
#define HL_BOARD_DSP_GLUE_H

#include <cmath>
#include <cstdint>

#include "dsp/callprog.h"
#include "dsp/dtmf.h"
#include "dsp/echo.h"
#include "dsp/energy.h"
#include "dsp/mf_r2.h"
#include "dsp/mixer.h"
#include "dsp/tone_gen.h"
#include "dsp/wav.h"

namespace hl {

using GlueDtmfRx = hl_dtmf_state;

}  // namespace hl
#endif
