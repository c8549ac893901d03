// The IVR layer's error catalog. Codes are stable: never reuse one for a new meaning.
import { defineErrors, HotlineError } from '../errors.ts';

export const IVR_CATALOG = defineErrors('ivr', {
  IVR_FLOW_UNREADABLE: 'the flow file cannot be read or parsed as JSON/YAML; check the path and the syntax at the line named',
  IVR_FLOW_INVALID: 'the flow breaks the flow schema or names a node/prompt that does not exist; fix each problem listed',
  IVR_FLOW_UNREACHABLE: 'a flow node cannot be reached from the start node (a warning: the flow still loads); link it or delete it',
  IVR_PROMPT_MISSING: 'a prompt named by a flow or a manifest has no file; record it or run `hotline prompts build`',
  IVR_PROMPT_OUTSIDE: 'a prompt path leads outside the prompts folder; name a file under prompts/ (e.g. zh/welcome.wav)',
  IVR_PROMPT_BAD_WAV: 'a prompt file is not an 8 kHz mono A-law/µ-law/PCM16 WAV; convert it (e.g. sox IN -r 8000 -c 1 -e a-law OUT.wav)',
  IVR_PROMPT_MANIFEST: 'prompts/manifest.json is missing or malformed; run `hotline prompts build`',
  IVR_PROMPT_TEXTS: 'prompts/texts.yaml (the source texts of the prompts) is missing or malformed; fix the entry named',
  IVR_EMAIL_FAILED: 'the SMTP server refused or did not answer; check --smtp, the network and the server log',
});

/** code → sentence. */
export const IVR_ERRORS = IVR_CATALOG.sentences;

export type IvrErrorCode = keyof typeof IVR_ERRORS;

export class IvrError extends HotlineError {
  constructor(code: IvrErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
    this.name = 'IvrError';
  }
}
