// `make demo-2026` stays runnable: examples/demo-2026.mjs starts the 2026-07-28 example server
// (on a free port), drives countdown, confirm, flaky and a cancel through the official
// ext-tasks client, and exits 0 only if every outcome was the expected one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

test('demo-2026: exits 0 with a transcript of completed, input answered, failed, cancelled and inline calls', () => {
  const demo = fileURLToPath(new URL('../../examples/demo-2026.mjs', import.meta.url));
  const run = spawnSync(process.execPath, [demo, '--port', '0'], { encoding: 'utf8', timeout: 90_000 });
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  for (const line of [
    'outcome     : completed, "liftoff after 3 steps"',
    'client asked: "Ship the release?"',
    'outcome     : completed, "confirmed: yes"',
    'outcome     : failed, JSON-RPC error -32603',
    'outcome     : cancelled',
    '"liftoff after 2 steps" (no task)',
    'demo-2026: done',
  ]) assert.ok(run.stdout.includes(line), `missing ${JSON.stringify(line)} in:\n${run.stdout}`);
});
