// End to end: examples/run-task-server.mjs (a real McpServer on Streamable HTTP, loopback, free
// port) runs its task tools with runTask and sends notifications/tasks/status from
// store.onStatusChange to the session that owns the task; real SDK clients receive them.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema, CreateTaskResultSchema, TaskStatusNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { startServer } from '../../examples/run-task-server.mjs';

const EXAMPLE = fileURLToPath(new URL('../../examples/run-task-server.mjs', import.meta.url));
const TASK_KEYS = ['createdAt', 'lastUpdatedAt', 'pollInterval', 'status', 'statusMessage', 'taskId', 'ttl'];

/** Polls `check` every 10 ms until it returns truthy, or fails after `ms`. */
async function until(check, ms, what) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) assert.fail(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(10);
  }
}

/**
 * A real SDK Client over Streamable HTTP that records every notifications/tasks/status it gets.
 * Resolves once the client's standalone SSE stream (GET) is open: server-initiated notifications
 * travel on it, and the server drops those sent before it exists.
 */
async function connect(url, name) {
  let opened;
  const sseOpen = new Promise((resolve) => (opened = resolve));
  const transport = new StreamableHTTPClientTransport(url, {
    fetch: async (input, init) => {
      const res = await fetch(input, init);
      if ((init?.method ?? 'GET') === 'GET' && res.ok) opened();
      return res;
    },
  });
  const client = new Client({ name, version: '1.0.0' });
  const notes = [];
  client.setNotificationHandler(TaskStatusNotificationSchema, (notification) => {
    notes.push(notification.params);
  });
  await client.connect(transport);
  let timer;
  const late = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${name}: the SSE stream did not open`)), 5000)));
  await Promise.race([sseOpen, late]).finally(() => clearTimeout(timer));
  const of = (taskId) => notes.filter((n) => n.taskId === taskId);
  return {
    client,
    transport,
    sessionId: transport.sessionId,
    notes,
    of,
    /** Waits for a notification of `taskId` with `status`; returns it. */
    statusOf: (taskId, status, ms = 5000) =>
      until(() => of(taskId).find((n) => n.status === status), ms, `notifications/tasks/status ${status} of ${taskId}`),
  };
}

/** tools/call as a task: the CreateTaskResult's task, without polling. */
async function callAsTask(client, name, args, ttl = 60_000) {
  const { task } = await client.request({ method: 'tools/call', params: { name, arguments: args, task: { ttl } } }, CreateTaskResultSchema);
  return task;
}

/** A Task as the spec has it (the notification's params may carry `_meta`). */
function taskOf(params) {
  const { _meta, ...task } = params;
  for (const key of Object.keys(task)) assert.ok(TASK_KEYS.includes(key), `unexpected Task field ${key}`);
  assert.match(task.taskId, /^[0-9a-f-]{36}$/);
  assert.equal(typeof task.createdAt, 'string');
  assert.equal(typeof task.lastUpdatedAt, 'string');
  return task;
}

async function setup(t, clients = 1) {
  const server = await startServer({ port: 0 });
  const connected = [];
  for (let i = 0; i < clients; i++) connected.push(await connect(server.url, `client-${i + 1}`));
  t.after(async () => {
    for (const c of connected) await c.client.close().catch(() => {});
    await server.close();
  });
  return { server, store: server.store, clients: connected };
}

test('the owning client gets notifications/tasks/status (the full Task) for each step and the completion of a runTask tool', async (t) => {
  const { store, clients: [a] } = await setup(t);
  const messages = [];
  for await (const m of a.client.experimental.tasks.callToolStream({ name: 'countdown', arguments: { from: 3, stepMs: 40 } }, CallToolResultSchema, { task: { ttl: 60_000 } })) {
    messages.push(m);
  }
  assert.equal(messages[0].type, 'taskCreated');
  assert.equal(messages.at(-1).type, 'result');
  assert.equal(messages.at(-1).result.content[0].text, 'liftoff after 3 steps');
  const { taskId } = messages[0].task;

  const completed = taskOf(await a.statusOf(taskId, 'completed'));
  const notes = a.of(taskId).map(taskOf);
  assert.deepEqual(notes.map((n) => `${n.status}:${n.statusMessage}`), ['working:T-3', 'working:T-2', 'working:T-1', 'completed:T-1']);
  assert.deepEqual(completed, await store.getTask(taskId, a.sessionId), 'the last notification is the stored task');
  for (let i = 1; i < notes.length; i++) assert.ok(notes[i].lastUpdatedAt >= notes[i - 1].lastUpdatedAt, 'notifications out of order');
  assert.ok(notes.every((n) => n.createdAt === messages[0].task.createdAt && n.ttl === 60_000));
  // tasks/result gives the result runTask stored from the work's return value.
  const result = await a.client.experimental.tasks.getTaskResult(taskId, CallToolResultSchema);
  assert.equal(result.content[0].text, 'liftoff after 3 steps');
  assert.equal(result.isError, undefined);
});

test('notifications go only to the session that owns the task', async (t) => {
  const { store, clients: [a, b] } = await setup(t, 2);
  assert.notEqual(a.sessionId, b.sessionId);
  const ofA = await callAsTask(a.client, 'countdown', { from: 2, stepMs: 20 });
  const ofB = await callAsTask(b.client, 'explode', { message: 'B only' });
  await a.statusOf(ofA.taskId, 'completed');
  await b.statusOf(ofB.taskId, 'failed');
  await sleep(100); // anything misdirected would have arrived by now
  assert.ok(a.notes.length >= 3);
  assert.ok(a.notes.every((n) => n.taskId === ofA.taskId), 'A was told about a task of B');
  assert.ok(b.notes.every((n) => n.taskId === ofB.taskId), 'B was told about a task of A');
  assert.equal(await store.getTask(ofA.taskId, b.sessionId), null);
});

test('tasks/cancel: ctx.signal stops the work, the task stays cancelled, and the owner is notified "cancelled"', async (t) => {
  const { store, clients: [a] } = await setup(t);
  const task = await callAsTask(a.client, 'countdown', { from: 50, stepMs: 60 });
  await a.statusOf(task.taskId, 'working');
  const { _meta, ...cancelled } = await a.client.experimental.tasks.cancelTask(task.taskId);
  assert.equal(cancelled.status, 'cancelled');
  const note = taskOf(await a.statusOf(task.taskId, 'cancelled'));
  assert.deepEqual(note, cancelled);
  // The work stopped at once: no more steps, no notification after the cancellation.
  const count = a.of(task.taskId).length;
  await sleep(300);
  assert.equal(a.of(task.taskId).length, count, 'notifications kept coming after tasks/cancel');
  assert.equal(a.of(task.taskId).at(-1).status, 'cancelled');
  const stored = await store.getTask(task.taskId, a.sessionId);
  assert.equal(stored.status, 'cancelled');
  assert.deepEqual(stored, note, 'the work changed the task after it was cancelled');
  const again = await a.client.experimental.tasks.cancelTask(task.taskId).then(() => null, (e) => e);
  assert.equal(again?.code, -32602);
});

test('a tool whose work throws ends failed: the owner is notified "failed" and tasks/result returns the message', async (t) => {
  const { clients: [a] } = await setup(t);
  const task = await callAsTask(a.client, 'explode', { message: 'kaboom' });
  const failed = taskOf(await a.statusOf(task.taskId, 'failed'));
  assert.equal(failed.taskId, task.taskId);
  const result = await a.client.experimental.tasks.getTaskResult(task.taskId, CallToolResultSchema);
  assert.equal(result.isError, true);
  assert.deepEqual(result.content, [{ type: 'text', text: 'kaboom' }]);
});

test('a session that ends is unsubscribed: its listener is gone, the other session still gets notifications', async (t) => {
  const { store, clients: [a, b] } = await setup(t, 2);
  assert.equal(store.stats().listeners, 2);
  await b.transport.terminateSession();
  await until(() => store.stats().listeners === 1, 2000, 'the ended session to be unsubscribed');
  const task = await callAsTask(a.client, 'countdown', { from: 1, stepMs: 0 });
  await a.statusOf(task.taskId, 'completed');
});

test('the example runs as a program: prints its URL, serves a client, stops on SIGTERM', async (t) => {
  const child = spawn(process.execPath, [EXAMPLE, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => child.exitCode === null && child.kill('SIGKILL'));
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const line = await until(() => /^MCP server listening on (http:\/\/127\.0\.0\.1:\d+\/mcp)$/m.exec(stdout), 10_000, `the URL line (stderr: ${stderr})`);
  const c = await connect(new URL(line[1]), 'program-client');
  const task = await callAsTask(c.client, 'countdown', { from: 2, stepMs: 10 });
  await c.statusOf(task.taskId, 'completed');
  assert.deepEqual(c.of(task.taskId).map((n) => n.status), ['working', 'working', 'completed']);
  await c.client.close();
  child.kill('SIGTERM');
  const { code, signal } = await exited;
  assert.equal(signal, null, stderr);
  assert.equal(code, 0, stderr);
});
