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

test('every field of every message and event, nested ones too, has its row', () => {
  const md = seatProtocolMarkdown();
  type J = Record<string, any>;
  // An object's fields are `prefix + name`; a value holding objects goes on as `name.`, `name[].`.
  const value = (v: J, name: string): void => {
    if (v.type === 'array' && v.items) value(v.items, `${name}[]`);
    for (const arm of v.anyOf ?? []) value(arm, name);
    if (v.properties) walk(v, `${name}.`);
  };
  const walk = (s: J, prefix: string): void => {
    for (const [k, v] of Object.entries((s.properties ?? {}) as Record<string, J>)) {
      const name = `${prefix}${k}`;
      if (prefix !== '' || !['id', 'type'].includes(k)) assert.match(md, `| \`${name}\` |`, `${name} has no row`);
      value(v, name);
    }
  };
  for (const d of Object.values(CLIENT_MESSAGES)) walk(d.schema as J, '');
  for (const d of Object.values(SERVER_EVENTS)) walk((d.schema as J).properties.data, '');
  assert.match(md, '| `form.complainant.name` |');
  assert.match(md, '| `queues[].serviceLevelToday` |');
});

test.run();
