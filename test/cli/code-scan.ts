// Finds the error codes a TypeScript source uses: string literals that are a
// code ('BOARD_ARG'), a code printed inside a message (`… CLI_BAD_VALUE: …`),
// and a catalog constant (`CaseErrors.CASE_NOT_FOUND`). Comments do not count,
// and neither do the rows of a defineErrors({...}) table (the definitions).
// A small lexer rather than regular expressions over the text, so that a
// quote inside a comment or a regex literal cannot shift what is a string.

export const CODE = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/;
const PRINTED = /(?:^|[^A-Za-z0-9_])([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+): /g;
const CONSTANT = /\b(?:CaseErrors|[A-Z][A-Z0-9_]*_(?:CATALOG|ERRORS)(?:\.codes)?)\.([A-Z][A-Z0-9_]+)\b/g;

interface Lexed {
  /** The code with comments removed and every literal replaced by "". */
  code: string;
  /** Each string literal's text, and each template literal's text pieces. */
  strings: string[];
}

export function lex(src: string): Lexed {
  let code = '';
  const strings: string[] = [];
  // Template literals nest through ${…}: the stack holds the brace depth at
  // which each open template resumes.
  const templates: number[] = [];
  let depth = 0;
  let i = 0;
  const n = src.length;
  const lastSignificant = () => {
    const t = code.trimEnd();
    return t[t.length - 1] ?? '';
  };
  const readTemplate = () => {
    let s = '';
    while (i < n) {
      const c = src[i];
      if (c === '\\') {
        s += src.slice(i, i + 2);
        i += 2;
      } else if (c === '`') {
        i++;
        strings.push(s);
        code += '""';
        return;
      } else if (c === '$' && src[i + 1] === '{') {
        i += 2;
        strings.push(s);
        code += '"" + (';
        templates.push(depth);
        depth++;
        return;
      } else {
        s += c;
        i++;
      }
    }
  };
  while (i < n) {
    const c = src[i];
    const d = src[i + 1];
    if (c === '/' && d === '/') {
      while (i < n && src[i] !== '\n') i++;
    } else if (c === '/' && d === '*') {
      const end = src.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === "'" || c === '"') {
      let s = '';
      i++;
      while (i < n && src[i] !== c && src[i] !== '\n') {
        if (src[i] === '\\') {
          s += src[i + 1];
          i += 2;
        } else s += src[i++];
      }
      i++;
      strings.push(s);
      code += '""';
    } else if (c === '`') {
      i++;
      readTemplate();
    } else if (c === '/' && (/[(,=:[!&|?{};+\-*%<>~^]/.test(lastSignificant()) || /\breturn$/.test(code.trimEnd()) || code.trim() === '')) {
      // A regex literal: skip it (a class may hold a '/').
      i++;
      let inClass = false;
      while (i < n && src[i] !== '\n') {
        if (src[i] === '\\') i += 2;
        else if (src[i] === '[') (inClass = true), i++;
        else if (src[i] === ']') (inClass = false), i++;
        else if (src[i] === '/' && !inClass) break;
        else i++;
      }
      i++;
      while (i < n && /[a-z]/.test(src[i])) i++;
      code += '/re/';
    } else if (c === '{') {
      depth++;
      code += c;
      i++;
    } else if (c === '}') {
      depth--;
      if (templates.length && templates[templates.length - 1] === depth) {
        templates.pop();
        code += ') + ';
        i++;
        readTemplate();
      } else {
        code += c;
        i++;
      }
    } else {
      code += c;
      i++;
    }
  }
  return { code, strings };
}

/** The source without the object literals passed to defineErrors(layer, {…}). */
export function withoutDefinitions(src: string): string {
  let out = src;
  for (;;) {
    const at = out.search(/defineErrors\(\s*'[a-z]+'\s*,\s*\{/);
    if (at < 0) return out;
    let i = out.indexOf('{', at);
    let depth = 0;
    for (; i < out.length; i++) {
      if (out[i] === '{') depth++;
      else if (out[i] === '}' && --depth === 0) break;
    }
    out = out.slice(0, at) + out.slice(i + 1);
  }
}

/** Every code the source uses, each with how it appeared. */
export function codesUsed(src: string): Map<string, string> {
  const { code, strings } = lex(withoutDefinitions(src));
  const found = new Map<string, string>();
  for (const s of strings) {
    if (CODE.test(s)) found.set(s, `'${s}'`);
    for (const m of s.matchAll(PRINTED)) found.set(m[1], `"${m[1]}: …"`);
  }
  for (const m of code.matchAll(CONSTANT)) found.set(m[1], m[0]);
  return found;
}
