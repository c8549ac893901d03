// Opening the native board a profile describes: which driver carries its
// spans (the sim, or DAHDI spans as the profile or HL_BOARD_DRIVER=dahdi
// give them) and the signalling each span runs (China No.1). Kept apart from
// board.ts, which is the channel and span API over the opened board.
import { toHotline } from './engine.ts';
import { boardError } from './errors.ts';
import { nativeBoardClass, type NativeBoard } from './native.ts';
import { dahdiChannels, spanWidth } from './profile.ts';
import type { BoardProfile, SpanProfile } from './types.ts';

// China No.1 spans (signalling/r2_board.h). The built-in network side of a
// loop runs the same signalling as the span it is cabled to, with the
// opposite glare priority, and does not know our numbers' length.
export function setSignalling(native: NativeBoard, p: BoardProfile, n: number, loop: boolean): void {
  p.spans.forEach((sp, s) => {
    if (sp.type !== 'E1' || sp.signalling !== 'china-no1') return;
    const r2 = sp.r2 ?? {};
    const prio = r2.glarePriority ? 1 : 0;
    const aniAfter = r2.aniAfter ?? 1;
    try {
      const rules = Object.entries(r2.dnisLengths ?? {}).flat();
      native.setSignalling(s, 'china-no1', prio, r2.maxDnis ?? 0, aniAfter, r2.category ?? 0, r2.callType ?? 0, rules);
      if (loop) native.setSignalling(s + n, 'china-no1', 1 - prio, 0, aniAfter);
    } catch (e) {
      native.close();
      throw toHotline(e, `span ${s}: China No.1`);
    }
  });
}

/**
 * HL_BOARD_SIGNALLING=china-no1 runs every plain CAS E1 span of a profile on
 * China No.1 (its own r2 options, if any, else the defaults), as
 * HL_BOARD_DRIVER=dahdi moves a profile onto DAHDI: how the IVR's end-to-end
 * tests run unchanged with callers arriving over China No.1.
 */
export function trunkSignalling(p: BoardProfile): BoardProfile {
  const forced = process.env.HL_BOARD_SIGNALLING;
  if (forced === undefined || forced === '' || forced === 'cas') return p;
  if (forced !== 'china-no1') throw boardError('BOARD_ARG', `HL_BOARD_SIGNALLING must be 'cas' or 'china-no1', got ${JSON.stringify(forced)}`);
  return { ...p, spans: p.spans.map((s) => (s.type === 'E1' ? { ...s, signalling: 'china-no1' } : s)) };
}

/**
 * The DAHDI spans a board opens, or undefined for the sim. A DAHDI profile
 * names them; HL_BOARD_DRIVER=dahdi runs a sim profile, network side
 * included, on DAHDI spans 1..total (the userspace DAHDI of the tests, whose
 * cables join span i to span n + i as the sim's loop does). Its analog port
 * groups are analog DAHDI spans (an FXS group's far end an FXO group), numbered
 * span after span as system.conf does; a second board open at once (`first`
 * past 1) follows the first board's channels.
 */
function dahdiLayout(p: BoardProfile, total: number, first = 1): number[] | undefined {
  if (p.driver === 'dahdi') return dahdiChannels(p.spans);
  const forced = process.env.HL_BOARD_DRIVER;
  if (forced === undefined || forced === '' || forced === 'sim') return undefined;
  if (forced !== 'dahdi') throw boardError('BOARD_ARG', `HL_BOARD_DRIVER must be 'sim' or 'dahdi', got ${JSON.stringify(forced)}`);
  const far = (sp: SpanProfile): SpanProfile => (sp.type === 'analog' ? { ...sp, role: sp.role === 'fxs' ? 'fxo' : 'fxs' } : sp);
  const layout: SpanProfile[] = [...p.spans, ...(total > p.spans.length ? p.spans.map(far) : [])];
  const width = (sp: SpanProfile) => (sp.type === 'E1' ? 31 : spanWidth(sp));
  const perBoard = layout.reduce((n, sp) => n + width(sp), 0);
  let base = 1 + ((first - 1) / total) * perBoard;
  const spans = layout.map((sp, i): SpanProfile => {
    const at = base;
    base += width(sp);
    const dahdi = { dahdiSpan: first + i, basechan: at };
    return sp.type === 'analog' ? { type: 'analog', role: sp.role, ports: sp.ports, ...dahdi } : sp.type === 'T1' ? { type: 'T1', channels: sp.channels, ...dahdi } : { type: 'E1', ...dahdi };
  });
  return dahdiChannels(spans);
}

/**
 * The native board. Under HL_BOARD_DRIVER=dahdi a second board open at once
 * (tests that run two engines) takes the next 2N spans when the first are in
 * use, as a second card would be; a DAHDI profile names its spans and never moves.
 */
export function openNative(p: BoardProfile, total: number, peers: number[]): NativeBoard {
  const Native = nativeBoardClass();
  for (let first = 1; ; first += total) {
    try {
      return new Native(total, p.tickMs ?? 10, peers, undefined, dahdiLayout(p, total, first));
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (p.driver === 'dahdi' || process.env.HL_BOARD_DRIVER !== 'dahdi' || code !== 'HL_EDAHDI_BUSY' || first + 2 * total > 129) throw toHotline(e, 'open board');
    }
  }
}

