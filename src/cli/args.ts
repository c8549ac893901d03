// The command line of every `hotline` command: node:util parseArgs in strict
// mode, typed value checks, and `--help` generated from the same table, so
// the help can never miss an option. A refusal is a HotlineError with a CLI_*
// code (src/cli/errors.ts); `runCommand` prints it as
// `hotline CMD: CODE: message` plus a pointer to `--help`, and exits 2.
import { statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isHotlineError } from '../errors.ts';
import { cliError } from './errors.ts';

/** Turns the raw text of an option into its value, or throws a CLI_BAD_VALUE
 * error; `label` is how the user wrote it (`--for`, `FILE`). */
export type Parser<T> = (raw: string, label: string) => T;

export interface OptionSpec<T = unknown> {
  kind: 'flag' | 'value';
  description: string;
  /** Name of the value in the help (`--for SECONDS`). */
  valueName?: string;
  short?: string;
  parse?: Parser<T>;
  default?: T;
  /** The default as the help shows it, when `default` is not set or reads badly. */
  defaultText?: string;
  /** The option may be repeated; the value is then an array. */
  multiple?: boolean;
}

export interface PositionalSpec {
  name: string;
  description: string;
  required?: boolean;
  /** Takes every remaining argument (last positional only). */
  variadic?: boolean;
}

export type Options = Record<string, OptionSpec<any>>;

type ValueOf<S> =
  S extends OptionSpec<infer T> ? (S extends { multiple: true } ? T[] : S extends { kind: 'flag' } ? boolean : S extends { default: unknown } ? T : T | undefined) : never;

export type Values<O extends Options> = { [K in keyof O]: ValueOf<O[K]> };

export interface Parsed<O extends Options> {
  values: Values<O>;
  positionals: string[];
}

export interface Command<O extends Options = Options> {
  /** The words that reach it: 'hotline detect', 'hotline cases create'. */
  name: string;
  summary: string;
  options: O;
  positionals?: PositionalSpec[];
  /** Paragraphs after the option list (examples, exit codes). */
  details?: string;
  run(args: Parsed<O>): Promise<number>;
}

export interface CommandGroup {
  name: string;
  summary: string;
  commands: Record<string, Command<any> | CommandGroup>;
  details?: string;
}

/** An on/off option. */
export function flag(description: string, extra: { short?: string } = {}): OptionSpec<boolean> & { kind: 'flag'; default: boolean } {
  return { kind: 'flag', description, default: false, ...extra };
}

/** An option with a value, checked by `parse`. */
export function option<T, const E extends Partial<OptionSpec<T>> = {}>(parse: Parser<T>, description: string, extra?: E & { default?: T }): OptionSpec<T> & { kind: 'value' } & E {
  return { kind: 'value', description, parse, ...(extra ?? ({} as E)) };
}

export function defineCommand<O extends Options>(c: Command<O>): Command<O> {
  return c;
}

const bad = (label: string, takes: string, raw: string) => cliError('CLI_BAD_VALUE', `${label} takes ${takes}, not '${raw}'`, { option: label, value: raw });

// ---- value parsers -------------------------------------------------------

/** Plain text; refuses the empty string unless allowed. */
export function text(opts: { empty?: boolean; maxLength?: number } = {}): Parser<string> {
  return (raw, label) => {
    if (!opts.empty && raw.trim() === '') throw bad(label, 'a non-empty value', raw);
    if (opts.maxLength !== undefined && raw.length > opts.maxLength) throw bad(label, `at most ${opts.maxLength} characters`, raw.slice(0, 40) + '…');
    return raw;
  };
}

/** A whole number written in decimal digits only: '0x2', '', '1e3', '2.0' and
 * '+2' are refused rather than read the way Number() would. */
export function int(opts: { min?: number; max?: number } = {}): Parser<number> {
  const min = opts.min ?? 0;
  const max = opts.max ?? Number.MAX_SAFE_INTEGER;
  const takes = `a whole number from ${min} to ${max}`;
  return (raw, label) => {
    if (!(min < 0 ? /^-?[0-9]{1,16}$/ : /^[0-9]{1,16}$/).test(raw)) throw bad(label, takes, raw);
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n < min || n > max) throw bad(label, takes, raw);
    return n;
  };
}

/** A decimal number (no exponent, no hex), inclusive range. */
export function decimal(opts: { min?: number; max?: number; unit?: string } = {}): Parser<number> {
  const min = opts.min ?? -Infinity;
  const max = opts.max ?? Infinity;
  const unit = opts.unit ? ` ${opts.unit}` : '';
  const range = Number.isFinite(min) && Number.isFinite(max) ? ` from ${min} to ${max}` : Number.isFinite(min) ? ` of at least ${min}` : Number.isFinite(max) ? ` of at most ${max}` : '';
  return (raw, label) => {
    if (!/^-?[0-9]{1,15}(\.[0-9]{1,9})?$/.test(raw)) throw bad(label, `a number${unit}${range}`, raw);
    const n = Number(raw);
    if (n < min || n > max) throw bad(label, `a number${unit}${range}`, raw);
    return n;
  };
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration: plain seconds ('90', '1.5') or with a unit ('500ms', '30s',
 * '5m', '2h', '7d'). Returns milliseconds; exponents ('1e-9') are refused and
 * the result must lie in [minMs, maxMs]. */
export function duration(opts: { minMs?: number; maxMs?: number } = {}): Parser<number> {
  const minMs = opts.minMs ?? 1;
  const maxMs = opts.maxMs ?? 366 * UNIT_MS.d;
  const takes = `a duration from ${fmtMs(minMs)} to ${fmtMs(maxMs)}: seconds ('90', '1.5') or a number with ms, s, m, h or d ('30s', '5m', '2h', '7d')`;
  return (raw, label) => {
    const m = /^([0-9]{1,12}(?:\.[0-9]{1,9})?)(ms|s|m|h|d)?$/.exec(raw);
    if (!m) throw bad(label, takes, raw);
    const ms = Number(m[1]) * UNIT_MS[m[2] ?? 's'];
    if (!(ms >= minMs && ms <= maxMs)) throw bad(label, takes, raw);
    return ms;
  };
}

function fmtMs(ms: number): string {
  for (const u of ['d', 'h', 'm', 's'] as const) if (ms >= UNIT_MS[u] && ms % UNIT_MS[u] === 0) return `${ms / UNIT_MS[u]}${u}`;
  return `${ms}ms`;
}

export interface HostPort {
  host: string;
  port: number;
}

/** HOST:PORT with a port from 1 to 65535; an IPv6 host goes in brackets ([::1]:25). */
export function hostPort(): Parser<HostPort> {
  const takes = 'HOST:PORT with a port from 1 to 65535 (e.g. smtp.example.cn:587 or [::1]:25)';
  return (raw, label) => {
    const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9._-]+)):([0-9]{1,5})$/.exec(raw);
    if (!m) throw bad(label, takes, raw);
    const port = Number(m[3]);
    if (port < 1 || port > 65535) throw bad(label, takes, raw);
    return { host: m[1] ?? m[2], port };
  };
}

/** One of a fixed list of words. */
export function choice<const W extends string>(words: readonly W[]): Parser<W> {
  return (raw, label) => {
    if (!(words as readonly string[]).includes(raw)) throw bad(label, `one of ${words.join(', ')}`, raw);
    return raw as W;
  };
}

function pathKind(raw: string, label: string, want: 'file' | 'dir'): string {
  if (raw === '') throw bad(label, want === 'file' ? 'the path of an existing file' : 'the path of an existing folder', raw);
  let st;
  try {
    st = statSync(raw);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'cannot be read (permission denied)' : `cannot be read (${code ?? (e as Error).message})`;
    throw cliError('CLI_BAD_VALUE', `${label} ${raw}: ${why}`, { option: label, value: raw });
  }
  if (want === 'file' && !st.isFile()) throw cliError('CLI_BAD_VALUE', `${label} ${raw} is ${st.isDirectory() ? 'a folder' : 'not a regular file'}; name a file`, { option: label, value: raw });
  if (want === 'dir' && !st.isDirectory()) throw cliError('CLI_BAD_VALUE', `${label} ${raw} is not a folder; name a folder`, { option: label, value: raw });
  return raw;
}

/** The path of a file that exists now. */
export function existingFile(): Parser<string> {
  return (raw, label) => pathKind(raw, label, 'file');
}

/** The path of a folder that exists now. */
export function existingDir(): Parser<string> {
  return (raw, label) => pathKind(raw, label, 'dir');
}

// ---- parsing -------------------------------------------------------------

const HELP = { kind: 'flag', description: 'print this help and exit', short: 'h' } as const;

function nearest(word: string, names: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const n of names) {
    const d = editDistance(word, n);
    if (d < bestD) [best, bestD] = [n, d];
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

/** True when the arguments ask for help (before any `--`). */
export function wantsHelp(argv: readonly string[]): boolean {
  for (const a of argv) {
    if (a === '--') return false;
    if (a === '--help' || a === '-h') return true;
  }
  return false;
}

function nodeOptions(options: Options) {
  const out: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [name, o] of Object.entries(options)) out[name] = { type: o.kind === 'flag' ? 'boolean' : 'string', ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) };
  return out;
}

// parseArgs names the failing option only inside its English message; the
// same arguments parsed leniently with tokens say exactly which one it was.
function diagnose(cmd: Command<any>, argv: string[], e: NodeJS.ErrnoException): Error {
  const { tokens } = parseArgs({ args: argv, options: nodeOptions(cmd.options), strict: false, allowPositionals: true, tokens: true });
  const names = Object.keys(cmd.options).map((n) => `--${n}`);
  for (const t of tokens ?? []) {
    if (t.kind !== 'option') continue;
    const spec = cmd.options[t.name] as OptionSpec | undefined;
    if (!spec) {
      const near = nearest(t.rawName, names);
      return cliError('CLI_UNKNOWN_OPTION', `${cmd.name} has no option '${t.rawName}'${near ? `; did you mean ${near}?` : ''} (run '${cmd.name} --help')`, { option: t.rawName });
    }
    if (spec.kind === 'value' && (t.value === undefined || (!t.inlineValue && t.value.startsWith('-')))) {
      const hint = t.value !== undefined ? `; to give a value starting with '-', write --${t.name}=${t.value}` : '';
      return cliError('CLI_MISSING_VALUE', `--${t.name} needs a value (${spec.valueName ?? 'VALUE'})${hint}`, { option: `--${t.name}` });
    }
    if (spec.kind === 'flag' && t.value !== undefined) return cliError('CLI_BAD_VALUE', `--${t.name} is an on/off switch and takes no value; write just --${t.name}`, { option: `--${t.name}` });
  }
  return cliError('CLI_BAD_VALUE', `${cmd.name}: ${e.message.split('\n')[0]}`);
}

/** Parses argv against the command's table; throws a CLI_* HotlineError. */
export function parseCommand<O extends Options>(cmd: Command<O>, argv: string[]): Parsed<O> {
  let raw: ReturnType<typeof parseArgs>;
  try {
    raw = parseArgs({ args: argv, options: nodeOptions(cmd.options), strict: true, allowPositionals: true });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (typeof err.code === 'string' && err.code.startsWith('ERR_PARSE_ARGS')) throw diagnose(cmd, argv, err);
    throw e;
  }
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(cmd.options)) {
    const v = (raw.values as Record<string, unknown>)[name];
    const label = `--${name}`;
    if (v === undefined) values[name] = spec.multiple ? [] : spec.default;
    else if (spec.kind === 'flag') values[name] = v;
    else if (spec.multiple) values[name] = (v as string[]).map((s) => (spec.parse ? spec.parse(s, label) : s));
    else values[name] = spec.parse ? spec.parse(v as string, label) : v;
  }
  const pos = cmd.positionals ?? [];
  const required = pos.filter((p) => p.required).length;
  const variadic = pos.some((p) => p.variadic);
  if (raw.positionals.length < required) {
    const missing = pos.filter((p) => p.required)[raw.positionals.length];
    throw cliError('CLI_MISSING_ARGUMENT', `${cmd.name} needs ${missing.name} (${missing.description}); run '${cmd.name} --help'`, { argument: missing.name });
  }
  if (!variadic && raw.positionals.length > pos.length) {
    const extra = raw.positionals[pos.length];
    const what = pos.length === 0 ? 'takes no arguments' : `takes at most ${pos.length} argument(s) (${pos.map((p) => p.name).join(' ')})`;
    throw cliError('CLI_EXTRA_ARGUMENT', `${cmd.name} ${what}; '${extra}' is one too many`, { argument: extra });
  }
  return { values: values as Values<O>, positionals: raw.positionals };
}

// ---- help ----------------------------------------------------------------

function usageLine(cmd: Command<any>): string {
  const pos = (cmd.positionals ?? []).map((p) => {
    const n = p.variadic ? `${p.name}…` : p.name;
    return p.required ? n : `[${n}]`;
  });
  return [`usage: ${cmd.name}`, Object.keys(cmd.options).length ? '[options]' : '', ...pos].filter(Boolean).join(' ');
}

function wrap(textIn: string, width: number, indent: number): string {
  const words = textIn.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && line.length + 1 + w.length > width) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines.join(`\n${' '.repeat(indent)}`);
}

function showDefault(o: OptionSpec): string {
  if (o.defaultText !== undefined) return ` (default: ${o.defaultText})`;
  if (o.kind === 'flag' || o.default === undefined) return '';
  return ` (default: ${typeof o.default === 'object' ? JSON.stringify(o.default) : String(o.default)})`;
}

/** The help text of a command: usage, summary, every option with its
 * description and default, every argument. */
export function helpText(cmd: Command<any>): string {
  const out = [usageLine(cmd), '', wrap(cmd.summary, 78, 0)];
  const pos = cmd.positionals ?? [];
  const rows: [string, string][] = [];
  for (const p of pos) rows.push([`  ${p.variadic ? `${p.name}…` : p.name}`, p.description]);
  if (rows.length) {
    out.push('', 'arguments:');
    for (const [l, d] of rows) out.push(`${l.padEnd(26)}${l.length >= 26 ? `\n${' '.repeat(26)}` : ''}${wrap(d, 52, 26)}`);
  }
  out.push('', 'options:');
  const all: [string, OptionSpec][] = [...Object.entries(cmd.options as Options), ['help', HELP as OptionSpec]];
  for (const [name, o] of all) {
    const left = `  ${o.short ? `-${o.short}, ` : ''}--${name}${o.kind === 'value' ? ` ${o.valueName ?? 'VALUE'}` : ''}${o.multiple ? ' (repeatable)' : ''}`;
    const desc = wrap(`${o.description}${showDefault(o)}`, 52, 26);
    out.push(left.length >= 26 ? `${left}\n${' '.repeat(26)}${desc}` : `${left.padEnd(26)}${desc}`);
  }
  if (cmd.details) out.push('', cmd.details.trim());
  return `${out.join('\n')}\n`;
}

/** The help text of a group: its subcommands with their summaries. */
export function groupHelpText(g: CommandGroup): string {
  const out = [`usage: ${g.name} <subcommand> [options]`, '', wrap(g.summary, 78, 0), '', 'subcommands:'];
  for (const [name, c] of Object.entries(g.commands)) out.push(`  ${name.padEnd(14)}${wrap(c.summary, 62, 16)}`);
  out.push('', `run '${g.name} <subcommand> --help' for the options of each`);
  if (g.details) out.push('', g.details.trim());
  return `${out.join('\n')}\n`;
}

/** Prints a refusal the way every command does; returns the exit status 2. */
export function refuse(who: string, e: unknown): number {
  if (isHotlineError(e)) {
    process.stderr.write(`${who}: ${e.code}: ${e.message}\n`);
    return 2;
  }
  // Not a refusal but a bug: one line, no stack (HOTLINE_DEBUG=1 shows it).
  const detail = process.env.HOTLINE_DEBUG ? ((e as Error)?.stack ?? String(e)) : String((e as Error)?.message ?? e);
  process.stderr.write(`${who}: CLI_INTERNAL: unexpected failure (a bug: please report it with the command line): ${detail}\n`);
  return 1;
}

/** Parses argv, prints help or a refusal, or runs the command. */
export async function runCommand<O extends Options>(cmd: Command<O>, argv: string[]): Promise<number> {
  if (wantsHelp(argv)) {
    process.stdout.write(helpText(cmd));
    return 0;
  }
  let parsed: Parsed<O>;
  try {
    parsed = parseCommand(cmd, argv);
  } catch (e) {
    return refuse(cmd.name, e);
  }
  // A HotlineError the command lets through is a refusal with its code (exit
  // 2); anything else is a bug, told in one line (exit 1), never a stack.
  try {
    return await cmd.run(parsed);
  } catch (e) {
    return refuse(cmd.name, e);
  }
}

/** Picks the subcommand named by argv[0] and runs it. */
export async function runGroup(g: CommandGroup, argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    if (sub === 'help' && rest[0] !== undefined && Object.hasOwn(g.commands, rest[0])) return runAny(g.commands[rest[0]], ['--help']);
    if (sub !== undefined) {
      process.stdout.write(groupHelpText(g));
      return 0;
    }
    const code = refuse(g.name, cliError('CLI_MISSING_ARGUMENT', `${g.name} needs a subcommand: ${Object.keys(g.commands).join(', ')}`));
    process.stderr.write(groupHelpText(g));
    return code;
  }
  if (!Object.hasOwn(g.commands, sub)) {
    const near = nearest(sub, Object.keys(g.commands));
    return refuse(g.name, cliError('CLI_UNKNOWN_SUBCOMMAND', `${g.name} has no subcommand '${sub}'${near ? `; did you mean '${near}'?` : ''}; the subcommands are ${Object.keys(g.commands).join(', ')}`, { subcommand: sub }));
  }
  return runAny(g.commands[sub], rest);
}

function runAny(c: Command<any> | CommandGroup, argv: string[]): Promise<number> {
  return 'commands' in c ? runGroup(c, argv) : runCommand(c, argv);
}
