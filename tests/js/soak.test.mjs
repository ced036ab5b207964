// The soak in short mode (`make soak` runs 1,000,000 tasks): 100,000 tasks created, completed
// and expired in waves through one store with the real timer. The process must end by itself
// with every check passed: flat heap, at most one pending timer, no result lost before its
// deadline. At this size Node 20 used to abort in V8 (see index.cjs) before the workaround.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const SOAK = fileURLToPath(new URL('../../bench/soak.mjs', import.meta.url));

test('soak (short): 100,000 tasks in waves; flat memory, one timer, results kept to their deadline, exits by itself', { timeout: 120_000 }, async () => {
  const { code, signal, stdout, stderr } = await new Promise((resolve) => {
    execFile(process.execPath, ['--expose-gc', SOAK, '--tasks', '100000', '--wave', '20000', '--quiet'], { timeout: 90_000 }, (err, out, errOut) =>
      resolve({ code: err ? err.code : 0, signal: err?.signal, stdout: out, stderr: errOut }));
  });
  assert.equal(signal ?? null, null, `killed by ${signal}: ${stderr.slice(-2000)}`);
  assert.equal(code, 0, `${stdout}\n${stderr.slice(-2000)}`);
  assert.match(stdout, /^soak: 100000 tasks in 5 waves/m);
});
