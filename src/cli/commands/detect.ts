// `hotline detect FILE.wav…`: every DTMF digit, MF R2 code and call-progress
// / fax tone in 8 kHz recordings (A-law, mu-law or 16-bit PCM WAV), with
// times. `--json`: one object per file and line. A file that cannot be read
// or is not such a WAV gets one error line on stderr naming the file and the
// problem; the other files are still decoded and the exit status is 2.
import { readFileSync } from 'node:fs';
import { defineCommand, flag, runCommand } from '../args.ts';
import { isHotlineError } from '../../errors.ts';
import { detectTones, dspError, parseWav } from '../../dsp/index.ts';
import type { ToneEvent, Wav } from '../../dsp/index.ts';

export const summary = 'print the DTMF, MF R2 and call-progress tones in WAV recordings';


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
  if (bytes.length === 0) throw dspError('DSP_FILE_EMPTY');
  return parseWav(bytes);
}

const detect = defineCommand({
  name: 'hotline detect',
  summary: 'Print every DTMF digit, MF R2 code and call-progress or fax tone in 8 kHz WAV recordings (A-law, mu-law or 16-bit PCM), with times. A file that cannot be read is reported on stderr and the others are still decoded; the exit status is then 2.',
  options: {
    json: flag('print one JSON object per file and line: { file, events }'),
  },
  positionals: [{ name: 'FILE.wav', description: 'recordings to decode (one or more)', required: true, variadic: true }],
  run: async ({ values, positionals }) => detectFiles(positionals, values.json),
});

export const run = (args: string[]): Promise<number> => runCommand(detect, args);

async function detectFiles(files: string[], json: boolean): Promise<number> {
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
