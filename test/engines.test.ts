// package.json's `engines` is true: every installed package (package-lock)
// supports every Node.js version our range admits, so `npm install` on any of
// them prints no EBADENGINE warning (cookie@2 under fastify's light-my-request
// wanted Node >= 22 while we said >= 20).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';

const root = join(import.meta.dirname, '..');

function engineConflicts(pkg: { engines: { node: string } }, lock: { packages: Record<string, { engines?: { node?: string } | string[] }> }): string[] {
  const ours = pkg.engines.node;
  const out: string[] = [];
  for (const [path, p] of Object.entries(lock.packages)) {
    const theirs = !path || Array.isArray(p.engines) ? undefined : p.engines?.node;
    if (theirs && !semver.subset(ours, theirs)) out.push(`${path.replace(/^node_modules\//, '')} needs node ${theirs}`);
  }
  return out;
}

test('every package supports every Node.js version package.json admits', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  assert.equal(engineConflicts(pkg, lock), [], `engines.node is '${pkg.engines.node}'`);
  assert.ok(semver.satisfies(process.version, pkg.engines.node), `this Node.js ${process.version} is outside '${pkg.engines.node}'`);
});

test.run();
