// redis-server stopped and started again mid-run, with each client library set up to fail
// fast (tests/js/fixtures/redis-clients.mjs): while it is down every call rejects at once with
// an Error of code -32603 whose message names the operation; once it is back (same port; the
// client reconnects by itself) the store works again, events and waits included. This server
// keeps an append-only file (appendfsync always) so that what was accepted before the outage
// is still there after it, unchanged: Redis's own durability, which the store relies on
// (with no persistence, a restarted Redis is empty and so is the store). Last, a process that
// close()s its store and client exits by itself (nothing left holding the event loop).
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { RedisTaskStore } from 'mcp-task-store-wasm/redis';
import { startRedis } from './fixtures/redis-server.mjs';
import { CLIENT_KINDS, connect, close } from './fixtures/redis-clients.mjs';
import { REQ, checkError, waitFor } from './fixtures/util.mjs';

const MESSAGE = { type: 'notification', message: { jsonrpc: '2.0', method: 'notifications/progress', params: { progress: 1 } }, timestamp: 1 };
const RESULT = { content: [{ type: 'text', text: 'kept' }] };

/** Registers clean-up steps that run when the test ends, last registered first. */
function deferrer(t) {
  const steps = [];
  t.after(async () => {
    for (const step of steps.reverse()) await step();
  });
  return (step) => steps.push(step);
}

/** Every operation of the store and its queue, on the tasks of `ids`. */
function operations(store, ids) {
  const queue = store.messageQueue();
  return {
    createTask: () => store.createTask({}, 9, REQ),
    getTask: () => store.getTask(ids.working),
    updateTaskStatus: () => store.updateTaskStatus(ids.working, 'input_required', 'during the outage'),
    storeTaskResult: () => store.storeTaskResult(ids.working, 'completed', { content: [] }),
    getTaskResult: () => store.getTaskResult(ids.done),
    listTasks: () => store.listTasks(),
    cancelTask: () => store.cancelTask(ids.working),
    deleteTask: () => store.deleteTask(ids.done),
    getAllTasks: () => store.getAllTasks(),
    cleanup: () => store.cleanup(),
    waitForUpdate: () => store.waitForUpdate(ids.working, { timeout: 5000 }),
    waitForTerminal: () => store.waitForTerminal(ids.working, { timeout: 5000 }),
    enqueue: () => queue.enqueue(ids.queued, MESSAGE),
    dequeue: () => queue.dequeue(ids.queued),
    dequeueAll: () => queue.dequeueAll(ids.queued),
  };
}

// The subscriber connection for events: made by the store with client.duplicate() (the
// default), or a second client passed in as `subscriber`.
for (const [kind, subscriberMade] of CLIENT_KINDS.flatMap((k) => [[k, 'by the store'], [k, 'passed in']])) {
  test(`${kind}, subscriber ${subscriberMade}: calls during an outage reject at once (-32603, the operation named); afterwards nothing is lost or changed and the store works again`, { timeout: 120_000 }, async (t) => {
    const defer = deferrer(t);
    const dir = await mkdtemp(join(tmpdir(), 'redis-restart-'));
    defer(() => rm(dir, { recursive: true, force: true }));
    const server = await startRedis({ extraArgs: ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir] });
    defer(() => server.stop());
    const client = await connect(kind, server.url);
    defer(() => close(client));
    let subscriber;
    if (subscriberMade === 'passed in') {
      subscriber = await connect(kind, server.url);
      defer(() => close(subscriber));
    }
    const store = new RedisTaskStore({ client, subscriber, keyPrefix: `restart:${randomUUID()}:` });
    defer(() => store.close());

    // Accepted before the outage: a working task, a completed one with its result, a queued message.
    const working = await store.createTask({ ttl: 600_000 }, 1, REQ, 'S');
    const done = await store.createTask({ ttl: 600_000 }, 2, REQ);
    await store.storeTaskResult(done.taskId, 'completed', RESULT);
    const queued = await store.createTask({}, 3, REQ);
    await store.messageQueue().enqueue(queued.taskId, MESSAGE);
    const events = [];
    store.onStatusChange((e) => events.push(e));
    const before = { all: await store.getAllTasks(), list: await store.listTasks() };
    const ids = { working: working.taskId, done: done.taskId, queued: queued.taskId };

    await server.stop();
    const outage = [];
    let slowest = 0;
    const calls = Object.entries(operations(store, ids));
    for (const [op, call] of calls) {
      const t0 = performance.now();
      const outcome = await call().then((value) => ({ value }), (error) => ({ error }));
      const ms = performance.now() - t0;
      slowest = Math.max(slowest, ms);
      if (!outcome.error) {
        outage.push(`${op}: resolved ${JSON.stringify(outcome.value)?.slice(0, 80)} while Redis was down`);
        continue;
      }
      try {
        checkError(outcome.error, { cls: Error, code: -32603, includes: op });
      } catch (e) {
        outage.push(`${op}: ${e.message}`);
      }
      if (ms > 2000) outage.push(`${op}: took ${Math.round(ms)} ms to fail (not fast)`);
    }
    t.diagnostic(`${calls.length} operations during the outage: the slowest rejected after ${slowest.toFixed(1)} ms`);
    assert.deepEqual(outage, [], 'calls during the outage');

    await server.restart();
    // The client reconnects by itself (its reconnect strategy); the store needs nothing.
    await waitFor(() => (kind === 'ioredis' ? client.status === 'ready' : client.isReady), 10_000, 'the client to reconnect');
    const again = { all: await store.getAllTasks(), list: await store.listTasks() };
    assert.deepEqual(again, before, 'what was accepted before the outage changed');
    assert.deepEqual(await store.getTaskResult(done.taskId), RESULT);
    assert.deepEqual(await store.messageQueue().dequeueAll(queued.taskId), [MESSAGE]);
    assert.equal((await store.getTask(working.taskId, 'S')).status, 'working', 'a call rejected during the outage changed the task');

    // Working again: writes, listing, and events and waits (the subscriber connection is back too).
    const w = store.waitForTerminal(working.taskId, { timeout: 10_000 });
    await store.updateTaskStatus(working.taskId, 'input_required', 'after the outage');
    await store.storeTaskResult(working.taskId, 'completed', RESULT);
    assert.equal((await w).status, 'completed', 'a wait made after the restart was not woken');
    await waitFor(() => events.some((e) => e.task.statusMessage === 'after the outage'), 10_000, 'an event after the restart');
    const fresh = await store.createTask({}, 4, REQ);
    assert.equal((await store.listTasks()).tasks.at(-1).taskId, fresh.taskId);
  });
}

test('after close() of the store and its client, the process exits by itself; close() ended its waits and watch (both client libraries)', { timeout: 60_000 }, async (t) => {
  const server = await startRedis();
  t.after(() => server.stop());
  const child = fileURLToPath(new URL('./fixtures/redis-exit-child.mjs', import.meta.url));
  for (const kind of CLIENT_KINDS) {
    const { code, stdout, stderr, killed } = await new Promise((resolve) => {
      execFile(process.execPath, [child, server.url, kind], { timeout: 10_000 }, (err, out, errOut) =>
        resolve({ code: err ? (err.code ?? 1) : 0, killed: err?.killed ?? false, stdout: out, stderr: errOut }),
      );
    });
    await t.test(`${kind}: the process exits by itself`, () => {
      assert.equal(killed, false, `the process did not exit within 10 s after close()\n${stdout}${stderr}`);
      assert.equal(code, 0, `${stdout}${stderr}`);
    });
    await t.test(`${kind}: close() rejected the pending waits (-32603) and ended the open watch`, () => {
      const outcome = JSON.parse(stdout.trim().split('\n').at(-1));
      assert.deepEqual(outcome.waits, ['rejected -32603', 'rejected -32603'], 'the pending waits');
      assert.equal(outcome.watch, 'done', 'a pending next() of the open watch');
      assert.deepEqual([outcome.stats.waiters, outcome.stats.listeners], [0, 0], 'stats() after close()');
    });
  }
});
