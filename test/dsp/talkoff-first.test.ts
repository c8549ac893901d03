// Talk-off on the project's first corpus (talkoff-first.ts: Debian
// espeak-ng speech, 61 min in 40 voices, and fluidsynth music, 30 min): the
// corpus issue 15 names, on which the DTMF receiver gave 0 false digits
// before the work and must give 0 after it. The npm corpus
// (talkoff.test.ts) is the one every machine can build; this one is a
// second set of voices and a second synthesiser, so a change tuned on one
// corpus cannot drift on the other unseen.
//
//   node test/run.mjs talkoff-first        HL_TALKOFF_VERBOSE=1: every event
// Needs espeak-ng, sox, fluidsynth and timgm6mb-soundfont (Debian; .ci/run
// installs them); without them the test is skipped, saying what to install.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { testUnless } from '../skip.ts';
import { count, perHour } from './talkoff-count.ts';
import { firstCorpus, missingTools } from './talkoff-first.ts';

// False DTMF digits allowed (issue 15: 0, as before its work).
const MAX_DTMF_SPEECH = 0;
const MAX_DTMF_MUSIC = 0;

const verbose = process.env.HL_TALKOFF_VERBOSE === '1';
const missing = missingTools();

testUnless(missing.length ? `needs ${missing.join(', ')} (Debian: apt-get install espeak-ng sox fluidsynth timgm6mb-soundfont)` : null,
  'the first talk-off corpus (issue 15): no false DTMF digit in speech or music', async () => {
    const files = await firstCorpus((s) => process.stdout.write(`${s}\n`));
    const t = count(files);
    assert.is(files.length, 70, 'the corpus has 58 speech and 12 music files');
    assert.ok(t.speech.seconds > 60 * 60, `only ${(t.speech.seconds / 60).toFixed(1)} min of speech`);
    assert.ok(t.music.seconds > 29 * 60, `only ${(t.music.seconds / 60).toFixed(1)} min of music`);
    const dtmf = (k: typeof t.speech): string[] => k.hits.filter((h) => h.startsWith('dtmf'));
    process.stdout.write(`first talk-off corpus: DTMF ${t.speech.dtmf} in ${(t.speech.seconds / 60).toFixed(1)} min of speech, ` +
      `${t.music.dtmf} in ${(t.music.seconds / 60).toFixed(1)} min of music; MF R2 ${perHour(t.speech.mf, t.speech.seconds).toFixed(1)}/h in speech, ` +
      `call progress ${t.speech.cp + t.music.cp}\n`);
    for (const h of verbose ? [...t.speech.hits, ...t.music.hits] : [...dtmf(t.speech), ...dtmf(t.music)]) process.stdout.write(`    ${h}\n`);
    assert.ok(t.speech.dtmf <= MAX_DTMF_SPEECH, `${t.speech.dtmf} false DTMF digits in speech, bound ${MAX_DTMF_SPEECH}: ${dtmf(t.speech).join('; ')}`);
    assert.ok(t.music.dtmf <= MAX_DTMF_MUSIC, `${t.music.dtmf} false DTMF digits in music, bound ${MAX_DTMF_MUSIC}: ${dtmf(t.music).join('; ')}`);
  });

test.run();
