// InMemoryTaskMessageQueue, standalone and linked to a store (store.messageQueue()). The rules
// of a linked queue that every store shows are in conformance/queue-rules.mjs (run here and,
// against RedisTaskStore, by redis-conformance.test.mjs).
import test from 'node:test';
import assert from 'node:assert/strict';
import { InMemoryTaskStore, InMemoryTaskMessageQueue } from 'mcp-task-store-wasm';
import { REQ, timerSpy, waitFor, rejectsWith } from './fixtures/util.mjs';
import { badQueueCallsRejected, msg, queueRules } from './conformance/queue-rules.mjs';

function makeStore(t, options) {
  const store = new InMemoryTaskStore(options);
  t.after(() => store.cleanup());
  return store;
}

queueRules(test, { makeStore, MessageQueue: InMemoryTaskMessageQueue, inMemory: true });

test('FIFO per task: dequeue takes the oldest, tasks do not mix, empty gives undefined', async () => {
  const q = new InMemoryTaskMessageQueue();
  const a = [msg('request'), msg('notification'), msg('response'), msg('error')];
  const b = [msg('request')];
  for (const m of a) await q.enqueue('task-a', m);
  for (const m of b) await q.enqueue('task-b', m);
  for (const m of a) assert.deepStrictEqual(await q.dequeue('task-a'), m);
  assert.equal(await q.dequeue('task-a'), undefined);
  assert.deepStrictEqual(await q.dequeue('task-b'), b[0]);
  assert.equal(await q.dequeue('never-used'), undefined);
});

test('enqueue resolves undefined; dequeueAll takes every message oldest first and empties the queue', async () => {
  const q = new InMemoryTaskMessageQueue();
  const all = [msg('request'), msg('notification'), msg('response')];
  for (const m of all) assert.equal(await q.enqueue('t', m), undefined);
  assert.deepStrictEqual(await q.dequeueAll('t'), all);
  assert.deepStrictEqual(await q.dequeueAll('t'), []);
  assert.equal(await q.dequeue('t'), undefined);
  assert.deepStrictEqual(await q.dequeueAll('nothing-here'), []);
});

test('maxSize: overflow rejects atomically with the SDK wording and code -32603, enqueuing nothing', async () => {
  const q = new InMemoryTaskMessageQueue();
  const kept = [msg(), msg()];
  await q.enqueue('t', kept[0], undefined, 2);
  await q.enqueue('t', kept[1], undefined, 2);
  for (let i = 0; i < 3; i++) {
    await rejectsWith(() => q.enqueue('t', msg(), undefined, 2), {
      cls: Error,
      code: -32603,
      startsWith: 'Task message queue overflow: queue size (2) exceeds maximum (2)',
    });
  }
  await rejectsWith(() => q.enqueue('t', msg(), undefined, 1), {
    code: -32603,
    startsWith: 'Task message queue overflow: queue size (2) exceeds maximum (1)',
  });
  assert.deepStrictEqual(await q.dequeueAll('t'), kept);
  // maxSize 0: nothing fits, and no queue is created.
  await rejectsWith(() => q.enqueue('z', msg(), undefined, 0), { code: -32603, startsWith: 'Task message queue overflow' });
  assert.equal(q.queueCount, 0);
  // No maxSize (undefined or null): unbounded.
  for (let i = 0; i < 1000; i++) await q.enqueue('big', msg(), undefined, i % 2 ? undefined : null);
  assert.equal((await q.dequeueAll('big')).length, 1000);
});

test('a standalone queue takes any taskId, including ids no store holds', async () => {
  const q = new InMemoryTaskMessageQueue();
  for (const id of ['', 'x', crypto.randomUUID(), 'é✓', 'a'.repeat(10_000)]) {
    const m = msg('response');
    await q.enqueue(id, m);
    assert.deepStrictEqual(await q.dequeue(id), m);
  }
});

test('sessions: a queue belongs to the session that filled it; other sessions neither see nor change it', async () => {
  const q = new InMemoryTaskMessageQueue();
  const m1 = msg();
  await q.enqueue('t', m1, 'A');
  assert.equal(await q.dequeue('t', 'B'), undefined);
  assert.deepStrictEqual(await q.dequeueAll('t', 'B'), []);
  await rejectsWith(() => q.enqueue('t', msg(), 'B'), { code: -32602, startsWith: 'Task with ID t not found' });
  assert.equal(q.queueCount, 1);
  assert.deepStrictEqual(await q.dequeue('t', 'A'), m1);
  // Calls without a session are unrestricted.
  const m2 = msg();
  await q.enqueue('t2', m2, 'A');
  assert.deepStrictEqual(await q.dequeueAll('t2'), [m2]);
  // A queue filled without a session is open to every session.
  const open = [msg(), msg()];
  await q.enqueue('open', open[0]);
  await q.enqueue('open', open[1], 'B');
  assert.deepStrictEqual(await q.dequeueAll('open', 'C'), open);
  // An empty sessionId is rejected, not read as "no session".
  const empty = { cls: RangeError, code: -32602, includes: 'sessionId' };
  await rejectsWith(() => q.enqueue('t', msg(), ''), empty);
  await rejectsWith(() => q.dequeue('t', ''), empty);
  await rejectsWith(() => q.dequeueAll('t', ''), empty);
  // A lone surrogate would arrive as U+FFFD (two sessions, or two task ids, made one): rejected.
  await q.enqueue('t3', msg(), 'A\uFFFD');
  const lone = { cls: RangeError, code: -32602, includes: 'well-formed' };
  await rejectsWith(() => q.enqueue('t3', msg(), 'A\uD800'), lone);
  await rejectsWith(() => q.dequeue('t3', 'A\uDC00'), lone);
  await rejectsWith(() => q.dequeueAll('t3', 'A\uD800'), lone);
  await rejectsWith(() => q.enqueue('t3\uD800', msg(), 'A\uFFFD'), lone);
  await rejectsWith(() => q.dequeueAll('t\uDFFF'), lone);
  assert.equal((await q.dequeueAll('t3', 'A\uFFFD')).length, 1);
});

test('messages are copied in (caller mutation changes nothing) and handed out once, unfrozen, undefined props dropped', async () => {
  const q = new InMemoryTaskMessageQueue();
  const m = msg('request', { params: { message: 'hi', requestedSchema: { type: 'object', properties: {} }, extra: undefined } });
  const expected = JSON.parse(JSON.stringify(m));
  await q.enqueue('t', m);
  m.message.params.message = 'changed';
  m.timestamp = 0;
  const got = await q.dequeue('t');
  assert.deepStrictEqual(got, expected);
  assert.equal('extra' in got.message.params, false);
  assert.equal(Object.isFrozen(got), false, 'the single reader owns the message');
  got.message.id = 'mine';
});

test('drained queues are freed: queueCount counts tasks with messages waiting', async () => {
  const q = new InMemoryTaskMessageQueue();
  assert.equal(q.queueCount, 0);
  await q.enqueue('a', msg());
  await q.enqueue('a', msg());
  await q.enqueue('b', msg());
  assert.equal(q.queueCount, 2);
  await q.dequeue('a');
  assert.equal(q.queueCount, 2);
  await q.dequeue('a');
  assert.equal(q.queueCount, 1, 'a queue drained by dequeue is freed');
  await q.dequeueAll('b');
  assert.equal(q.queueCount, 0, 'a queue drained by dequeueAll is freed');
  await q.dequeue('ghost');
  await q.dequeueAll('ghost');
  assert.equal(q.queueCount, 0, 'reading an absent queue creates none');
  for (let i = 0; i < 1000; i++) {
    await q.enqueue(`t${i}`, msg());
    await q.dequeue(`t${i}`);
  }
  assert.equal(q.queueCount, 0);
});

test('bad messages are rejected (-32602, parameter named) and enqueue nothing', async () => {
  const q = new InMemoryTaskMessageQueue();
  const first = msg();
  await q.enqueue('t', first);
  await badQueueCallsRejected(q, 't', (name) => assert.equal(q.queueCount, 1, name));
  assert.deepStrictEqual(await q.dequeueAll('t'), [first]);
});

test('linked queue: a task\'s queue is dropped when the store\'s timer expires the task', async (t) => {
  timerSpy(t);
  const store = makeStore(t, { minTtl: 0 });
  const q = store.messageQueue();
  const { taskId } = await store.createTask({ ttl: 30 }, 1, REQ);
  await q.enqueue(taskId, msg());
  assert.equal(store.hasPendingTimer, true);
  await waitFor(() => !store.hasPendingTimer, 5000, 'the timer to fire');
  assert.equal(q.queueCount, 0);
  assert.equal(await q.dequeue(taskId), undefined);
});

test('a linked queue keeps working after store.free() (it shares the store state)', async () => {
  const store = new InMemoryTaskStore();
  const q = store.messageQueue();
  const { taskId } = await store.createTask({ ttl: 60_000 }, 1, REQ);
  store.free();
  await q.enqueue(taskId, msg());
  assert.equal(q.queueCount, 1);
  assert.equal((await q.dequeueAll(taskId)).length, 1);
});
