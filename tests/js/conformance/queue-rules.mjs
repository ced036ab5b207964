// The rules of a store's linked message queue (`store.messageQueue()`) that every store
// shows: run by queue.test.mjs against InMemoryTaskStore and by redis-conformance.test.mjs
// against RedisTaskStore. `kit.MessageQueue` is the store's queue class; `queueCount` (the
// in-memory queue's own getter) is checked under `kit.inMemory`.
import assert from 'node:assert/strict';
import { REQ, fakeClock, rejectsWith } from '../fixtures/util.mjs';

let seq = 0;
/** A QueuedMessage as the SDK's Protocol layer enqueues it. */
export function msg(type = 'request', extra = {}) {
  seq += 1;
  const message =
    type === 'request'
      ? { jsonrpc: '2.0', id: seq, method: 'elicitation/create', params: { message: `q${seq}` } }
      : type === 'notification'
        ? { jsonrpc: '2.0', method: 'notifications/progress', params: { progress: seq } }
        : type === 'response'
          ? { jsonrpc: '2.0', id: seq, result: { ok: true } }
          : { jsonrpc: '2.0', id: seq, error: { code: -32600, message: 'bad' } };
  return { type, message: { ...message, ...extra }, timestamp: 1_700_000_000_000 + seq };
}

/**
 * Bad messages and bad arguments to `q`'s methods, on the task `id`: each must reject
 * (-32602, the parameter named) and enqueue nothing; `afterEach(name)` may check that.
 */
export async function badQueueCallsRejected(q, id, afterEach = () => {}) {
  const cyc = { jsonrpc: '2.0', method: 'x' };
  cyc.self = cyc;
  const T = TypeError;
  const R = RangeError;
  const good = { type: 'notification', message: { jsonrpc: '2.0', method: 'm' }, timestamp: 1 };
  const rows = [
    ['message undefined', undefined, T, 'message'],
    ['message null', null, T, 'message'],
    ['message string', 'hello', T, 'message'],
    ['message array', [good], T, 'message'],
    ['type missing', { message: good.message, timestamp: 1 }, [T, R], 'message.type'],
    ['type unknown', { ...good, type: 'event' }, R, 'message.type'],
    ['type wrong case', { ...good, type: 'Request' }, R, 'message.type'],
    ['type number', { ...good, type: 1 }, [T, R], 'message.type'],
    ['message.message missing', { type: 'request', timestamp: 1 }, T, 'message.message'],
    ['message.message string', { ...good, message: '{"jsonrpc":"2.0"}' }, T, 'message.message'],
    ['message.message null', { ...good, message: null }, T, 'message.message'],
    ['message.message array', { ...good, message: [] }, T, 'message.message'],
    ['timestamp missing', { type: 'request', message: good.message }, [T, R], 'message.timestamp'],
    ['timestamp NaN', { ...good, timestamp: NaN }, [T, R], 'message.timestamp'],
    ['timestamp Infinity', { ...good, timestamp: Infinity }, [T, R], 'message.timestamp'],
    ['timestamp string', { ...good, timestamp: '1700000000000' }, T, 'message.timestamp'],
    ['timestamp Date', { ...good, timestamp: new Date() }, T, 'message.timestamp'],
    ['payload bigint', { ...good, message: { ...good.message, id: 1n } }, T, 'message.message.id'],
    ['payload cycle', { ...good, message: cyc }, T, 'message.message.self'],
    ['payload getter throws', { ...good, message: { get jsonrpc() { throw new Error('boom'); } } }, T, 'message.message'],
  ];
  for (const [name, bad, cls, param] of rows) {
    await rejectsWith(() => q.enqueue(id, bad), { cls, code: -32602, startsWith: 'Invalid ', includes: param }).catch((e) => {
      e.message = `${name}: ${e.message}`;
      throw e;
    });
    afterEach(name);
  }
  const badArgs = [
    ['taskId number', () => q.enqueue(5, good), T, 'taskId'],
    ['taskId undefined', () => q.enqueue(undefined, good), T, 'taskId'],
    ['sessionId number', () => q.enqueue(id, good, 5), T, 'sessionId'],
    ['maxSize -1', () => q.enqueue(id, good, undefined, -1), R, 'maxSize'],
    ['maxSize 1.5', () => q.enqueue(id, good, undefined, 1.5), R, 'maxSize'],
    ['maxSize NaN', () => q.enqueue(id, good, undefined, NaN), R, 'maxSize'],
    ['maxSize string', () => q.enqueue(id, good, undefined, '10'), T, 'maxSize'],
    ['dequeue taskId number', () => q.dequeue(1), T, 'taskId'],
    ['dequeue sessionId object', () => q.dequeue(id, {}), T, 'sessionId'],
    ['dequeueAll taskId null', () => q.dequeueAll(null), T, 'taskId'],
    ['dequeueAll sessionId number', () => q.dequeueAll(id, 1), T, 'sessionId'],
  ];
  for (const [name, call, cls, param] of badArgs) {
    await rejectsWith(call, { cls, code: -32602, startsWith: 'Invalid ', includes: param }).catch((e) => {
      e.message = `${name}: ${e.message}`;
      throw e;
    });
    afterEach(name);
  }
}

/**
 * Defines the shared linked-queue tests with `test`.
 * @param {{ makeStore(t: object, options?: object): object, MessageQueue: Function, inMemory: boolean }} kit
 */
export function queueRules(test, kit) {
  const { makeStore } = kit;

  test('linked queue (store.messageQueue()): every call returns a view of the same queues', async (t) => {
    const store = makeStore(t);
    const q1 = store.messageQueue();
    const q2 = store.messageQueue();
    assert.ok(q1 instanceof kit.MessageQueue);
    const { taskId } = await store.createTask({}, 1, REQ);
    const m = msg();
    await q1.enqueue(taskId, m);
    if (kit.inMemory) assert.equal(q2.queueCount, 1);
    assert.deepStrictEqual(await q2.dequeue(taskId), m);
    if (kit.inMemory) assert.equal(q1.queueCount, 0);
    assert.equal(await q1.dequeue(taskId), undefined);
    // Unlike a standalone queue, it holds messages only for the store's live tasks.
    await rejectsWith(() => q1.enqueue('not-a-task', m), { startsWith: 'Task with ID not-a-task not found' });
    assert.deepStrictEqual(await q2.dequeueAll('not-a-task'), []);
    assert.equal(await q2.dequeue('not-a-task'), undefined);
  });

  test('linked queue: a task\'s queue is dropped when the task expires (clock jump, before any timer fires)', async (t) => {
    const clock = fakeClock(t);
    const store = makeStore(t);
    const q = store.messageQueue();
    const short = await store.createTask({ ttl: 5000 }, 1, REQ);
    const long = await store.createTask({}, 2, REQ);
    await q.enqueue(short.taskId, msg());
    await q.enqueue(short.taskId, msg());
    await q.enqueue(long.taskId, msg());
    if (kit.inMemory) assert.equal(q.queueCount, 2);
    clock.advance(4999);
    if (kit.inMemory) assert.equal(q.queueCount, 2);
    clock.advance(1);
    if (kit.inMemory) assert.equal(q.queueCount, 1);
    assert.equal(await q.dequeue(short.taskId), undefined);
    assert.deepStrictEqual(await q.dequeueAll(short.taskId), []);
    assert.equal((await q.dequeueAll(long.taskId)).length, 1);
  });

  test('linked queue: a terminal task keeps its queue until its (restarted) ttl ends', async (t) => {
    const clock = fakeClock(t);
    const store = makeStore(t);
    const q = store.messageQueue();
    const { taskId } = await store.createTask({ ttl: 5000 }, 1, REQ);
    const kept = msg('response');
    await q.enqueue(taskId, kept);
    await q.enqueue(taskId, msg('response'));
    clock.advance(4000);
    await store.storeTaskResult(taskId, 'completed', { content: [] });
    clock.advance(4999);
    if (kit.inMemory) assert.equal(q.queueCount, 1);
    assert.deepStrictEqual(await q.dequeue(taskId), kept, 'the queue was dropped before the restarted ttl ended');
    clock.advance(1);
    if (kit.inMemory) assert.equal(q.queueCount, 0);
    assert.equal(await q.dequeue(taskId), undefined);
  });

  test('linked queue: cleanup() drops every queue', async (t) => {
    const store = makeStore(t);
    const q = store.messageQueue();
    const a = await store.createTask({}, 1, REQ, 'S');
    const b = await store.createTask({}, 2, REQ);
    await q.enqueue(a.taskId, msg(), 'S');
    await q.enqueue(b.taskId, msg());
    if (kit.inMemory) assert.equal(q.queueCount, 2);
    await store.cleanup();
    if (kit.inMemory) assert.equal(q.queueCount, 0);
    assert.equal(await q.dequeue(a.taskId, 'S'), undefined);
    assert.deepStrictEqual(await q.dequeueAll(b.taskId), []);
    // Still usable afterwards.
    const c = await store.createTask({}, 3, REQ);
    const m = msg();
    await q.enqueue(c.taskId, m);
    if (kit.inMemory) assert.equal(q.queueCount, 1);
    assert.deepStrictEqual(await q.dequeueAll(c.taskId), [m]);
  });

  test('linked queue: the same checks and session rule as a standalone queue', async (t) => {
    const store = makeStore(t);
    const q = store.messageQueue();
    const { taskId } = await store.createTask({}, 1, REQ, 'A');
    await q.enqueue(taskId, msg(), 'A', 1);
    await rejectsWith(() => q.enqueue(taskId, msg(), 'A', 1), { code: -32603, startsWith: 'Task message queue overflow' });
    await rejectsWith(() => q.enqueue(taskId, msg(), 'B'), { code: -32602, startsWith: `Task with ID ${taskId} not found` });
    await rejectsWith(() => q.enqueue(taskId, { type: 'x', message: {}, timestamp: 1 }), { cls: RangeError, code: -32602, includes: 'message.type' });
    assert.equal(await q.dequeue(taskId, 'B'), undefined);
    await rejectsWith(() => q.dequeue(taskId, 'A\uD800'), { cls: RangeError, code: -32602, includes: 'well-formed' });
    assert.equal((await q.dequeueAll(taskId, 'A')).length, 1);
  });

  test('linked queue: a session reaches a task\'s queue exactly when the store shows it the task', async (t) => {
    const store = makeStore(t);
    const q = store.messageQueue();
    // An unowned task is visible to every session, so its queue is too, whoever filled it first.
    const open = (await store.createTask({}, 1, REQ)).taskId;
    await q.enqueue(open, msg(), 'A');
    await q.enqueue(open, msg(), 'B');
    assert.equal((await q.dequeueAll(open, 'C')).length, 2);
    // A's own task: B can neither fill nor drain it; calls without a session can.
    const mine = (await store.createTask({}, 2, REQ, 'A')).taskId;
    await rejectsWith(() => q.enqueue(mine, msg(), 'B'), { startsWith: `Task with ID ${mine} not found` });
    await q.enqueue(mine, msg());
    assert.equal(await q.dequeue(mine, 'B'), undefined);
    assert.equal((await q.dequeueAll(mine)).length, 1);
  });

  test('linked queue: bad messages and arguments are rejected (-32602, parameter named) and enqueue nothing', async (t) => {
    const store = makeStore(t);
    const q = store.messageQueue();
    const { taskId } = await store.createTask({}, 1, REQ);
    const first = msg();
    await q.enqueue(taskId, first);
    await badQueueCallsRejected(q, taskId);
    assert.deepStrictEqual(await q.dequeueAll(taskId), [first]);
  });
}
