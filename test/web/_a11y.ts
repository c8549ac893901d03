/// <reference lib="dom" />
// Accessibility checks the page tests share, run in the page: controls
// without an accessible name, and text below WCAG 2.1 AA contrast.
import type { Page } from 'playwright-core';

/** Controls without an accessible name (label, aria-label), and buttons without text. */
export function unlabelled(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLInputElement>('input:not([type=hidden]), select, textarea')) {
      if (el.hidden) continue;
      if ((el.labels?.length ?? 0) === 0 && !el.getAttribute('aria-label')) out.push(el.id || el.outerHTML.slice(0, 60));
    }
    for (const b of document.querySelectorAll('button')) if (!(b.textContent ?? '').trim() && !b.getAttribute('aria-label')) out.push(b.outerHTML.slice(0, 60));
    return out;
  });
}

/**
 * Text whose contrast with what is behind it is below WCAG 2.1 AA (4.5:1,
 * 3:1 for large text): each element with its own text, its colour against
 * the first opaque background up its ancestors (the page's own when none).
 */
export function lowContrast(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const rgba = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
    const lum = ([r, g, b]: number[]) => {
      const ch = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * ch(r) + 0.7152 * ch(g) + 0.0722 * ch(b);
    };
    const behind = (el: Element | null): number[] => {
      for (let e = el; e; e = e.parentElement) {
        const c = rgba(getComputedStyle(e).backgroundColor);
        if (c.length >= 3 && (c.length === 3 || c[3] > 0.99)) return c.slice(0, 3);
      }
      return [255, 255, 255];
    };
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('body *')) {
      const own = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim());
      if (!own || el.getClientRects().length === 0 || (el as HTMLButtonElement).disabled) continue;
      const st = getComputedStyle(el);
      if (st.visibility === 'hidden') continue;
      const fg = lum(rgba(st.color));
      const bg = lum(behind(el));
      const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
      const size = parseFloat(st.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(st.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) out.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} "${(el.textContent ?? '').trim().slice(0, 20)}" ${ratio.toFixed(2)}:1`);
    }
    return out;
  });
}
