// The store's timer never keeps a Node process alive (it is unref'd).
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const fixture = (name) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** Runs `node script`; resolves when it exits or after `limitMs` (then kills it). */
function run(script, limitMs) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

test('a process holding a task with a 1-hour ttl exits on its own, code 0, within 2 s', async () => {
  const { code, signal, stdout, stderr, ms } = await run(fixture('hold.mjs'), 5000);
  assert.equal(signal, null, `killed after ${ms} ms: it did not exit on its own. ${stderr}`);
  assert.equal(code, 0, stderr);
  assert.match(stdout, /^created [0-9a-f-]{36}; pending timer: true$/m);
  assert.ok(ms < 2000, `took ${ms} ms`);
});

test('contrast: the SDK\'s own store keeps the same process alive (it had to be killed)', async () => {
  const { code, signal, stdout, stderr } = await run(fixture('hold-sdk.mjs'), 1500);
  assert.match(stdout, /^created /m, stderr);
  assert.equal(signal, 'SIGKILL', `the SDK's store let the process exit (code ${code})`);
});
