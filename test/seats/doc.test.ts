// docs/seat-protocol.md is what the schemas say, and names every message type and event.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { seatProtocolMarkdown } from '../../src/seats/protocol-doc.ts';
import { CLIENT_MESSAGES, SERVER_EVENTS } from '../../src/seats/protocol.ts';

test('docs/seat-protocol.md is current', () => {
  const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'seat-protocol.md'), 'utf8');
  assert.ok(doc === seatProtocolMarkdown(), 'docs/seat-protocol.md is out of date: run `node src/cli/bin.js seat --protocol > docs/seat-protocol.md`');
});

test('the reference has a section per message type and event, with its fields', () => {
  const md = seatProtocolMarkdown();
  for (const t of [...Object.keys(CLIENT_MESSAGES), ...Object.keys(SERVER_EVENTS)]) assert.match(md, `### \`${t}\``);
  assert.match(md, /\| `reason` \| string \(1–64 chars\) \| yes \|/);
  assert.match(md, /Who: supervisor, admin\./);
});

test.run();
