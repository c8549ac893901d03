// The engine's logs: pino, structured, one child logger per call (call id,
// channel, caller number). Times are in the bureau's time zone (default
// Asia/Shanghai) with the date and the UTC offset, so a log line, `cases show`
// and the bureau's wall clock agree. `hotline start` prints one human-readable
// line per record (the small transport below); `json` keeps pino's lines.
import { pino, type DestinationStream, type Logger } from 'pino';
import { CallError } from './errors.ts';

export type { Logger };

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

export interface LogOptions {
  /** IANA time zone of the log times (default Asia/Shanghai). */
  timeZone?: string;
  /** 'pretty' (default): one readable line per record; 'json': pino's JSON lines. */
  format?: 'pretty' | 'json';
  /** pino level (default 'info'). */
  level?: string;
  /** Where lines go (default: stdout). */
  write?: (line: string) => void;
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** Refuses a time zone the runtime does not know, with a sentence. */
export function checkTimeZone(timeZone: string): string {
  zoneFormat(timeZone);
  return timeZone;
}

function zoneFormat(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZoneName: 'longOffset' });
    } catch {
      throw new CallError('CALL_TIME_ZONE_UNKNOWN', `the time zone '${timeZone}' is unknown; give an IANA name such as Asia/Shanghai or Asia/Urumqi`, { timeZone });
    }
    formats.set(timeZone, f);
  }
  return f;
}

/** "2026-03-16T10:00:01.250+08:00": ISO 8601 local time in `timeZone`, with its offset. */
export function localIso(ms: number, timeZone: string): string {
  const p: Record<string, string> = {};
  for (const x of zoneFormat(timeZone).formatToParts(new Date(ms))) p[x.type] = x.value;
  // longOffset reads "GMT+08:00", or "GMT" at offset zero.
  const offset = p.timeZoneName === 'GMT' ? '+00:00' : p.timeZoneName.slice(3);
  const frac = String(((ms % 1000) + 1000) % 1000).padStart(3, '0');
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}.${frac}${offset}`;
}

const CONTEXT = ['callId', 'channel', 'caller'] as const;

/** One pino JSON line -> "2026-03-16 10:00:01.250+08:00 WARN message [call …]". */
export function prettyLine(json: string): string {
  let r: Record<string, unknown>;
  try {
    r = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const time = typeof r.time === 'string' ? r.time.replace('T', ' ') : '';
  const level = typeof r.level === 'string' && r.level !== 'info' ? `${r.level.toUpperCase()} ` : '';
  const msg = typeof r.msg === 'string' ? r.msg : '';
  // A record of a call says which call, unless its message already does.
  const ctx = CONTEXT.filter((k) => r[k] !== undefined && !msg.includes(String(r[k]))).map((k) => `${k} ${String(r[k])}`);
  const err = r.err && typeof r.err === 'object' ? ` (${String((r.err as { message?: unknown }).message ?? '')})` : '';
  return `${time} ${level}${msg}${err}${ctx.length ? ` [${ctx.join(', ')}]` : ''}\n`;
}

export function createLogger(o: LogOptions = {}): Logger {
  const timeZone = checkTimeZone(o.timeZone ?? DEFAULT_TIME_ZONE);
  const write = o.write ?? ((s: string) => void process.stdout.write(s));
  const dest: DestinationStream = o.format === 'json' ? { write } : { write: (line: string) => write(prettyLine(line)) };
  return pino(
    {
      level: o.level ?? 'info',
      base: undefined,
      timestamp: () => `,"time":"${localIso(Date.now(), timeZone)}"`,
      formatters: { level: (label) => ({ level: label }) },
    },
    dest,
  );
}

/** A logger that writes nothing (library use, tests that do not look). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
