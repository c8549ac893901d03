// Terms for the inverted index over the facts. Chinese is written without
// spaces, so runs of Han (and kana/hangul) characters are cut into
// overlapping character bigrams ("牛奶过期" → 牛奶, 奶过, 过期); a lone character
// between non-Han text is kept as a unigram. Latin letters and digits form
// words, lower-cased. Text is NFKC-normalised first so full-width letters and
// digits (ＡＢＣ１２３, common in Chinese input) match their ASCII forms.

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const WORD = /[\p{L}\p{N}]/u;

/** 1 = CJK, 2 = letter or digit, 0 = separator. Common ranges by code point, the rest by Unicode property. */
function classifyCode(c: number, ch: string | null): number {
  if (c < 0x80) return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) ? 2 : 0;
  if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf)) return 1;
  if ((c >= 0x3000 && c <= 0x303f) || (c >= 0xff00 && c <= 0xff0f)) return 0; // CJK and full-width punctuation
  const t = ch ?? String.fromCharCode(c);
  if (CJK.test(t)) return 1;
  return WORD.test(t) ? 2 : 0;
}

function classify(ch: string): number {
  return classifyCode(ch.codePointAt(0)!, ch);
}

const SURROGATE = /[\uD800-\uDFFF]/;

export function terms(text: string): string[] {
  const s = text.normalize('NFKC').toLowerCase();
  if (!SURROGATE.test(s)) return termsBmp(s);
  return termsSlow(s);
}

/**
 * The same cut by char codes for text without surrogate pairs (nearly all
 * Chinese text): bigrams are sliced straight from the string, no run buffers.
 */
function termsBmp(s: string): string[] {
  // Plain loops, no inner closures: this runs once per created case, and the
  // TypeScript loader names every closure it creates (keepNames), which cost
  // more than the cut itself.
  const out = new Set<string>();
  let runStart = -1; // start of the current CJK run
  let wordStart = -1;
  const n = s.length;
  for (let i = 0; i <= n; i++) {
    const k = i < n ? classifyCode(s.charCodeAt(i), null) : 0;
    if (k !== 2 && wordStart >= 0) {
      out.add(i - wordStart > 32 ? s.slice(wordStart, wordStart + 32) : s.slice(wordStart, i));
      wordStart = -1;
    }
    if (k === 1) {
      if (runStart < 0) runStart = i;
      else out.add(s.slice(i - 1, i + 1));
    } else {
      if (runStart >= 0 && i - runStart === 1) out.add(s[runStart]);
      runStart = -1;
      if (k === 2 && wordStart < 0) wordStart = i;
    }
  }
  return [...out];
}

export function termsSlow(s: string): string[] {
  const out = new Set<string>();
  let run = '';
  let word = '';
  const flushRun = (): void => {
    const chars = Array.from(run); // code points: a pair of surrogates is one character
    if (chars.length === 1) out.add(chars[0]);
    else for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i] + chars[i + 1]);
    run = '';
  };
  const flushWord = (): void => {
    if (word.length > 0) out.add(word.length > 32 ? word.slice(0, 32) : word);
    word = '';
  };
  for (const ch of s) {
    const k = classify(ch);
    if (k === 1) {
      flushWord();
      run += ch;
    } else if (k === 2) {
      flushRun();
      word += ch;
    } else {
      flushRun();
      flushWord();
    }
  }
  flushRun();
  flushWord();
  return [...out];
}

/** True when every query term's text occurs in the facts (filters bigram false positives). */
export function containsAll(facts: string, query: string): boolean {
  const f = facts.normalize('NFKC').toLowerCase();
  const parts = query.normalize('NFKC').toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  return parts.every((p) => f.includes(p));
}
