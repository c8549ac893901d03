// The browser phone (浏览器话机): an agent without a desk phone talks
// through the page. The microphone goes through the voice-capture worklet
// (48 kHz → 8 kHz, 20 ms frames) as A-law binary messages on the seat
// socket; the server's frames go through the voice-playback worklet (an
// adaptive jitter buffer, 8 kHz → the sound card's rate). On the server the
// agent's station is a virtual station (src/seats/voice.ts): offers, answer,
// transfer, recording and supervision work as for a desk phone.
//
// The panel shows state and counters in the DOM (#voice-status data-*:
// frames sent and heard, underruns, late frames, jitter buffer, level, and
// the measured delays), which the browser test reads.
import { decodeVoiceFrame, encodeVoiceFrame } from '../../src/seats/voice-frame.ts';
import { byId, setText } from './dom.ts';
import { t } from './i18n.ts';
import type { Shell } from './shell.ts';

interface PlaybackStats {
  frames: number;
  underruns: number;
  late: number;
  bufferedMs: number;
  targetMs: number;
  levelDb: number;
}

/** Median and 95th percentile of the last samples, ms. */
function pct(xs: number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
}

export function openPhone(shell: Shell): void {
  const button = byId<HTMLButtonElement>('voice-toggle');
  const status = byId('voice-status');
  const meter = byId<HTMLMeterElement>('voice-level');
  let ctx: AudioContext | null = null;
  let mic: MediaStream | null = null;
  let playback: AudioWorkletNode | null = null;
  let on = false;
  let seq = 0;
  let sent = 0;
  let heard = 0;
  const sentAt = new Map<number, number>(); // seq heard -> the server's Unix ms of it
  const earMs: number[] = []; // board received -> played in this page
  let stats: PlaybackStats | null = null;

  // Context time -> Unix ms: the render clock against the page's.
  const unixOf = (c: AudioContext, ctxTime: number) => performance.timeOrigin + performance.now() - (c.currentTime - ctxTime) * 1000;

  const draw = (state: string, detail = '') => {
    status.dataset.state = state;
    status.dataset.sent = String(sent);
    status.dataset.heard = String(heard);
    if (stats) {
      status.dataset.underruns = String(stats.underruns);
      status.dataset.late = String(stats.late);
      status.dataset.bufferMs = stats.bufferedMs.toFixed(0);
      status.dataset.levelDb = stats.levelDb.toFixed(1);
      meter.value = Math.max(0, Math.min(60, stats.levelDb + 60));
    }
    if (earMs.length) {
      status.dataset.earP50 = pct(earMs, 0.5).toFixed(1);
      status.dataset.earP95 = pct(earMs, 0.95).toFixed(1);
    }
    button.setAttribute('aria-pressed', String(on));
    setText(button, t(on ? 'voice.stop' : 'voice.start'));
    setText(status, detail || t(`voice.${state}`));
  };

  const stop = async (tell: boolean) => {
    on = false;
    shell.onBinary(null);
    if (tell) await shell.seat.request('voice-stop', {});
    mic?.getTracks().forEach((tr) => tr.stop());
    await ctx?.close().catch(() => undefined);
    ctx = null;
    mic = null;
    playback = null;
    draw('off');
  };

  const start = async () => {
    draw('starting');
    try {
      mic = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: false, autoGainControl: false, channelCount: 1 } });
      const c = new AudioContext({ latencyHint: 'interactive' });
      ctx = c;
      await c.audioWorklet.addModule('/worklets/voice-worklets.js');
      const capture = new AudioWorkletNode(c, 'voice-capture', { numberOfInputs: 1, numberOfOutputs: 1 });
      const mute = c.createGain();
      mute.gain.value = 0; // the capture node is pulled through a silent path
      c.createMediaStreamSource(mic).connect(capture).connect(mute).connect(c.destination);
      const play = new AudioWorkletNode(c, 'voice-playback', { numberOfInputs: 0, numberOfOutputs: 1, outputChannelCount: [1] });
      play.connect(c.destination);
      playback = play;
      play.port.onmessage = (e: MessageEvent<{ stats?: PlaybackStats; played?: number; time?: number }>) => {
        if (e.data.stats) {
          stats = e.data.stats;
          draw('on');
        } else if (e.data.played !== undefined && ctx) {
          const from = sentAt.get(e.data.played);
          sentAt.delete(e.data.played);
          // Played into the sound card; it reaches the ear after the output latency.
          const outMs = ((ctx.baseLatency ?? 0) + (ctx.outputLatency ?? 0)) * 1000;
          if (from !== undefined) earMs.push(unixOf(ctx, e.data.time!) + outMs - from);
          if (earMs.length > 150) earMs.shift(); // the last 3 s
        }
      };
      shell.onBinary((data) => {
        const f = decodeVoiceFrame(new Uint8Array(data));
        if (typeof f === 'string' || !playback) return;
        heard++;
        sentAt.set(f.seq, f.time);
        if (sentAt.size > 200) sentAt.delete(sentAt.keys().next().value!);
        playback.port.postMessage({ pcm: f.pcm, seq: f.seq }, [f.pcm.buffer]);
      });
      capture.port.onmessage = (e: MessageEvent<{ pcm: Int16Array; time: number }>) => {
        if (!on || !ctx) return;
        if (shell.seat.sendBinary(encodeVoiceFrame('alaw', seq++, unixOf(ctx, e.data.time), e.data.pcm))) sent++;
      };
      const r = await shell.seat.request('voice-start', { codec: 'alaw' });
      if (!r.ok) {
        await stop(false);
        draw('error', `${t('voice.error')} ${r.code ?? ''} ${r.message ?? ''}`);
        shell.report(r);
        return;
      }
      await c.resume();
      on = true;
      draw('on');
    } catch (e) {
      await stop(false);
      draw('error', `${t('voice.error')} ${(e as Error).message}`);
    }
  };

  button.addEventListener('click', () => void (on ? stop(true) : start()));
  shell.onEvent('voice-ended', () => void stop(false));
  // A new socket (after a drop) has no phone: the server ended it with the old one.
  shell.onOnline(() => {
    if (on) void stop(false);
  });
  draw('off');
}
