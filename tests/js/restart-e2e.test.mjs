// Surviving a restart, end to end: examples/server.mjs with --state keeps its tasks in a file.
// A real SDK client creates tasks (one completed with a result, one still working, one with a
// short ttl), the server is stopped with SIGTERM and started again, and the same client session
// finds its tasks and the result; the short-ttl task is gone, and another session sees nothing.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SERVER = join(ROOT, 'examples', 'server.mjs');

/** Starts the example server on a free loopback port; resolves with its URL and process. */
function startServer(state) {
  const child = spawn(process.execPath, [SERVER, '--port', '0', '--quiet', '--state', state], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const url = new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(new URL(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${stderr}`)));
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, url, exited };
}

async function connect(url, sessionId) {
  const client = new Client({ name: 'restart-e2e', version: '1.0.0' }, { capabilities: { tasks: {} } });
  // Back after a restart: initialize again, naming the old session (the SDK client skips
  // initialize when given a sessionId, so the id goes in a header of its own requests).
  const transport = new StreamableHTTPClientTransport(url, sessionId ? { requestInit: { headers: { 'mcp-session-id': sessionId } } } : undefined);
  await client.connect(transport);
  return { client, transport };
}

/** Calls a task tool; with `untilResult`, follows the task to its result. Returns the task id. */
async function callTask(client, args, ttl, untilResult) {
  let taskId;
  for await (const m of client.experimental.tasks.callToolStream({ name: 'countdown', arguments: args }, CallToolResultSchema, { task: { ttl } })) {
    if (m.type === 'taskCreated') {
      taskId = m.task.taskId;
      if (!untilResult) break;
    }
    if (m.type === 'error') throw m.error;
    if (m.type === 'result') break;
  }
  return taskId;
}

test('restart: with --state, a session finds its tasks and results after SIGTERM and a new start; expired ones are gone', { timeout: 60_000 }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-restart-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const state = join(dir, 'tasks.json');

  const first = startServer(state);
  t.after(() => first.child.kill('SIGKILL'));
  const url1 = await first.url;
  const { client, transport } = await connect(url1);
  const sessionId = transport.sessionId;
  assert.ok(sessionId);
  const done = await callTask(client, { from: 1, stepMs: 0 }, 60_000, true);
  const working = await callTask(client, { from: 100, stepMs: 10_000 }, 60_000, false);
  const short = await callTask(client, { from: 1, stepMs: 0 }, 1_500, true);
  const shortGoneAt = Date.now() + 1_500;
  assert.equal((await client.experimental.tasks.getTask(working)).status, 'working');
  await client.close().catch(() => {});

  first.child.kill('SIGTERM');
  assert.deepEqual(await first.exited, { code: 0, signal: null }, 'the server ends cleanly on SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, shortGoneAt - Date.now() + 100)));

  const second = startServer(state);
  t.after(() => second.child.kill('SIGKILL'));
  const url2 = await second.url;
  const back = await connect(url2, sessionId);
  t.after(() => back.client.close().catch(() => {}));
  assert.equal(back.transport.sessionId, sessionId, 'the client is back in its session');
  const doneTask = await back.client.experimental.tasks.getTask(done);
  assert.equal(doneTask.status, 'completed');
  const result = await back.client.experimental.tasks.getTaskResult(done, CallToolResultSchema);
  assert.equal(result.content[0].text, 'liftoff after 1 step');
  assert.equal((await back.client.experimental.tasks.getTask(working)).status, 'working', 'a task in flight is still there (its work was not)');
  await assert.rejects(back.client.experimental.tasks.getTask(short), (e) => e.code === -32602, 'the short-ttl task expired while the server was down');

  const other = await connect(url2);
  t.after(() => other.client.close().catch(() => {}));
  await assert.rejects(other.client.experimental.tasks.getTask(done), (e) => e.code === -32602, 'another session sees nothing');

  second.child.kill('SIGTERM');
  assert.deepEqual(await second.exited, { code: 0, signal: null });
});
