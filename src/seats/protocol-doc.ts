// docs/seat-protocol.md, generated from the TypeBox schemas in protocol.ts
// (`hotline seat --protocol > docs/seat-protocol.md`); test/seats/doc.test.ts
// fails when the page is not what the schemas say.
import { SEAT_CATALOG } from './errors.ts';
import { CLIENT_MESSAGES, ReplyError, ReplyOk, SERVER_EVENTS } from './protocol.ts';

type Json = Record<string, any>;

/** One schema as a short phrase: `string (1–64 chars)`, `"a" \| "b"`, `integer ≥ 0`. */
function phrase(s: Json): string {
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.anyOf) return (s.anyOf as Json[]).map(phrase).join(' or ');
  const limits: string[] = [];
  if (s.minLength !== undefined || s.maxLength !== undefined) limits.push(`${s.minLength ?? 0}–${s.maxLength ?? '∞'} chars`);
  if (s.pattern) limits.push(`matching \`${s.pattern}\``);
  if (s.minimum !== undefined) limits.push(`≥ ${s.minimum}`);
  if (s.maximum !== undefined) limits.push(`≤ ${s.maximum}`);
  let t = s.type ?? 'any JSON value';
  if (t === 'array') t = `array of ${phrase(s.items ?? {})}`;
  if (t === 'object' && s.properties) t = `object (${Object.keys(s.properties).join(', ')})`;
  return limits.length ? `${t} (${limits.join(', ')})` : t;
}

/** The object a field holds, directly, as array items or as one arm of a union (`X or null`). */
function inner(v: Json, path: string): { o: Json; path: string } | null {
  if (v.type === 'object' && v.properties) return { o: v, path: `${path}.` };
  if (v.type === 'array' && v.items) return inner(v.items, `${path}[]`);
  for (const arm of (v.anyOf ?? []) as Json[]) {
    const o = inner(arm, path);
    if (o) return o;
  }
  return null;
}

/** A table of an object's fields, then one table per field that holds an object (`path.field`). */
function fields(s: Json, skip: string[] = [], path = ''): string[] {
  const req = new Set<string>(s.required ?? []);
  const rows = Object.entries((s.properties ?? {}) as Record<string, Json>).filter(([k]) => !skip.includes(k));
  if (!rows.length) return ['No fields besides `id` and `type`.'];
  const out = ['| field | type | required | meaning |', '|---|---|---|---|'];
  for (const [k, v] of rows) out.push(`| \`${path}${k}\` | ${phrase(v).replace(/\|/g, '\\|')} | ${req.has(k) ? 'yes' : 'no'} | ${(v.description ?? '').replace(/\|/g, '\\|')} |`);
  for (const [k, v] of rows) {
    const sub = inner(v, `${path}${k}`);
    if (sub) out.push('', ...fields(sub.o, [], sub.path));
  }
  return out;
}

export function seatProtocolMarkdown(): string {
  const out = [
    '# Seat protocol',
    '',
    'Generated from the schemas in src/seats/protocol.ts by `hotline seat --protocol > docs/seat-protocol.md`;',
    'test/seats/doc.test.ts fails when this page is out of date.',
    '',
    'The seat server of `hotline start` listens on `127.0.0.1:8315` (`--listen HOST:PORT`; an address',
    'beyond loopback needs `--listen-public` or `--tls-cert FILE --tls-key FILE`). A seat opens a',
    'WebSocket to `/seat` and sends JSON text frames, one message each, at most 64 KiB.',
    '`POST /login` with `{ "agentId", "password" }` gives the same token as the `login` message (401, or',
    '429 with `retry-after` when rate-limited). `GET /health` (200 / 503) and `GET /metrics`',
    '(Prometheus text) are on the same port.',
    '',
    '- Every client message has `id` (the request id, echoed in the reply) and `type`; a field the schema',
    '  does not list is refused.',
    '- Every message gets exactly one reply: `{ "type": "reply", "id", "ok": true, "result" }` or',
    '  `{ "type": "reply", "id", "ok": false, "code", "message" }` with a code of docs/errors.md. A refused',
    '  message changes nothing.',
    '- Server events are `{ "type": "event", "seq", "event", "data" }`; `seq` counts 1, 2, 3 … on each',
    '  socket. A gap means events were missed: send `snapshot`.',
    '- A socket carries one session. A dropped socket leaves the agent\'s state (and pause reason) as it',
    '  is; `resume` with the token on a new socket carries on. An agent left **ready** with no seat for',
    '  30 s is set not ready (`disconnected`).',
    '- Roles (from the case store\'s agent record): `agent`, `supervisor`, `admin`. The ACD roster is every',
    '  agent and supervisor; an admin has no agent state.',
    '',
    '## Client messages',
  ];
  for (const [type, d] of Object.entries(CLIENT_MESSAGES)) {
    const roles = d.roles === 'anyone' ? 'anyone (no session needed)' : d.roles.join(', ');
    out.push('', `### \`${type}\``, '', d.summary, '', `Who: ${roles}. Result: ${d.result}.`, '', ...fields(d.schema as Json, ['id', 'type']));
  }
  out.push('', '## Replies', '', '### ok', '', ...fields(ReplyOk as Json), '', '### refused', '', ...fields(ReplyError as Json));
  out.push('', '## Server events');
  for (const [name, d] of Object.entries(SERVER_EVENTS)) {
    const data = (d.schema as Json).properties.data as Json;
    out.push('', `### \`${name}\``, '', d.summary, '', ...(data.properties ? fields(data) : [`\`data\`: ${phrase(data)}`]));
  }
  out.push(
    '',
    '## Browser phone',
    '',
    'After `voice-start` the socket also carries binary messages, both ways: 20 ms of audio at 8 kHz',
    '(160 samples) each, behind a 16-byte header (src/seats/voice-frame.ts):',
    '',
    '| bytes | field |',
    '|---|---|',
    '| 0 | version, 1 |',
    '| 1 | codec: 0 PCM16 little-endian (320 bytes follow), 1 A-law G.711 (160 bytes follow) |',
    '| 2–3 | 0 |',
    '| 4–7 | sequence number, uint32 little-endian, +1 per frame (a gap: frames lost; an old one is dropped as late) |',
    '| 8–15 | float64 little-endian, Unix ms: the page sends when the first sample was captured, the server when the board received it |',
    '',
    'A binary message on a socket without the phone is refused (`SEAT_BAD_MESSAGE`), as is a malformed',
    'frame (the first three of a phone session); the phone goes off with `voice-stop`, the socket\'s',
    'close, the session\'s end, or another socket of the agent taking it (`voice-ended`).',
  );
  out.push('', '## Codes of the seat server', '', '| code | meaning and what to do |', '|---|---|');
  for (const r of SEAT_CATALOG.rows) out.push(`| \`${r.code}\` | ${r.sentence.replace(/\|/g, '\\|')} |`);
  out.push('', 'The ACD\'s refusals (`ACD_STATE_REFUSED`, `ACD_UNKNOWN_AGENT` …) and the case store\'s (`CASE_INVALID`, `CASE_TRANSITION_ILLEGAL`, `CASE_NUMBER_CHECK` …) come through as they are, with their `details`; see docs/errors.md.');
  return `${out.join('\n')}\n`;
}
