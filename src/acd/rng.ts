// A seeded pseudo-random generator, so every strategy decision and every bench
// run is reproducible from its seed. sfc32 (Chris Doty-Humphrey's Small Fast
// Chaotic generator, 128-bit state, passes PractRand to TBs); two 32-bit
// outputs make one double with 53 random bits.

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
}

export class Sfc32 implements Rng {
  private a: number;
  private b: number;
  private c: number;
  private d = 1;

  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = seed >>> 0;
    // Discard the first outputs: they still echo the seed.
    for (let i = 0; i < 15; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  next(): number {
    return ((this.u32() >>> 5) * 67108864 + (this.u32() >>> 6)) / 9007199254740992;
  }
}

/** Exponentially distributed with the given mean (inverse transform; 1 − u avoids log(0)). */
export function exponential(rng: Rng, mean: number): number {
  return -Math.log(1 - rng.next()) * mean;
}
