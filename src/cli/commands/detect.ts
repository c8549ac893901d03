// `hotline detect FILE.wav…`: every DTMF digit, MF R2 code and call-progress
// / fax tone in 8 kHz recordings (A-law, mu-law or 16-bit PCM WAV), with
// times. `--json`: one object per file and line. A file that cannot be read
// or is not such a WAV gets one error line on stderr naming the file and the
// problem; the other files are still decoded and the exit status is 2.
import { readFileSync } from 'node:fs';
import { isHotlineError } from '../../errors.ts';
import { detectTones, dspError, parseWav } from '../../dsp/index.ts';
import type { ToneEvent, Wav } from '../../dsp/index.ts';

export const summary = 'print the DTMF, MF R2 and call-progress tones in WAV recordings';

const USAGE = 'usage: hotline detect [--json] FILE.wav…';

const ENCODING_NAME = { alaw: 'A-law', ulaw: 'mu-law', pcm16: '16-bit PCM' } as const;

function describe(e: ToneEvent): string {
  switch (e.type) {
    case 'dtmf':
      return `dtmf ${e.digit}`;
    case 'mf_r2':
      return `mf_r2 ${e.direction} ${e.code}`;
    case 'call_progress':
      return `call_progress ${e.tone}`;
  }
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function load(file: string): Wav {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'it is a directory' : err.message;
    throw dspError('DSP_FILE_READ', why);
  }
  return parseWav(bytes);
}

export async function run(args: string[]): Promise<number> {
  let json = false;
  const files: string[] = [];
  let endOfFlags = false;
  for (const a of args) {
    if (!endOfFlags && a === '--') endOfFlags = true;
    else if (!endOfFlags && a === '--json') json = true;
    else if (!endOfFlags && (a === '--help' || a === '-h')) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    } else if (!endOfFlags && a.startsWith('-') && a !== '-') {
      process.stderr.write(`hotline detect: CLI_BAD_FLAG: unknown option '${a}'\n${USAGE}\n`);
      return 2;
    } else files.push(a);
  }
  if (files.length === 0) {
    process.stderr.write(`hotline detect: CLI_NO_FILES: name at least one WAV file\n${USAGE}\n`);
    return 2;
  }
  let status = 0;
  for (const file of files) {
    let wav: Wav;
    let events: ToneEvent[];
    try {
      wav = load(file);
      events = detectTones(wav);
    } catch (e) {
      const code = isHotlineError(e) ? e.code : 'DSP_INTERNAL';
      process.stderr.write(`hotline detect: ${file}: ${code}: ${(e as Error).message}\n`);
      status = 2;
      continue;
    }
    if (json) {
      process.stdout.write(`${JSON.stringify({ file, events })}\n`);
      continue;
    }
    const dur = (wav.frames / 8000).toFixed(2);
    const lines = [`${file}: 8000 Hz ${ENCODING_NAME[wav.encoding]} ${wav.channels === 2 ? 'stereo' : 'mono'}, ${dur} s, ${events.length} event(s)`];
    for (const e of events) {
      const ch = e.channel === undefined ? '' : ` [ch ${e.channel}]`;
      lines.push(`  ${seconds(e.start_ms).padStart(9)} - ${seconds(e.end_ms).padStart(9)} s  ${describe(e)}${ch}`);
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return status;
}
