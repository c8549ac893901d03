// The say node: turns a value into a list of prompt fragment ids, read in the
// caller's language (prompts/texts.yaml holds the fragments). Mandarin reads
// numbers by 万/千/百/十 with 零 for inner zeros; English by hundreds and
// thousands. Keyed numbers (case numbers, phone numbers) are read digit by
// digit; Mandarin then says 幺 for 1, as operators do on the phone.

export type SayKind = 'digits' | 'number' | 'date' | 'time' | 'status' | 'result';

const DIGIT_NAME: Record<string, string> = { '*': 'digit_star', '#': 'digit_hash' };

export function sayDigits(value: string): string[] {
  const out: string[] = [];
  for (const c of value) {
    if (c >= '0' && c <= '9') out.push(`digit_${c}`);
    else if (DIGIT_NAME[c]) out.push(DIGIT_NAME[c]);
  }
  return out;
}

function zhUnit(d: number, lead: boolean): string {
  // 一 (yi1) rather than 幺 inside a number; 两 before 千 and 万 reads naturally.
  if (d === 1) return 'num_1';
  if (d === 2 && lead) return 'num_2_liang';
  return `digit_${d}`;
}

/** Mandarin reading of 0 ≤ n < 10000, `first` when it starts the whole number. */
function zhSection(n: number, first: boolean): string[] {
  const out: string[] = [];
  const parts = [Math.floor(n / 1000), Math.floor(n / 100) % 10, Math.floor(n / 10) % 10, n % 10];
  const units = ['num_thousand', 'num_hundred', 'num_10', ''];
  let zero = false;
  let started = false;
  for (let i = 0; i < 4; i++) {
    const d = parts[i];
    if (d === 0) {
      if (started) zero = true;
      continue;
    }
    if (zero) out.push('digit_0');
    zero = false;
    if (i === 2) {
      // 十五 at the start of a number, 一百一十五 inside it.
      if (!(d === 1 && first && !started)) out.push(zhUnit(d, false));
      out.push('num_10');
    } else if (i === 3) out.push(zhUnit(d, false) === 'num_1' ? 'num_1' : `digit_${d}`);
    else {
      out.push(zhUnit(d, i === 0));
      out.push(units[i]);
    }
    started = true;
  }
  return out;
}

function zhNumber(n: number): string[] {
  if (n === 0) return ['digit_0'];
  const high = Math.floor(n / 10000);
  const low = n % 10000;
  const out: string[] = [];
  if (high) {
    // 两万, not 二万: a lone 2 before a unit reads 两 (as before 千).
    out.push(...(high === 2 ? ['num_2_liang'] : zhSection(high, true)), 'num_10k');
    if (low && low < 1000) out.push('digit_0');
  }
  if (low) out.push(...zhSection(low, !high));
  return out;
}

function enBelow100(n: number): string[] {
  if (n < 10) return [`digit_${n}`];
  if (n < 20) return [`num_${n}`];
  const t = Math.floor(n / 10) * 10;
  return n % 10 ? [`num_${t}`, `digit_${n % 10}`] : [`num_${t}`];
}

function enBelow1000(n: number): string[] {
  const h = Math.floor(n / 100);
  const r = n % 100;
  const out: string[] = h ? [`digit_${h}`, 'num_hundred'] : [];
  if (r) out.push(...enBelow100(r));
  return out;
}

function enNumber(n: number): string[] {
  if (n === 0) return ['digit_0'];
  const out: string[] = [];
  const m = Math.floor(n / 1_000_000);
  const k = Math.floor(n / 1000) % 1000;
  const r = n % 1000;
  if (m) out.push(...enBelow1000(m), 'num_million');
  if (k) out.push(...enBelow1000(k), 'num_thousand');
  if (r) out.push(...enBelow1000(r));
  return out;
}

export function sayNumber(lang: string, value: string | number): string[] {
  const n = typeof value === 'number' ? value : Number(String(value).trim());
  if (!Number.isInteger(n) || n < 0 || n >= 100_000_000) return sayDigits(String(value));
  return lang === 'zh' ? zhNumber(n) : enNumber(n);
}

function enOrdinal(d: number): string[] {
  if (d < 20) return [`ord_${d}`];
  if (d === 20 || d === 30) return [`ord_${d}`];
  return [`num_${Math.floor(d / 10) * 10}`, `ord_${d % 10}`];
}

interface Parts {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
}

/** Calendar fields of an epoch-ms value in a time zone, or of 'YYYY-MM-DD' / 'HH:MM' text. */
export function fields(value: string | number, timeZone = 'Asia/Shanghai'): Parts | null {
  const s = String(value).trim();
  let m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?$/.exec(s);
  if (m) return { y: +m[1], mo: +m[2], d: +m[3], h: +(m[4] ?? 0), mi: +(m[5] ?? 0) };
  m = /^(\d{1,2}):(\d{2})$/.exec(s);
  if (m) return { y: 0, mo: 0, d: 0, h: +m[1], mi: +m[2] };
  const ms = Number(s);
  if (!Number.isFinite(ms) || s === '') return null;
  const f = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return { y: +p.year, mo: +p.month, d: +p.day, h: +p.hour, mi: +p.minute };
}

export function sayDate(lang: string, value: string | number, timeZone?: string): string[] {
  const f = fields(value, timeZone);
  if (!f || !f.y) return [];
  if (lang === 'zh') {
    // 二〇二六年三月十五日: the year digit by digit (一 not 幺).
    const year = String(f.y).split('').map((c) => (c === '1' ? 'num_1' : `digit_${c}`));
    return [...year, 'date_year', `month_${f.mo}`, ...zhNumber(f.d), 'date_day'];
  }
  return [`month_${f.mo}`, ...enOrdinal(f.d), ...enNumber(f.y)];
}

export function sayTime(lang: string, value: string | number, timeZone?: string): string[] {
  const f = fields(value, timeZone);
  if (!f) return [];
  const pm = f.h >= 12;
  const h12 = f.h % 12 === 0 ? 12 : f.h % 12;
  if (lang === 'zh') {
    const out = [pm ? 'time_pm' : 'time_am', ...zhNumber(h12 === 2 ? 2 : h12).map((x) => (x === 'digit_2' && h12 === 2 ? 'num_2_liang' : x)), 'time_hour'];
    if (f.mi) out.push(...zhNumber(f.mi), 'time_minute');
    return out;
  }
  const out = enNumber(h12);
  if (f.mi === 0) out.push('time_hour');
  else if (f.mi < 10) out.push('time_oh', `digit_${f.mi}`);
  else out.push(...enBelow100(f.mi));
  out.push(pm ? 'time_pm' : 'time_am');
  return out;
}

export function sayStatus(status: string, has: (id: string) => boolean): string[] {
  const id = `status_${status}`;
  return [has(id) ? id : 'status_unknown'];
}

export function sayResult(result: string, has: (id: string) => boolean): string[] {
  const id = `result_${result}`;
  return [has(id) ? id : 'result_other'];
}

export function say(lang: string, kind: SayKind, value: string, has: (id: string) => boolean, timeZone?: string): string[] {
  switch (kind) {
    case 'digits':
      return sayDigits(value);
    case 'number':
      return sayNumber(lang, value);
    case 'date':
      return sayDate(lang, value, timeZone);
    case 'time':
      return sayTime(lang, value, timeZone);
    case 'status':
      return sayStatus(value, has);
    case 'result':
      return sayResult(value, has);
  }
}
