// InMemoryTaskStore, driven through the built package exactly as users import it.
// One test per rule of the store (see SPEC-NOTES.md and pkg-template/index.d.ts). The rules
// every store shows are in conformance/store-rules.mjs (run here and, against RedisTaskStore,
// by redis-conformance.test.mjs); below them, what only the in-memory store has: its one
// timer, `size`, synchronous cleanup() and getAllTasks(), free(), the wasm instance.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { InMemoryTaskStore, InMemoryTaskMessageQueue } from 'mcp-task-store-wasm';
import { REQ, fakeClock, timerSpy, waitFor, rejectsWith, throwsWith } from './fixtures/util.mjs';
import { storeRules } from './conformance/store-rules.mjs';

/** A fresh store, cleaned up (timer cleared) when the test ends. */
function makeStore(t, options) {
  const store = new InMemoryTaskStore(options);
  t.after(() => store.cleanup());
  return store;
}

storeRules(test, { makeStore, inMemory: true });

// ---------------------------------------------------------------- in-memory only

test('the real timer removes expired tasks (ttl 40 ms with minTtl 0) and is then no longer pending', async (t) => {
  const spy = timerSpy(t);
  const store = makeStore(t, { minTtl: 0 });
  const first = await store.createTask({ ttl: 40 }, 1, REQ);
  const second = await store.createTask({ ttl: 80 }, 2, REQ);
  const forever = await store.createTask({}, 3, REQ);
  assert.equal(first.ttl, 40);
  assert.equal(store.hasPendingTimer, true);
  assert.equal(spy.live.size, 1);
  // The timer fires by itself (nothing calls the store meanwhile), re-arming for the second
  // task if that one is not yet due (timing depends on the machine's load).
  await waitFor(() => !store.hasPendingTimer, 5000, 'the last timer to fire');
  assert.equal(spy.live.size, 0);
  assert.equal(spy.maxLive, 1);
  assert.deepEqual(store.getAllTasks().map((x) => x.taskId), [forever.taskId]);
  assert.equal(await store.getTask(second.taskId), null);
  assert.equal(store.size, 1);
});

test('at most ONE pending timer, unref\'d, armed for the earliest deadline, with 5000 tasks', async (t) => {
  const clock = fakeClock(t);
  const spy = timerSpy(t);
  const store = makeStore(t);
  // Decreasing ttls: every new task has the earliest deadline so far (worst case for re-arming).
  for (let i = 0; i < 5000; i++) {
    await store.createTask({ ttl: 10_000_000 - i * 1000 }, i, REQ, i % 2 ? 'A' : undefined);
  }
  // And some in random order, plus terminal restarts.
  for (let i = 0; i < 500; i++) {
    const { taskId } = await store.createTask({ ttl: 6_000_000 + Math.floor(Math.random() * 1e6) }, i, REQ);
    if (i % 3 === 0) await store.storeTaskResult(taskId, 'completed', { i });
  }
  assert.equal(store.size, 5500);
  assert.equal(spy.maxLive, 1, `up to ${spy.maxLive} timers were pending at once`);
  assert.equal(spy.live.size, 1);
  assert.equal(store.hasPendingTimer, true);
  const earliest = 10_000_000 - 4999 * 1000;
  assert.equal(spy.delays.at(-1), earliest, 'the timer is armed for the earliest deadline');
  for (const handle of spy.handles) assert.equal(handle.hasRef(), false, 'a timer keeps Node alive');
  // Jump past the earliest deadlines: expiry is lazy, still one timer.
  clock.advance(earliest + 10_000);
  assert.ok(store.size < 5500);
  await store.getTask('x');
  assert.equal(spy.live.size, 1);
  store.cleanup();
  assert.equal(store.hasPendingTimer, false);
  assert.equal(spy.live.size, 0);
});

test('the timer is armed at most 2^31-1 ms ahead (setTimeout limit) for very long ttls', async (t) => {
  fakeClock(t);
  const spy = timerSpy(t);
  const store = makeStore(t);
  await store.createTask({ ttl: 365 * 24 * 3600 * 1000 }, 1, REQ);
  assert.equal(spy.live.size, 1);
  assert.ok(spy.delays.at(-1) <= 2 ** 31 - 1, `delay ${spy.delays.at(-1)}`);
});

test('size and hasPendingTimer getters', async (t) => {
  const clock = fakeClock(t);
  const store = makeStore(t);
  assert.equal(store.size, 0);
  assert.equal(store.hasPendingTimer, false);
  await store.createTask({}, 1, REQ);
  assert.equal(store.size, 1);
  assert.equal(store.hasPendingTimer, false);
  await store.createTask({ ttl: 1000 }, 2, REQ);
  assert.equal(store.size, 2);
  assert.equal(store.hasPendingTimer, true);
  clock.advance(1000);
  assert.equal(store.size, 1, 'size does not count a task past its deadline');
  assert.throws(() => {
    'use strict';
    store.size = 5;
  }, TypeError);
});

test('results: user code run while arguments are read may call the store without a trap', async (t) => {
  const store = makeStore(t);
  const { taskId } = await store.createTask({}, 1, REQ);
  let seen;
  await store.storeTaskResult(taskId, 'completed', {
    get peek() {
      seen = store.getAllTasks().length + store.size;
      return seen;
    },
  });
  assert.equal(seen, 2);
  // A getter that ends the task first: the store sees it terminal and rejects.
  const second = await store.createTask({}, 2, REQ);
  await rejectsWith(
    () =>
      store.storeTaskResult(second.taskId, 'completed', {
        get sneaky() {
          store.updateTaskStatus(second.taskId, 'cancelled');
          return 1;
        },
      }),
    { startsWith: `Cannot store result for task ${second.taskId} in terminal status 'cancelled'` },
  );
  assert.equal((await store.getTask(second.taskId)).status, 'cancelled');
  assert.equal(store.size, 2);
});

test('bad input: constructor throws synchronously (TypeError/RangeError, code -32602, option named), unknown options included', () => {
  const T = TypeError;
  const R = RangeError;
  const rows = [
    ['options number', 5, T, 'options'],
    ['options string', 'fast', T, 'options'],
    ['options boolean', true, T, 'options'],
    ['options array', [], T, 'options'],
    ['options function', () => ({}), T, 'options'],
    ['unknown option pagesize', { pagesize: 10 }, T, 'pagesize'],
    ['unknown option ttl', { ttl: 1000 }, T, 'ttl'],
    ['unknown option among known', { pageSize: 10, maxTTL: 5 }, T, 'maxTTL'],
    ['pageSize 0', { pageSize: 0 }, R, 'pageSize'],
    ['pageSize 1001', { pageSize: 1001 }, R, 'pageSize'],
    ['pageSize 1.5', { pageSize: 1.5 }, R, 'pageSize'],
    ['pageSize -1', { pageSize: -1 }, R, 'pageSize'],
    ['pageSize NaN', { pageSize: NaN }, R, 'pageSize'],
    ['pageSize string', { pageSize: '10' }, T, 'pageSize'],
    ['defaultPollInterval -1', { defaultPollInterval: -1 }, R, 'defaultPollInterval'],
    ['defaultPollInterval Infinity', { defaultPollInterval: Infinity }, R, 'defaultPollInterval'],
    ['defaultPollInterval string', { defaultPollInterval: 'x' }, T, 'defaultPollInterval'],
    ['minTtl NaN', { minTtl: NaN }, R, 'minTtl'],
    ['minTtl 0.5', { minTtl: 0.5 }, R, 'minTtl'],
    ['minTtl object', { minTtl: {} }, T, 'minTtl'],
    ['maxTtl below default minTtl', { maxTtl: 0 }, R, 'maxTtl'],
    ['maxTtl below minTtl', { minTtl: 5000, maxTtl: 4000 }, R, 'maxTtl'],
    ['maxTtl -1', { maxTtl: -1 }, R, 'maxTtl'],
    ['maxTtl string', { maxTtl: '1h' }, T, 'maxTtl'],
    ['option getter throws', { get pageSize() { throw new Error('nope'); } }, T, 'pageSize'],
  ];
  for (const [name, options, cls, param] of rows) {
    const err = throwsWith(() => new InMemoryTaskStore(options), { cls, code: -32602, startsWith: 'Invalid ', includes: param });
    assert.ok(err, name);
  }
  const store = new InMemoryTaskStore({ pageSize: 10, defaultPollInterval: 1000, minTtl: 1000, maxTtl: null });
  assert.equal(store.size, 0);
  store.cleanup();
});

test('cleanup() and getAllTasks() are synchronous and ignore extra arguments', async (t) => {
  const store = makeStore(t);
  await store.createTask({}, 1, REQ);
  assert.ok(Array.isArray(store.getAllTasks('x', 5)));
  assert.equal(store.getAllTasks('x').length, 1);
  assert.equal(store.cleanup('x'), undefined);
  assert.equal(store.size, 0);
});

test('robustness: thousands of hostile arguments leave the wasm instance intact (child process)', async () => {
  const script = fileURLToPath(new URL('./fixtures/hostile-flood.mjs', import.meta.url));
  const { code, stdout, stderr } = await new Promise((resolve) => {
    execFile(process.execPath, [script, '10000'], { timeout: 20_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (err.code ?? 1) : 0, stdout, stderr }),
    );
  });
  assert.equal(code, 0, `child failed: ${stdout}${stderr}`);
  assert.match(stdout, /^store still works/m);
});

// ---------------------------------------------------------------- misuse of `this`

test('misuse: a method on the wrong object, detached or after free() rejects (or throws) with -32602, never hangs', async (t) => {
  const store = makeStore(t);
  const queue = store.messageQueue();
  const own = new InMemoryTaskMessageQueue();
  const { taskId } = await store.createTask({}, 1, REQ);
  const misuse = { cls: TypeError, code: -32602, startsWith: 'Invalid this' };
  const message = { type: 'request', message: { jsonrpc: '2.0', id: 1, method: 'm' }, timestamp: 1 };
  // A queue method with a store as `this` used to read the store's memory as a queue's and spin.
  await rejectsWith(() => InMemoryTaskMessageQueue.prototype.enqueue.call(store, taskId, message), misuse);
  await rejectsWith(() => InMemoryTaskMessageQueue.prototype.dequeue.call(store, taskId), misuse);
  await rejectsWith(() => InMemoryTaskStore.prototype.getTask.call(queue, taskId), misuse);
  await rejectsWith(() => InMemoryTaskStore.prototype.listTasks.call(own), misuse);
  await rejectsWith(() => InMemoryTaskStore.prototype.getTask.call({ __wbg_ptr: 8 }, taskId), misuse);
  await rejectsWith(() => InMemoryTaskStore.prototype.getTask.call(Object.create(InMemoryTaskStore.prototype), taskId), misuse);
  const detached = store.getTask;
  await rejectsWith(() => detached(taskId), { ...misuse, includes: 'detached' });
  throwsWith(() => InMemoryTaskStore.prototype.cleanup.call(queue), misuse);
  throwsWith(() => Object.getOwnPropertyDescriptor(InMemoryTaskStore.prototype, 'size').get.call(own), misuse);
  throwsWith(() => Object.getOwnPropertyDescriptor(InMemoryTaskMessageQueue.prototype, 'queueCount').get.call(store), misuse);
  assert.equal((await store.getTask(taskId)).taskId, taskId, 'the store is intact');
  // After free(): every call is refused; free() again and Symbol.dispose do nothing.
  const gone = new InMemoryTaskStore();
  await gone.createTask({}, 1, REQ);
  gone.free();
  gone.free();
  gone[Symbol.dispose]();
  await rejectsWith(() => gone.getTask(taskId), { ...misuse, includes: 'free()' });
  throwsWith(() => gone.getAllTasks(), { ...misuse, includes: 'free()' });
  throwsWith(() => gone.size, misuse);
  own.free();
  await rejectsWith(() => own.dequeue('x'), misuse);
});
