// The admin page's holiday calendar: a year as twelve months, each day as the
// server's calendar counts it (`admin-calendar`: working or off, and the
// configured holidays and make-up working days), and the form that makes a
// day a holiday, a make-up working day or an ordinary day again
// (`admin-calendar-day`, in force at once). A click on a day puts it in the form.
import { editForm } from './admin-form.ts';
import { byId, h } from './dom.ts';
import { onLang, t } from './i18n.ts';
import type { Shell } from './shell.ts';

interface CalendarView {
  year: number;
  holidays: string[];
  workingWeekends: string[];
  /** One character per day from 1 January: '1' working, '0' off. */
  working: string;
}

const iso = (y: number, m: number, d: number) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

export function openCalendar(s: Shell): { load(): Promise<void> } {
  const yearInput = byId<HTMLInputElement>('cal-year');
  yearInput.value = String(new Date(Date.now() + 8 * 3_600_000).getUTCFullYear());
  let view: CalendarView | null = null;
  const draw = () => {
    if (!view) return;
    const v = view;
    const hol = new Set(v.holidays);
    const makeup = new Set(v.workingWeekends);
    const picked = byId<HTMLInputElement>('cal-date').value;
    let dayOfYear = 0;
    byId('cal-grid').replaceChildren(
      ...Array.from({ length: 12 }, (_, mi) => {
        const days = new Date(Date.UTC(v.year, mi + 1, 0)).getUTCDate();
        const lead = (new Date(Date.UTC(v.year, mi, 1)).getUTCDay() + 6) % 7; // Monday first
        const cells: HTMLElement[] = [
          ...t('adm.weekdays').split(',').map((w) => h('span', { class: 'wd', attrs: { 'aria-hidden': 'true' } }, w)),
          ...Array.from({ length: lead }, () => h('span', { attrs: { 'aria-hidden': 'true' } })),
        ];
        for (let d = 1; d <= days; d++, dayOfYear++) {
          const date = iso(v.year, mi + 1, d);
          const off = v.working[dayOfYear] === '0';
          const kind = hol.has(date) ? 'holiday' : makeup.has(date) ? 'makeup' : off ? 'off' : 'work';
          const label = t('adm.dayLabel', { date, kind: t(kind === 'holiday' ? 'adm.dayHoliday' : kind === 'makeup' ? 'adm.dayMakeup' : kind === 'off' ? 'adm.dayOff' : 'adm.dayWork') });
          cells.push(
            h('button', { class: `day ${kind}`, attrs: { type: 'button', 'data-date': date, 'data-kind': kind, 'aria-label': label, 'aria-pressed': String(date === picked) }, on: { click: () => pick(date) } }, String(d)),
          );
        }
        return h('section', { class: 'cal-month' }, h('h3', {}, t('adm.month', { m: mi + 1 })), h('div', { class: 'days' }, ...cells));
      }),
    );
  };
  const pick = (date: string) => {
    form.fill({ date, day: byId<HTMLSelectElement>('cal-day').value });
    draw();
  };
  const form = editForm({
    form: byId<HTMLFormElement>('cal-form'),
    draftKey: `${s.session.agentId}.admin.calendar`,
    errors: byId('cal-errors'),
    controls: { date: 'cal-date', day: 'cal-day' },
    send: (f) => s.seat.request('admin-calendar-day', { date: f.date, day: f.day as 'holiday' | 'working' | 'normal' }),
    done: (r) => {
      view = r.result as CalendarView;
      yearInput.value = String(view.year);
      s.say(t('adm.saved', { what: byId<HTMLInputElement>('cal-date').value }));
      draw();
    },
    say: s.say,
  });
  const load = async () => {
    const year = Number(yearInput.value);
    const r = await s.seat.request('admin-calendar', { year });
    if (!r.ok) return s.report(r);
    view = r.result as CalendarView;
    draw();
  };
  const step = (n: number) => {
    yearInput.value = String(Number(yearInput.value) + n);
    void load();
  };
  byId('cal-prev').addEventListener('click', () => step(-1));
  byId('cal-next').addEventListener('click', () => step(1));
  yearInput.addEventListener('change', () => void load());
  onLang(draw);
  return { load };
}
