// G.711 A-law in plain TypeScript, for code that runs where the addon is not
// (the browser phone's page and worklets) or per 20 ms frame, where a native
// call per frame costs more than the table: the board's audio streams
// (src/board/stream.ts) and the seat socket's voice frames.

/** G.711 A-law of one 16-bit sample (the same codes as native/dsp/g711.c). */
export function alawEncode(x: number): number {
  const neg = x < 0;
  const mag = (neg ? -x - 1 : x) >> 4; // 12-bit magnitude: A-law's smallest step is 16
  let code = mag;
  if (mag >= 32) {
    let seg = 2; // the leading one at bit seg + 3
    while (mag >> (seg + 4)) seg++;
    code = (seg << 4) | ((mag >> (seg - 1)) & 15);
  }
  return ((neg ? 0 : 0x80) | code) ^ 0x55;
}

export const ALAW_DECODE = (() => {
  const t = new Int16Array(256);
  for (let i = 0; i < 256; i++) {
    const v = i ^ 0x55;
    const seg = (v & 0x70) >> 4;
    let m = ((v & 0x0f) << 4) + 8;
    if (seg) m = (m + 0x100) << (seg - 1);
    t[i] = v & 0x80 ? m : -m;
  }
  return t;
})();

export function alawDecode(b: number): number {
  return ALAW_DECODE[b & 0xff];
}

