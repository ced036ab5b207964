// Two MCP server processes (Streamable HTTP on loopback), A with node-redis and B with
// ioredis, each with `taskStore: new RedisTaskStore({ client, keyPrefix })` and
// `taskMessageQueue: taskStore.messageQueue()`, sharing one redis-server and key prefix, as
// behind a load balancer: a client's session continues on the other process
// (tests/js/fixtures/redis-mcp-server.mjs takes over a session id it has not seen).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { startRedis } from './fixtures/redis-server.mjs';
import { createTaskCall, createTaskClient, rejection, until } from './e2e-shared.mjs';

const SERVER = fileURLToPath(new URL('./fixtures/redis-mcp-server.mjs', import.meta.url));

/** A server process: its MCP url and `ask(op, fields)` over IPC. */
async function serverProcess(redisUrl, keyPrefix, kind, name) {
  const child = fork(SERVER, [redisUrl, keyPrefix, kind, name], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const replies = new Map();
  let next = 0;
  child.on('message', (m) => {
    if (m.reply !== undefined) {
      replies.get(m.reply)?.(m);
      replies.delete(m.reply);
    }
  });
  const [{ url }] = await once(child, 'message');
  return {
    url: new URL(url),
    child,
    ask(op, fields = {}) {
      const reply = (next += 1);
      return new Promise((resolve) => {
        replies.set(reply, resolve);
        child.send({ op, reply, ...fields });
      });
    },
  };
}

/**
 * An SDK client connected to `url`; with `sessionId`, it continues that session there (its
 * initialize request carries the session id, as a balancer's sticky-session-less client would;
 * the SDK's own `sessionId` option would skip initialize, which a process that has not seen
 * the session refuses).
 */
async function client(url, sessionId, name = 'client') {
  const c = createTaskClient({ name });
  const transport = new StreamableHTTPClientTransport(url, sessionId ? { requestInit: { headers: { 'mcp-session-id': sessionId } } } : undefined);
  await c.connect(transport);
  c.sessionId = transport.sessionId;
  clients.push(c);
  return c;
}

let redis;
let A;
let B;
const clients = [];

before(async () => {
  redis = await startRedis();
  const keyPrefix = `mp:${randomUUID()}:`;
  [A, B] = await Promise.all([
    serverProcess(redis.url, keyPrefix, 'node-redis', 'A'),
    serverProcess(redis.url, keyPrefix, 'ioredis', 'B'),
  ]);
});

after(async () => {
  for (const c of clients) await c.close().catch(() => {});
  for (const p of [A, B]) {
    if (!p) continue;
    const exited = once(p.child, 'exit');
    const stopped = await Promise.race([p.ask('stop'), new Promise((r) => setTimeout(() => r('timeout'), 5000))]);
    if (stopped === 'timeout') p.child.kill();
    const [code] = await exited;
    assert.equal(code, 0, 'a server process did not exit by itself after close()');
  }
  await redis?.stop();
});

test('a task created on A: tasks/get, tasks/list and tasks/result through B', async () => {
  const onA = await client(A.url);
  const onB = await client(B.url, onA.sessionId);
  assert.equal(onB.sessionId, onA.sessionId);
  const task = await createTaskCall(onA, 'echo', { text: 'hello' });
  assert.equal(task.status, 'working');
  const seen = await until(async () => {
    const t = await onB.experimental.tasks.getTask(task.taskId);
    return t.status === 'completed' && t;
  }, 5000, 'the task to complete, seen through B');
  assert.equal(seen.taskId, task.taskId);
  assert.equal(seen.createdAt, task.createdAt);
  const listed = await onB.experimental.tasks.listTasks();
  assert.ok(listed.tasks.some((t) => t.taskId === task.taskId), 'tasks/list on B lacks the task made on A');
  const result = await onB.experimental.tasks.getTaskResult(task.taskId, CallToolResultSchema);
  assert.equal(result.content[0].text, 'hello (from A)');
  // And the other way round.
  const back = await createTaskCall(onB, 'echo', { text: 'hi' });
  const fromA = await onA.experimental.tasks.getTaskResult(back.taskId, CallToolResultSchema);
  assert.equal(fromA.content[0].text, 'hi (from B)');
});

test('tasks/cancel through B of a task working on A: cancelled everywhere, A can no longer complete it', async () => {
  const onA = await client(A.url);
  const onB = await client(B.url, onA.sessionId);
  const task = await createTaskCall(onA, 'hold', {});
  const cancelled = await onB.experimental.tasks.cancelTask(task.taskId);
  assert.equal(cancelled.status, 'cancelled');
  assert.equal((await onA.experimental.tasks.getTask(task.taskId)).status, 'cancelled');
  const late = await A.ask('complete', { taskId: task.taskId, text: 'too late' });
  assert.equal(late.error?.code, -32602, `A completed a cancelled task: ${JSON.stringify(late)}`);
  assert.match(late.error.message, /terminal status 'cancelled'/);
  await rejection(onA.experimental.tasks.cancelTask(task.taskId), 'cancelling twice');
  assert.equal((await onB.experimental.tasks.getTask(task.taskId)).status, 'cancelled');
});

test('a waitForTerminal on B is woken by a completion on A', async () => {
  const onA = await client(A.url);
  const task = await createTaskCall(onA, 'hold', {});
  const waiting = B.ask('waitForTerminal', { taskId: task.taskId, sessionId: onA.sessionId });
  await new Promise((resolve) => setTimeout(resolve, 100));
  const t0 = performance.now();
  const done = await A.ask('complete', { taskId: task.taskId, text: 'done on A', sessionId: onA.sessionId });
  assert.equal(done.error, undefined, JSON.stringify(done.error));
  const woke = await waiting;
  assert.equal(woke.error, undefined, `B's wait failed: ${JSON.stringify(woke.error)}`);
  assert.equal(woke.task.status, 'completed');
  assert.equal(woke.task.taskId, task.taskId);
  const ms = performance.now() - t0;
  assert.ok(ms < 2000, `B woke ${ms} ms after A's completion`);
});

test('sessions stay apart across processes: a session on B neither sees nor touches a task of a session on A', async () => {
  const owner = await client(A.url);
  const stranger = await client(B.url);
  assert.notEqual(stranger.sessionId, owner.sessionId);
  const task = await createTaskCall(owner, 'hold', {});
  await rejection(stranger.experimental.tasks.getTask(task.taskId), 'tasks/get of another session');
  await rejection(stranger.experimental.tasks.cancelTask(task.taskId), 'tasks/cancel of another session');
  await rejection(stranger.experimental.tasks.getTaskResult(task.taskId, CallToolResultSchema), 'tasks/result of another session');
  const listed = await stranger.experimental.tasks.listTasks();
  assert.ok(!listed.tasks.some((t) => t.taskId === task.taskId), 'tasks/list on B shows another session\'s task');
  assert.equal((await owner.experimental.tasks.getTask(task.taskId)).status, 'working', 'the stranger changed the task');
  await owner.experimental.tasks.cancelTask(task.taskId);
});

test('an elicitation queued on A is delivered through B\'s tasks/result stream', async () => {
  const onA = await client(A.url, undefined, 'asker');
  const task = await createTaskCall(onA, 'confirm', { question: 'Ship it?' });
  await until(async () => (await onA.experimental.tasks.getTask(task.taskId)).status === 'input_required', 5000, 'input_required');
  await until(async () => (await A.ask('elicitations')).elicitations.includes(task.taskId), 5000, 'the elicitation queued on A');
  const onB = await client(B.url, onA.sessionId, 'answerer');
  const streamed = onB.experimental.tasks.getTaskResult(task.taskId, CallToolResultSchema).then(
    (r) => ({ r }),
    (e) => ({ e }),
  );
  await until(() => onB.elicitations.length > 0, 5000, 'the elicitation on B\'s tasks/result stream');
  assert.equal(onB.elicitations[0].params.message, 'Ship it?');
  assert.equal(onA.elicitations.length, 0);
  // The client's answer goes to B, but the SDK (1.32) routes answers to side-channelled
  // requests in the process that sent them (A's pending elicitInput): B cannot hand it over.
  // The task is ended here instead.
  await onB.experimental.tasks.cancelTask(task.taskId);
  const end = await streamed;
  assert.ok(end.e || end.r, 'tasks/result on B never ended');
  assert.equal((await onA.experimental.tasks.getTask(task.taskId)).status, 'cancelled');
});
