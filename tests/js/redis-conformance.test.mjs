// RedisTaskStore against the rules every store shows (tests/js/conformance/*-rules.mjs, the
// same test bodies store.test.mjs, queue.test.mjs and events.test.mjs run against
// InMemoryTaskStore), with each client library it takes: node-redis v5 and ioredis v5. One
// redis-server (loopback, random port, no persistence) for the file; every test's store has
// a key prefix of its own and is closed when the test ends. Then what only RedisTaskStore has.
import test, { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import Redis from 'ioredis';
import { RedisTaskStore, RedisTaskMessageQueue } from 'mcp-task-store-wasm/redis';
import { startRedis } from './fixtures/redis-server.mjs';
import { CLIENT_KINDS, connect, close } from './fixtures/redis-clients.mjs';
import { REQ, checkError, rejectsWith, throwsWith, waitFor } from './fixtures/util.mjs';
import { storeRules } from './conformance/store-rules.mjs';
import { queueRules } from './conformance/queue-rules.mjs';
import { eventRules } from './conformance/event-rules.mjs';

const server = await startRedis();
after(async () => {
  await server.stop();
  // Every store and client is closed by now, so the process should exit by itself. If a
  // connection was left open anyway (a store bug: see the close() tests below), say so and
  // exit instead of holding `make test` forever.
  setTimeout(() => {
    console.error('redis-conformance: something still holds the process 5 s after the last test; exiting');
    process.exit(process.exitCode || 1);
  }, 5000).unref();
});

/**
 * Resolves once `store`'s listeners receive changes. RedisTaskStore subscribes to its channel
 * when the first listener, watch or wait appears, but onStatusChange() and watch() cannot be
 * awaited; a wait can, and it resolves (here: rejects, the task being unknown) only after the
 * subscription is in place. (See 'a listener added right before a change receives it'.)
 */
async function listening(store) {
  await store.waitForUpdate(randomUUID(), { timeout: 0 }).catch(() => {});
}

/** Time for an event that must not come to arrive anyway (a pub/sub round trip on loopback is well under this). */
const settle = () => sleep(100);

for (const kind of CLIENT_KINDS) {
  describe(`RedisTaskStore with ${kind}`, () => {
    let client;
    const stores = new Set();
    before(async () => {
      client = await connect(kind, server.url);
    });
    after(async () => {
      // Stores of a test that timed out were not closed by it (their waits still pending).
      for (const store of stores) await store.close();
      await close(client);
    });

    /** A store over a key prefix of its own, closed when the test ends. */
    function makeStore(t, options) {
      const store = new RedisTaskStore({ ...options, client, keyPrefix: `t:${randomUUID()}:` });
      stores.add(store);
      t.after(() => store.close());
      return store;
    }

    // A wait that never ends fails its test after 20 s instead of holding the run.
    const timed = (name, fn) => test(name, { timeout: 20_000 }, fn);
    storeRules(timed, { makeStore, inMemory: false });
    queueRules(timed, { makeStore, MessageQueue: RedisTaskMessageQueue, inMemory: false });
    eventRules(timed, { makeStore, inMemory: false, listening, settle });
  });
}

// ================================================================ RedisTaskStore only

describe('RedisTaskStore only', () => {
  let client;
  let raw; // commands of our own, to look at the keys
  const stores = new Set();
  before(async () => {
    client = await connect('node-redis', server.url);
    raw = await connect('ioredis', server.url);
  });
  after(async () => {
    for (const store of stores) await store.close();
    await close(client);
    await close(raw);
  });
  function makeStore(t, options) {
    const store = new RedisTaskStore({ client, keyPrefix: `only:${randomUUID()}:`, ...options });
    stores.add(store);
    t.after(() => store.close());
    return store;
  }
  const timed = (name, fn) => test(name, { timeout: 20_000 }, fn);

  timed('constructor: the options of InMemoryTaskStore are checked alike; client, subscriber and keyPrefix too (TypeError/RangeError, -32602, named)', () => {
    const T = TypeError;
    const R = RangeError;
    const rows = [
      ['options undefined', undefined, T, 'options'],
      ['options number', 5, T, 'options'],
      ['no client', {}, T, 'client'],
      ['client null', { client: null }, T, 'client'],
      ['client a plain object', { client: {} }, T, 'client'],
      ['subscriber not a client', { client, subscriber: { subscribe() {} } }, T, 'subscriber'],
      ['keyPrefix number', { client, keyPrefix: 5 }, T, 'keyPrefix'],
      ['keyPrefix with a hash tag', { client, keyPrefix: 'a{b}:' }, R, 'keyPrefix'],
      ['unknown option', { client, pagesize: 10 }, T, 'pagesize'],
      ['pageSize 0', { client, pageSize: 0 }, R, 'pageSize'],
      ['minTtl NaN', { client, minTtl: NaN }, R, 'minTtl'],
      ['maxTtl below minTtl', { client, minTtl: 5000, maxTtl: 4000 }, R, 'maxTtl'],
      ['onListenerError a string', { client, onListenerError: 'log' }, T, 'onListenerError'],
    ];
    for (const [name, options, cls, param] of rows) {
      const err = throwsWith(() => new RedisTaskStore(options), { cls, code: -32602, includes: param });
      assert.ok(err, name);
    }
  });

  timed('getAllTasks() and cleanup() return Promises; cleanup() removes this prefix\'s tasks only', async (t) => {
    const prefix = `only:${randomUUID()}:`;
    const mine = makeStore(t, { keyPrefix: prefix });
    const other = makeStore(t);
    const a = await mine.createTask({}, 1, REQ, 'S');
    await mine.messageQueue().enqueue(a.taskId, { type: 'notification', message: { jsonrpc: '2.0', method: 'm' }, timestamp: 1 }, 'S');
    const b = await other.createTask({}, 2, REQ);
    const all = mine.getAllTasks();
    assert.ok(all instanceof Promise);
    assert.deepEqual((await all).map((x) => x.taskId), [a.taskId]);
    const cleaned = mine.cleanup();
    assert.ok(cleaned instanceof Promise);
    assert.equal(await cleaned, undefined);
    assert.deepEqual(await mine.getAllTasks(), []);
    assert.equal(await mine.getTask(a.taskId), null);
    assert.equal((await other.getTask(b.taskId)).taskId, b.taskId, 'cleanup() of one prefix removed another prefix\'s task');
    const left = await raw.keys(`${prefix}*`);
    assert.ok(!left.some((k) => k.includes(a.taskId)), `keys of a cleaned-up task are left: ${left}`);
  });

  timed('two stores on one prefix (as two processes) share tasks, cursors, events and waits', async (t) => {
    const keyPrefix = `only:${randomUUID()}:`;
    const one = makeStore(t, { keyPrefix, pageSize: 2 });
    const twoClient = await connect('ioredis', server.url);
    const two = new RedisTaskStore({ client: twoClient, keyPrefix, pageSize: 2 });
    stores.add(two);
    t.after(async () => {
      await two.close();
      await close(twoClient);
    });
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await (i % 2 ? two : one).createTask({}, i, REQ, 'S')).taskId);
    const first = await one.listTasks(undefined, 'S');
    const second = await two.listTasks(first.nextCursor, 'S');
    const third = await one.listTasks(second.nextCursor, 'S');
    assert.deepEqual([...first.tasks, ...second.tasks, ...third.tasks].map((x) => x.taskId), ids, 'a cursor of one store is not valid on the other');
    const events = [];
    two.onStatusChange((e) => events.push(e));
    await listening(two);
    const waiting = two.waitForTerminal(ids[0], { sessionId: 'S' });
    await one.updateTaskStatus(ids[0], 'input_required', 'from one', 'S');
    await one.storeTaskResult(ids[0], 'completed', { ok: true }, 'S');
    assert.equal((await waiting).status, 'completed');
    await waitFor(() => events.length >= 2, 5000, 'the events of the other store');
    assert.deepEqual(events.map((e) => `${e.type}:${e.task.status}`), ['status:input_required', 'result:completed']);
    assert.equal(await one.deleteTask(ids[1], 'S'), true);
    assert.equal(await two.getTask(ids[1]), null);
  });

  timed('round trips: a read is 1, a write 2 (stats().roundTrips)', async (t) => {
    const store = makeStore(t);
    const { taskId } = await store.createTask({}, 0, REQ); // the first call also reads the shared cursor key
    const count = async (call) => {
      const before = store.stats().roundTrips;
      await call();
      return store.stats().roundTrips - before;
    };
    const trips = {
      createTask: await count(() => store.createTask({}, 1, REQ)),
      getTask: await count(() => store.getTask(taskId)),
      updateTaskStatus: await count(() => store.updateTaskStatus(taskId, 'input_required', 'q')),
      listTasks: await count(() => store.listTasks()),
      enqueue: await count(() => store.messageQueue().enqueue(taskId, { type: 'notification', message: { jsonrpc: '2.0', method: 'm' }, timestamp: 1 })),
      dequeue: await count(() => store.messageQueue().dequeue(taskId)),
      storeTaskResult: await count(() => store.storeTaskResult(taskId, 'completed', { ok: true })),
      getTaskResult: await count(() => store.getTaskResult(taskId)),
      cancelTask: await count(async () => store.cancelTask((await store.createTask({}, 2, REQ)).taskId)) - 2,
      deleteTask: await count(() => store.deleteTask(taskId)),
    };
    t.diagnostic(`round trips: ${JSON.stringify(trips)}`);
    for (const op of ['getTask', 'getTaskResult']) assert.equal(trips[op], 1, `${op}: ${trips[op]} round trips`);
    for (const op of ['createTask', 'updateTaskStatus', 'storeTaskResult', 'cancelTask', 'deleteTask']) assert.equal(trips[op], 2, `${op}: ${trips[op]} round trips`);
  });

  timed('Redis expires a task\'s keys: its deadline (plus a little) on record, result and queue, none for ttl null, restarted when it ends', async (t) => {
    const keyPrefix = `only:${randomUUID()}:`;
    const store = makeStore(t, { keyPrefix });
    const short = await store.createTask({ ttl: 60_000 }, 1, REQ);
    const forever = await store.createTask({ ttl: null }, 2, REQ);
    await store.messageQueue().enqueue(short.taskId, { type: 'notification', message: { jsonrpc: '2.0', method: 'm' }, timestamp: 1 });
    const keysOf = async (id) => (await raw.keys(`${keyPrefix}*`)).filter((k) => k.includes(id));
    const pttls = async (id) => Promise.all((await keysOf(id)).map((k) => raw.pttl(k)));
    for (const ms of await pttls(short.taskId)) assert.ok(ms > 55_000 && ms <= 62_000, `a key of a 60 s task expires in ${ms} ms`);
    for (const ms of await pttls(forever.taskId)) assert.equal(ms, -1, 'a key of a task with ttl null expires');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await store.storeTaskResult(short.taskId, 'completed', { ok: true });
    const keys = await keysOf(short.taskId);
    assert.ok(keys.length >= 3, `record, result and queue keys: ${keys}`);
    for (const ms of await pttls(short.taskId)) assert.ok(ms > 59_000, `the expiry did not restart at the terminal status: ${ms} ms left`);
  });

  timed('a wait ends at the task\'s deadline (rejects, reason expired) with keyspace notifications off', async (t) => {
    assert.deepEqual(await raw.config('GET', 'notify-keyspace-events'), ['notify-keyspace-events', '']);
    const store = makeStore(t, { minTtl: 0 });
    const { taskId } = await store.createTask({ ttl: 300 }, 1, REQ);
    const t0 = performance.now();
    const error = await store.waitForTerminal(taskId).then(() => null, (e) => e);
    assert.ok(error, 'the wait resolved');
    assert.equal(error.code, -32602, error.message);
    assert.equal(error.reason, 'expired', error.message);
    assert.ok(performance.now() - t0 < 3000, `it ended ${performance.now() - t0} ms later`);
    assert.equal(await store.getTask(taskId), null);
  });

  timed('scripts come back after SCRIPT FLUSH (NOSCRIPT: EVAL again)', async (t) => {
    const store = makeStore(t);
    const { taskId } = await store.createTask({}, 1, REQ);
    await raw.script('FLUSH');
    await store.updateTaskStatus(taskId, 'input_required', 'after the flush');
    await store.messageQueue().enqueue(taskId, { type: 'notification', message: { jsonrpc: '2.0', method: 'm' }, timestamp: 1 });
    assert.equal((await store.getTask(taskId)).statusMessage, 'after the flush');
    assert.equal((await store.messageQueue().dequeueAll(taskId)).length, 1);
  });

  timed('watch({ taskId }) of an unknown or invisible task ends at once (it cannot throw synchronously: the store must ask Redis)', async (t) => {
    const store = makeStore(t);
    const owned = await store.createTask({}, 1, REQ, 'A');
    for (const options of [{ taskId: randomUUID() }, { taskId: 'nope' }, { taskId: owned.taskId, sessionId: 'B' }]) {
      let it;
      try {
        it = store.watch(options);
      } catch (err) {
        checkError(err, { code: -32602, startsWith: `Task with ID ${options.taskId} not found` });
        continue;
      }
      assert.deepEqual(await it.next(), { value: undefined, done: true }, JSON.stringify(options));
    }
    await waitFor(() => store.stats().listeners === 0, 5000, 'no listener left');
  });

  timed('a listener added right before a change receives it (onStatusChange cannot be awaited)', async (t) => {
    for (let i = 0; i < 5; i++) {
      const store = makeStore(t);
      const { taskId } = await store.createTask({}, 1, REQ);
      const events = [];
      store.onStatusChange((e) => events.push(e));
      await store.updateTaskStatus(taskId, 'input_required', 'right after onStatusChange()');
      await waitFor(() => events.length === 1, 3000, `(store ${i + 1} of 5) the event of a change made after onStatusChange() returned`);
      assert.equal(events[0].task.statusMessage, 'right after onStatusChange()');
    }
  });

  timed('a watch({ taskId }) yields only changes made after it was created', async (t) => {
    const store = makeStore(t);
    const { taskId } = await store.createTask({}, 1, REQ);
    await listening(store);
    await store.updateTaskStatus(taskId, 'input_required', 'before the watch');
    const it = store.watch({ taskId });
    await store.updateTaskStatus(taskId, 'cancelled', 'after the watch');
    const got = [];
    for await (const e of it) got.push(e.task.statusMessage);
    assert.deepEqual(got, ['after the watch']);
  });

  for (const kind of CLIENT_KINDS) {
    timed(`${kind}: close() right after the first listener leaves no connection open (the subscriber being made is closed too)`, async (t) => {
      const own = await connect(kind, server.url);
      t.after(() => close(own));
      const connections = async () => (await raw.client('LIST')).trim().split('\n').length;
      const before = await connections();
      const store = new RedisTaskStore({ client: own, keyPrefix: `only:${randomUUID()}:` });
      store.onStatusChange(() => {});
      await store.close();
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(await connections(), before, 'a connection of the closed store is still open');
    });
  }

  timed('an ioredis client set up as the README shows (connecting at once, enableOfflineQueue: false): the first wait works, each event comes once', async (t) => {
    const own = new Redis(server.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    own.on('error', () => {});
    t.after(() => close(own));
    await once(own, 'ready');
    const store = makeStore(t, { client: own });
    const { taskId } = await store.createTask({}, 1, REQ);
    const waiting = store.waitForUpdate(taskId, { timeout: 5000 }).then((task) => task, (error) => error);
    await sleep(200);
    await store.updateTaskStatus(taskId, 'input_required', 'first');
    const woken = await waiting;
    const events = [];
    store.onStatusChange((e) => events.push(e.task.statusMessage));
    await listening(store);
    await store.updateTaskStatus(taskId, 'working', 'second');
    await waitFor(() => events.length >= 1, 5000, 'the event');
    await settle();
    const seen = { firstWait: woken instanceof Error ? `rejected: ${woken.message}` : woken.statusMessage, events };
    assert.deepEqual(seen, { firstWait: 'first', events: ['second'] }, 'the first wait failed, or an event came more than once');
  });

  timed('a throwing or rejecting listener: its error goes to onListenerError, the other listeners still get every event', async (t) => {
    const reported = [];
    const store = makeStore(t, { onListenerError: (error, event) => reported.push({ error, event }) });
    const boom = new Error('listener boom');
    store.onStatusChange(() => {
      throw boom;
    });
    store.onStatusChange(async () => {
      throw boom;
    });
    const events = [];
    store.onStatusChange((e) => events.push(e.type));
    await listening(store);
    const { taskId } = await store.createTask({}, 1, REQ);
    await store.updateTaskStatus(taskId, 'completed');
    await waitFor(() => events.length === 2 && reported.length === 4, 5000, 'the events and the reported errors');
    assert.deepEqual(events, ['created', 'status']);
    assert.ok(reported.every((r) => r.error === boom));
    assert.deepEqual(reported.map((r) => r.event.type).sort(), ['created', 'created', 'status', 'status']);
  });

  timed('errors of Redis are -32603 Errors naming the operation (a command Redis refuses)', async (t) => {
    const keyPrefix = `only:${randomUUID()}:`;
    const store = makeStore(t, { keyPrefix });
    const { taskId } = await store.createTask({}, 1, REQ);
    // Make the record key a string instead of a hash: HGET fails with WRONGTYPE.
    const recordKey = (await raw.keys(`${keyPrefix}*`)).find((k) => k.includes(taskId) && k.endsWith(':r'));
    assert.ok(recordKey, 'no record key');
    await raw.del(recordKey);
    await raw.set(recordKey, 'not a hash');
    await rejectsWith(() => store.getTask(taskId), { cls: Error, code: -32603, includes: ['getTask', 'WRONGTYPE'] });
    await rejectsWith(() => store.updateTaskStatus(taskId, 'working'), { cls: Error, code: -32603, includes: 'updateTaskStatus' });
  });
});
