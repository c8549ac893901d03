// A leg is one party's line in a call: the caller's trunk, an agent's
// station, later a supervisor's station or an outside party on an outbound
// trunk. The call owns its legs; the switch (route / conference) joins them.
// Media to a leg (an announcement, music on hold, a tone) goes through the
// leg, which keeps one player at a time: a new play stops the previous one in
// the same tick, so an answer never waits behind an announcement.
import type { Channel, PlayItem, PlayResult } from '../board/types.ts';
import type { CallLegRecord } from '../cases/types.ts';

export type LegKind = CallLegRecord['kind'];

export class Leg {
  readonly kind: LegKind;
  readonly channel: Channel;
  readonly agentId?: string;
  /** Epoch ms. */
  readonly joinedAt: number;
  leftAt?: number;
  #media: AbortController | null = null;
  #callSignal: AbortSignal | undefined;

  constructor(kind: LegKind, channel: Channel, joinedAt: number, o: { agentId?: string; signal?: AbortSignal } = {}) {
    this.kind = kind;
    this.channel = channel;
    this.joinedAt = joinedAt;
    if (o.agentId !== undefined) this.agentId = o.agentId;
    this.#callSignal = o.signal;
  }

  get gone(): boolean {
    return this.leftAt !== undefined;
  }

  /**
   * Plays to this leg (what its party hears), stopping what the leg played
   * before. Resolves with the result, or null when stopped by a newer play,
   * stopMedia(), the call's end, or a line already gone. Never throws.
   */
  async play(items: PlayItem | PlayItem[], o: { signal?: AbortSignal; mix?: boolean } = {}): Promise<PlayResult | null> {
    this.stopMedia();
    const ctl = new AbortController();
    this.#media = ctl;
    const signals = [ctl.signal, ...(this.#callSignal ? [this.#callSignal] : []), ...(o.signal ? [o.signal] : [])];
    try {
      const r = await this.channel.play(items, { signal: AbortSignal.any(signals), ...(o.mix ? { mix: true } : {}) });
      return r.reason === 'stopped' || r.reason === 'hangup' || r.reason === 'error' ? null : r;
    } catch {
      return null;
    } finally {
      if (this.#media === ctl) this.#media = null;
    }
  }

  /** A call-progress tone to this leg (busy after the far party left, …), stopping what the leg played. */
  async tone(tone: 'busy' | 'ringback' | 'congestion' | 'dial', durationMs?: number): Promise<void> {
    this.stopMedia();
    const ctl = new AbortController();
    this.#media = ctl;
    try {
      await this.channel.playTone(tone, { signal: ctl.signal, ...(durationMs ? { durationMs } : {}) });
    } catch {
      // The line is gone: nothing to hear.
    } finally {
      if (this.#media === ctl) this.#media = null;
    }
  }

  /** Stops what the leg API plays on this line (applied at the next tick, before later commands). */
  stopMedia(): void {
    const m = this.#media;
    this.#media = null;
    m?.abort();
  }

  /** True while an announcement, music or tone started through the leg plays. */
  get playing(): boolean {
    return this.#media !== null;
  }

  record(): CallLegRecord {
    const r: CallLegRecord = { kind: this.kind, channel: this.channel.name, joinedAt: this.joinedAt };
    if (this.agentId !== undefined) r.agentId = this.agentId;
    if (this.leftAt !== undefined) r.leftAt = this.leftAt;
    return r;
  }
}

/** Both parties hear each other (the TDM switch's full-duplex route). */
export function bridge(a: Leg, b: Leg): void {
  a.channel.route(b.channel, { duplex: 'full' });
}

/** Takes the leg out of every route (it hears nothing from the switch, and nobody hears it). */
export function unbridge(a: Leg): void {
  a.channel.unroute();
}
