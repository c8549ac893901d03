// The browser phone's two AudioWorklet processors, one module (served from
// 'self' as /worklets/voice-worklets.js: the CSP allows no other script source).
//
// voice-capture: the microphone at the context's rate (48 or 44.1 kHz) →
//   low-pass and decimate to 8 kHz → 20 ms frames (160 samples, Int16) posted
//   to the page with the context time of their first sample.
// voice-playback: 20 ms frames from the page → an adaptive jitter buffer
//   (target 40 ms, up to 120 ms after underruns, back down while steady) →
//   8 kHz upsampled to the context's rate. Counts underruns and frames dropped
//   as late (buffer over target + 60 ms, or never below target + 20 ms for a
//   second: a frame a second goes), reports the level heard, and when
//   a frame's first sample is played (for the mouth-to-ear measurement).

// AudioWorkletGlobalScope (not in TypeScript's DOM library).
declare const sampleRate: number;
declare const currentTime: number;
declare function registerProcessor(name: string, ctor: unknown): void;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}

const RATE = 8000;
const FRAME = 160;

/** Windowed-sinc low-pass taps (cut-off fc, as a fraction of the input rate). */
function lowPass(fc: number, taps: number): Float32Array {
  const h = new Float32Array(taps);
  const m = (taps - 1) / 2;
  let sum = 0;
  for (let i = 0; i < taps; i++) {
    const x = i - m;
    const sinc = x === 0 ? 2 * fc : Math.sin(2 * Math.PI * fc * x) / (Math.PI * x);
    const w = 0.54 - 0.46 * Math.cos((2 * Math.PI * i) / (taps - 1));
    h[i] = sinc * w;
    sum += h[i];
  }
  for (let i = 0; i < taps; i++) h[i] /= sum;
  return h;
}

class VoiceCapture extends AudioWorkletProcessor {
  readonly _step = sampleRate / RATE; // input samples per output sample (6 at 48 kHz)
  readonly _h = lowPass(3600 / sampleRate, 63);
  readonly _hist = new Float32Array(64); // the last input samples (filter state), ring
  _hpos = 0;
  _phase = 0; // input samples until the next output sample
  readonly _frame = new Int16Array(FRAME);
  _n = 0;
  _frameTime = 0;

  process(inputs: Float32Array[][]): boolean {
    const input = inputs[0]?.[0];
    if (!input) return true;
    const h = this._h;
    const taps = h.length;
    for (let i = 0; i < input.length; i++) {
      this._hist[this._hpos] = input[i];
      this._hpos = (this._hpos + 1) & 63;
      this._phase -= 1;
      if (this._phase > 0) continue;
      this._phase += this._step;
      let acc = 0;
      for (let k = 0; k < taps; k++) acc += h[k] * this._hist[(this._hpos - 1 - k + 128) & 63];
      if (this._n === 0) this._frameTime = currentTime + i / sampleRate;
      const v = Math.round(acc * 32767);
      this._frame[this._n++] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
      if (this._n === FRAME) {
        this.port.postMessage({ pcm: this._frame.slice(), time: this._frameTime });
        this._n = 0;
      }
    }
    return true;
  }
}

class VoicePlayback extends AudioWorkletProcessor {
  // The jitter buffer: 8 kHz samples, a ring of 1 s.
  readonly _buf = new Int16Array(8192);
  _rd = 0;
  _wr = 0;
  _playing = false;
  _targetMs = 40;
  _steadySince = 0;
  _frac = 0; // position between two 8 kHz samples
  _prev = 0;
  // frames whose first sample is still to be played: [ring position, seq]
  readonly _marks: Array<[number, number]> = [];
  _frames = 0;
  _underruns = 0;
  _late = 0;
  _sumSq = 0;
  _sumN = 0;
  _lastReport = 0;
  _windowStart = 0;
  _minBuffered = Infinity;

  constructor() {
    super();
    this.port.onmessage = (e: MessageEvent<{ pcm: Int16Array; seq: number }>) => this._push(e.data.pcm, e.data.seq);
  }

  private get _buffered(): number {
    return this._wr - this._rd;
  }

  _push(pcm: Int16Array, seq: number): void {
    this._frames++;
    // Over target + 60 ms: the oldest go (late frames: the network caught up in a burst).
    while (this._buffered + pcm.length > ((this._targetMs + 60) * RATE) / 1000) {
      this._rd += FRAME;
      this._late++;
      while (this._marks.length && this._marks[0][0] < this._rd) this._marks.shift();
    }
    this._marks.push([this._wr, seq]);
    for (let i = 0; i < pcm.length; i++) this._buf[(this._wr + i) & 8191] = pcm[i];
    this._wr += pcm.length;
  }

  process(_in: Float32Array[][], outputs: Float32Array[][]): boolean {
    const out = outputs[0][0];
    const step = RATE / sampleRate;
    if (!this._playing && this._buffered >= (this._targetMs * RATE) / 1000) this._playing = true;
    for (let i = 0; i < out.length; i++) {
      if (!this._playing) {
        out[i] = 0;
        continue;
      }
      if (this._buffered < 1) {
        // Underrun: silence, and a longer target (up to 120 ms).
        this._playing = false;
        this._underruns++;
        this._targetMs = Math.min(120, this._targetMs + 20);
        this._steadySince = currentTime;
        out[i] = 0;
        continue;
      }
      const cur = this._buf[this._rd & 8191];
      // Linear interpolation between the last sample and this one.
      const v = (this._prev + (cur - this._prev) * this._frac) / 32768;
      out[i] = v;
      this._sumSq += v * v;
      this._sumN++;
      this._frac += step;
      if (this._frac >= 1) {
        this._frac -= 1;
        this._prev = cur;
        if (this._marks.length && this._marks[0][0] === this._rd) {
          const [, seq] = this._marks.shift()!;
          this.port.postMessage({ played: seq, time: currentTime + i / sampleRate });
        }
        this._rd++;
      }
    }
    for (let c = 1; c < outputs[0].length; c++) outputs[0][c].set(out);
    // A buffer that never ran below target + 20 ms over a second holds delay
    // nobody needs (a burst filled it): one frame goes, a frame a second.
    if (this._playing && this._buffered < this._minBuffered) this._minBuffered = this._buffered;
    if (currentTime - this._windowStart >= 1) {
      if (this._playing && this._minBuffered > ((this._targetMs + 20) * RATE) / 1000) {
        this._rd += FRAME;
        this._late++;
        while (this._marks.length && this._marks[0][0] < this._rd) this._marks.shift();
      }
      this._windowStart = currentTime;
      this._minBuffered = Infinity;
    }
    // Ten steady seconds: the target comes back down by 10 ms (not below 40).
    if (this._targetMs > 40 && currentTime - this._steadySince > 10) {
      this._targetMs -= 10;
      this._steadySince = currentTime;
    }
    if (currentTime - this._lastReport >= 0.25) {
      this._lastReport = currentTime;
      const rms = this._sumN ? Math.sqrt(this._sumSq / this._sumN) : 0;
      this._sumSq = 0;
      this._sumN = 0;
      this.port.postMessage({ stats: { frames: this._frames, underruns: this._underruns, late: this._late, bufferedMs: (this._buffered * 1000) / RATE, targetMs: this._targetMs, levelDb: rms > 0 ? 20 * Math.log10(rms) : -120 } });
    }
    return true;
  }
}

registerProcessor('voice-capture', VoiceCapture);
registerProcessor('voice-playback', VoicePlayback);
