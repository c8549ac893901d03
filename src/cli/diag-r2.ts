// What `hotline diag r2` reports of China No.1 spans and channels: each
// span's counters and, per channel, its line state, last cause, the call's
// numbers, KA and KD, and the MF trace lines (only the new ones when
// watching). Read through channel.r2(), which works on a board running in
// real time (the tick publishes a copy; signalling/r2_board.cc) as well as
// between steps, so this never stops the clock.
import type { Board, Channel, R2Counters, R2Info } from '../board/types.ts';

export interface R2SpanReport {
  span: number;
  name: string;
  counters: R2Counters;
}

/** A channel as channel.r2() reads it, with only the trace lines not shown yet. */
export type R2ChannelReport = Omit<R2Info, 'trace' | 'traceTotal'> & {
  channel: string;
  /** Trace lines since the last report of this channel (all kept, the first time). */
  trace: string[];
  /** Lines the trace ring dropped before this report could show them (more than 64 signals between reports). */
  missed: number;
};

export interface R2Report {
  spans: R2SpanReport[];
  channels: R2ChannelReport[];
}

/** The China No.1 spans of a board (indexes), empty on plain CAS. */
export function r2Spans(board: Board): number[] {
  return board.spans.flatMap((s, i) => (s.r2Counters() ? [i] : []));
}

/**
 * One report. `channels`: those to show (default: the China No.1 channels
 * with a trace or not idle). `seen` keeps, per channel, the signals already
 * shown, so a watch prints each trace line once.
 */
export function r2Report(board: Board, channels: ReadonlyArray<Channel> | undefined, seen: Map<number, number>): R2Report {
  const spans = r2Spans(board).map((i) => ({ span: i, name: board.spans[i].name ?? `span ${i}`, counters: board.spans[i].r2Counters()! }));
  const out: R2ChannelReport[] = [];
  for (const ch of channels ?? board.channels) {
    const r = ch.r2();
    if (!r) continue;
    if (!channels && r.state === 'idle' && r.traceTotal === 0) continue;
    const shown = seen.get(ch.index) ?? 0;
    const fresh = Math.max(0, r.traceTotal - shown);
    const trace = fresh >= r.trace.length ? r.trace : r.trace.slice(r.trace.length - fresh);
    seen.set(ch.index, r.traceTotal);
    const { trace: _all, traceTotal: _n, ...rest } = r;
    out.push({ channel: ch.name, ...rest, trace, missed: Math.max(0, fresh - r.trace.length) });
  }
  return { spans, channels: out };
}

const failures = (c: R2Counters) =>
  Object.entries(c.failed)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ') || 'none';

/** The report as a technician reads it. */
export function r2Text(rep: R2Report): string {
  let s = '  span  calls in  out  offered  accepted  answered  glare  MF sent  MF rcvd  failed\n';
  for (const r of rep.spans) {
    const c = r.counters;
    s += `  ${String(r.span).padEnd(5)} ${String(c.callsIn).padStart(8)} ${String(c.callsOut).padStart(4)} ${String(c.offered).padStart(8)} ${String(c.accepted).padStart(9)} ${String(c.answered).padStart(9)} ${String(c.glare).padStart(6)} ${String(c.mfSent).padStart(8)} ${String(c.mfReceived).padStart(8)}  ${failures(c)}  ${r.name}\n`;
  }
  for (const ch of rep.channels) {
    const call = ch.callerNumber || ch.calledNumber ? `  ${ch.callerNumber || '-'} -> ${ch.calledNumber || '-'}  KA ${ch.category} KD ${ch.callType}` : '';
    s += `${ch.channel}: ${ch.state}, last cause ${ch.cause}${call}\n`;
    if (ch.missed) s += `  (${ch.missed} signals not shown: more than the 64 kept came between two reports)\n`;
    for (const l of ch.trace) s += `  ${l}\n`;
  }
  return s;
}
