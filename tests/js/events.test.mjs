// Change events, waits and task helpers of InMemoryTaskStore, driven through the built package:
// onStatusChange, watch, waitForUpdate, waitForTerminal, deleteTask, cancelTask (method and
// module helper), runTask and stats() (see pkg-template/index.d.ts).
import test from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { createRequire } from 'node:module';
import { setTimeout as sleep, setImmediate as tick } from 'node:timers/promises';
import { InMemoryTaskStore, cancelTask, runTask } from 'mcp-task-store-wasm';
import { InMemoryTaskStore as SdkTaskStore } from '@modelcontextprotocol/sdk/experimental/tasks/stores/in-memory.js';
import { REQ, fakeClock, timerSpy, waitFor, checkError, rejectsWith, throwsWith } from './fixtures/util.mjs';

const TERMINAL = ['completed', 'failed', 'cancelled'];
const STATUSES = ['working', 'input_required', ...TERMINAL];
const STATS_KEYS = ['byStatus', 'listeners', 'pendingTimers', 'sessions', 'tasks', 'waiters'];

/**
 * A fresh store, cleaned up when the test ends. The store's timer is unref'd, so while a test
 * awaits something only that timer will do (an expiry, a wait's timeout), a ref'd interval keeps
 * the event loop alive.
 */
function makeStore(t, options) {
  const store = new InMemoryTaskStore(options);
  const keepAlive = setInterval(() => {}, 1000);
  t.after(() => {
    clearInterval(keepAlive);
    store.cleanup();
  });
  return store;
}

/** Subscribes a listener that records every event; returns { events, off }. */
function record(store, options) {
  const events = [];
  const off = store.onStatusChange((event) => {
    events.push(event);
  }, options);
  return { events, off };
}

/** `type:status` summaries of events, e.g. 'status:input_required'. */
const brief = (events) => events.map((e) => (e.type === 'removed' ? `removed:${e.reason}` : `${e.type}:${e.task.status}`));

/**
 * Traps uncaught exceptions and unhandled rejections while the test runs. `check()` lets
 * pending rejections surface (two macrotasks) and asserts nothing was trapped.
 */
function strayErrors(t) {
  const stray = [];
  const onError = (err) => stray.push(err);
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
  t.after(() => {
    process.off('uncaughtException', onError);
    process.off('unhandledRejection', onError);
  });
  return {
    stray,
    async check() {
      await tick();
      await sleep(5);
      await tick();
      assert.deepEqual(stray.map((e) => `${e?.name}: ${e?.message ?? e}`), [], 'an uncaught exception or unhandled rejection escaped');
    },
  };
}

/** Settles a promise into { ok, value } / { ok: false, error } without ever rejecting. */
function outcome(promise) {
  const o = { settled: false };
  o.done = promise.then(
    (value) => Object.assign(o, { settled: true, ok: true, value }),
    (error) => Object.assign(o, { settled: true, ok: false, error }),
  );
  return o;
}

/** Lets every pending microtask (and one macrotask) run. */
const flush = async () => {
  await tick();
  await tick();
};

function checkRemovedError(err, reason) {
  assert.ok(err instanceof Error, `not an Error: ${String(err)}`);
  assert.equal(err.code, -32602, `code of: ${err.message}`);
  assert.equal(err.reason, reason, `reason of: ${err.message}`);
}

function checkTimeoutError(err) {
  assert.ok(err instanceof Error, `not an Error: ${String(err)}`);
  assert.equal(err.name, 'TimeoutError', err.message);
  assert.equal(err.code, -32001, err.message);
}

const notFound = (id) => ({ cls: Error, code: -32602, startsWith: `Task with ID ${id} not found` });

// ================================================================ onStatusChange

test('onStatusChange: created, status, result and removed events, in order, each with the task after the change', async (t) => {
  const store = makeStore(t);
  const { events } = record(store);
  const task = await store.createTask({ ttl: 60_000 }, 1, REQ);
  await store.updateTaskStatus(task.taskId, 'input_required', 'need a name');
  await store.updateTaskStatus(task.taskId, 'working');
  await store.storeTaskResult(task.taskId, 'completed', { content: [{ type: 'text', text: 'ok' }] });
  const last = await store.getTask(task.taskId);
  assert.equal(await store.deleteTask(task.taskId), true);
  const other = await store.createTask({}, 2, REQ);
  await store.updateTaskStatus(other.taskId, 'cancelled', 'stop');
  assert.deepEqual(brief(events), [
    'created:working',
    'status:input_required',
    'status:working',
    'result:completed',
    'removed:deleted',
    'created:working',
    'status:cancelled',
  ]);
  assert.deepEqual(events[0].task, task);
  assert.equal(events[1].task.statusMessage, 'need a name');
  assert.equal(events[2].task.statusMessage, 'need a name', 'a change without a message keeps it (as the SDK store)');
  assert.deepEqual(events[3].task, last);
  assert.deepEqual(events[4].task, last, 'removed carries the last state');
  assert.equal(events[6].task.statusMessage, 'stop');
  for (const event of events) {
    assert.ok(Object.isFrozen(event), `${event.type} event is not frozen`);
    assert.ok(Object.isFrozen(event.task), `${event.type} event's task is not frozen`);
    assert.deepEqual(Object.keys(event).sort(), event.type === 'removed' ? ['reason', 'task', 'type'] : ['task', 'type']);
  }
});

test('onStatusChange: listeners are called synchronously, before the call that made the change returns', async (t) => {
  const store = makeStore(t);
  const { events } = record(store);
  const created = store.createTask({}, 1, REQ);
  assert.equal(events.length, 1, 'created: not delivered before createTask returned');
  const { taskId } = await created;
  store.updateTaskStatus(taskId, 'input_required');
  assert.equal(events.length, 2, 'status: not delivered before updateTaskStatus returned');
  store.storeTaskResult(taskId, 'failed', { isError: true });
  assert.equal(events.length, 3, 'result: not delivered before storeTaskResult returned');
  store.deleteTask(taskId);
  assert.equal(events.length, 4, 'removed: not delivered before deleteTask returned');
  const second = await store.createTask({}, 2, REQ);
  store.cleanup();
  assert.deepEqual(brief(events.slice(5)), ['removed:cleared'], 'cleanup() delivers removed/cleared before it returns');
  assert.equal(events[5].task.taskId, second.taskId);
});

test('an event carries the new state, never the old', async (t) => {
  const clock = fakeClock(t);
  const store = makeStore(t);
  const seen = [];
  // Inside the listener the store already holds the new state (getAllTasks is synchronous).
  store.onStatusChange((event) => {
    seen.push({ event, now: store.getAllTasks().find((x) => x.taskId === event.task.taskId) });
  });
  const task = await store.createTask({ ttl: 60_000 }, 1, REQ);
  const steps = [
    () => store.updateTaskStatus(task.taskId, 'working', 'step 1'),
    () => store.updateTaskStatus(task.taskId, 'input_required', 'question'),
    () => store.updateTaskStatus(task.taskId, 'input_required', 'question, again'),
    () => store.updateTaskStatus(task.taskId, 'working'),
    () => store.storeTaskResult(task.taskId, 'failed', { isError: true }),
  ];
  for (const step of steps) {
    clock.advance(1000);
    await step();
    const { event, now } = seen.at(-1);
    const after = await store.getTask(task.taskId);
    assert.deepEqual(event.task, after, `${event.type}: event.task is not the state after the change`);
    assert.deepEqual(now, after, 'inside the listener the store did not yet hold the new state');
    assert.equal(event.task.lastUpdatedAt, new Date(clock.now).toISOString());
  }
  assert.deepEqual(seen.map((s) => s.event.task.statusMessage), [undefined, 'step 1', 'question', 'question, again', 'question, again', 'question, again']);
  // A removed event: the task is already gone inside the listener, the event has its last state.
  const last = await store.getTask(task.taskId);
  await store.deleteTask(task.taskId);
  assert.deepEqual(seen.at(-1).event.task, last);
  assert.equal(seen.at(-1).now, undefined, 'the deleted task was still in the store during its removed event');
  // Events already delivered never change later.
  assert.equal(seen[1].event.task.status, 'working');
  assert.equal(seen[2].event.task.status, 'input_required');
});

test('onStatusChange: one frozen event object is shared by every listener', async (t) => {
  const store = makeStore(t);
  const a = record(store);
  const b = record(store);
  await store.createTask({}, 1, REQ);
  assert.equal(a.events.length, 1);
  assert.equal(a.events[0], b.events[0]);
  assert.throws(() => {
    'use strict';
    a.events[0].task.status = 'completed';
  }, TypeError);
  assert.equal(b.events[0].task.status, 'working');
});

test('onStatusChange: unsubscribe stops delivery, twice is harmless, and works during delivery', async (t) => {
  const store = makeStore(t);
  const before = store.stats().listeners;
  const a = record(store);
  assert.equal(store.stats().listeners, before + 1);
  await store.createTask({}, 1, REQ);
  assert.equal(a.off(), undefined);
  a.off();
  assert.equal(store.stats().listeners, before);
  await store.createTask({}, 2, REQ);
  assert.equal(a.events.length, 1);

  // A listener that unsubscribes itself during delivery gets that event and no later one.
  const once = [];
  const offOnce = store.onStatusChange((event) => {
    once.push(event);
    offOnce();
  });
  // A listener that unsubscribes a later one: that one gets nothing after the current event.
  const victim = [];
  let offVictim;
  const offKiller = store.onStatusChange(() => offVictim());
  offVictim = store.onStatusChange((event) => victim.push(event));
  const all = record(store);
  const { taskId } = await store.createTask({}, 3, REQ);
  await store.updateTaskStatus(taskId, 'input_required');
  await store.updateTaskStatus(taskId, 'working');
  assert.equal(once.length, 1);
  assert.ok(victim.length <= 1, `the unsubscribed listener got ${victim.length} events`);
  assert.equal(all.events.length, 3, 'a listener after the unsubscribed ones missed events');
  offKiller();
  all.off();
  assert.equal(store.stats().listeners, before);
});

test('onStatusChange: bad arguments throw synchronously (TypeError, -32602, parameter named)', async (t) => {
  const store = makeStore(t);
  for (const listener of [undefined, null, 5, 'f', {}]) {
    throwsWith(() => store.onStatusChange(listener), { cls: TypeError, includes: 'listener' });
  }
  throwsWith(() => store.onStatusChange(() => {}, { sessionId: 'A', bogus: 1 }), { cls: TypeError, includes: 'bogus' });
  throwsWith(() => store.onStatusChange(() => {}, { sessionId: 5 }), { cls: TypeError, includes: 'sessionId' });
  throwsWith(() => store.onStatusChange(() => {}, 'A'), { cls: TypeError });
  assert.throws(() => new InMemoryTaskStore({ onListenerError: 'log' }), (err) =>
    checkError(err, { cls: TypeError, includes: 'onListenerError' }));
  assert.equal(store.stats().listeners, 0, 'a refused listener was subscribed');
  // Absent options are fine.
  store.onStatusChange(() => {}, undefined)();
  store.onStatusChange(() => {}, {})();
});

test('a throwing or re-entrant listener breaks nothing and its error goes to onListenerError', async (t) => {
  const traps = strayErrors(t);
  const reported = [];
  const store = makeStore(t, { onListenerError: (error, event) => reported.push({ error, event }) });
  const log = (name) => {
    const events = [];
    store.onStatusChange((e) => {
      events.push(`${name} ${e.type}:${e.type === 'removed' ? e.reason : e.task.status}:${e.task.taskId.slice(0, 4)}`);
    });
    return events;
  };
  const first = log('first');
  const boom = new Error('listener boom');
  store.onStatusChange(() => {
    throw boom;
  });
  const asyncBoom = new Error('async listener boom');
  store.onStatusChange(async () => {
    throw asyncBoom;
  });
  // Re-entrant: on a task's creation, moves it to input_required from inside the callback.
  const nested = [];
  store.onStatusChange((e) => {
    if (e.type === 'created' && e.task.status === 'working') {
      nested.push(store.updateTaskStatus(e.task.taskId, 'input_required', 'asked from a listener'));
    }
  });
  const last = log('last');
  const watching = store.watch();

  const task = await store.createTask({}, 1, REQ);
  assert.equal(task.status, 'working', 'createTask resolves with the state it made');
  await Promise.all(nested);
  const id = task.taskId.slice(0, 4);
  const expected = [`created:working:${id}`, `status:input_required:${id}`];
  assert.deepEqual(first.map((x) => x.slice(6)), expected, 'a listener before the throwing ones');
  assert.deepEqual(last.map((x) => x.slice(5)), expected, 'a listener after the throwing ones, in order');
  assert.equal((await store.getTask(task.taskId)).status, 'input_required');
  const watched = [(await watching.next()).value, (await watching.next()).value];
  assert.deepEqual(brief(watched), ['created:working', 'status:input_required'], 'watch saw the nested event out of order');
  await watching.return();

  await flush();
  const sync = reported.filter((r) => r.error === boom);
  const rejected = reported.filter((r) => r.error === asyncBoom);
  assert.equal(sync.length, 2, 'a thrown error per event reaches onListenerError');
  assert.equal(rejected.length, 2, 'a rejected Promise per event reaches onListenerError');
  assert.equal(reported.length, 4);
  assert.deepEqual(sync.map((r) => r.event.type), ['created', 'status']);
  assert.ok(Object.isFrozen(sync[0].event) && sync[0].event.task.taskId === task.taskId, 'onListenerError gets the event');

  // Every later call still works and its events are still delivered.
  await store.storeTaskResult(task.taskId, 'completed', { ok: true });
  assert.deepEqual(await store.getTaskResult(task.taskId), { ok: true });
  assert.equal(last.length, 3);
  await traps.check();
});

test('a listener that calls deleteTask or cleanup() from inside the callback: the causing call still resolves, events follow in order', async (t) => {
  const traps = strayErrors(t);
  const reported = [];
  const store = makeStore(t, { onListenerError: (error) => reported.push(error) });
  const keep = await store.createTask({}, 0, REQ);
  const events = [];
  const inner = [];
  let deleteOnCreate = true;
  store.onStatusChange((e) => {
    if (e.type === 'created' && deleteOnCreate) {
      deleteOnCreate = false;
      inner.push(store.deleteTask(e.task.taskId));
    }
    if (e.type === 'result') store.cleanup();
  });
  store.onStatusChange((e) => events.push(`${brief([e])[0]}:${e.task.taskId === keep.taskId ? 'keep' : 'new'}`));
  const waiting = outcome(store.waitForTerminal(keep.taskId));

  // deleteTask inside the 'created' callback: createTask resolves, the task is gone.
  const gone = await store.createTask({}, 1, REQ);
  assert.deepEqual(await Promise.all(inner), [true]);
  assert.equal(await store.getTask(gone.taskId), null);
  assert.deepEqual(events, ['created:working:new', 'removed:deleted:new']);

  // cleanup() inside the 'result' callback: storeTaskResult resolves, every task is removed.
  const other = await store.createTask({ ttl: 60_000 }, 2, REQ);
  events.length = 0;
  assert.equal(await store.storeTaskResult(keep.taskId, 'completed', { ok: 1 }), undefined);
  assert.equal(events[0], 'result:completed:keep');
  assert.deepEqual(events.slice(1).sort(), ['removed:cleared:keep', 'removed:cleared:new'].sort());
  assert.equal(store.size, 0);
  assert.equal(store.hasPendingTimer, false);
  assert.equal(await store.getTask(other.taskId), null);
  // The waiter saw the terminal state before cleanup() (it resolved with the completed task).
  await waiting.done;
  assert.ok(waiting.ok ? waiting.value.status === 'completed' : waiting.error.reason === 'cleared', 'waitForTerminal neither resolved nor rejected sensibly');
  // The store works afterwards.
  const again = await store.createTask({}, 3, REQ);
  assert.equal((await store.getTask(again.taskId)).status, 'working');
  assert.deepEqual(reported, []);
  await traps.check();
});

test('onListenerError defaults to console.error; an onListenerError that throws is contained too', async (t) => {
  const traps = strayErrors(t);
  const logged = [];
  const realError = console.error;
  console.error = (...args) => logged.push(args);
  t.after(() => {
    console.error = realError;
  });
  const store = makeStore(t);
  const boom = new Error('default boom');
  store.onStatusChange(() => {
    throw boom;
  });
  await store.createTask({}, 1, REQ);
  console.error = realError;
  assert.equal(logged.length, 1, 'console.error was not called once');
  assert.ok(logged[0].includes(boom), 'console.error did not get the error');

  const nasty = makeStore(t, {
    onListenerError() {
      throw new Error('onListenerError itself throws');
    },
  });
  nasty.onStatusChange(() => {
    throw new Error('listener');
  });
  nasty.onStatusChange(async () => {
    throw new Error('async listener');
  });
  const seen = record(nasty);
  console.error = () => {};
  const { taskId } = await nasty.createTask({}, 1, REQ);
  await nasty.updateTaskStatus(taskId, 'completed');
  await flush();
  console.error = realError;
  assert.equal(seen.events.length, 2);
  assert.equal((await nasty.getTask(taskId)).status, 'completed');
  await traps.check();
});

// ================================================================ watch

test('watch: yields every event in order; break ends it and unsubscribes', async (t) => {
  const store = makeStore(t);
  const before = store.stats().listeners;
  const it = store.watch();
  assert.equal(typeof it[Symbol.asyncIterator], 'function');
  assert.equal(it[Symbol.asyncIterator](), it);
  assert.equal(store.stats().listeners, before + 1);
  const a = await store.createTask({}, 1, REQ);
  await store.updateTaskStatus(a.taskId, 'input_required', 'q');
  const b = await store.createTask({}, 2, REQ);
  await store.storeTaskResult(a.taskId, 'completed', { v: 1 });
  const got = [];
  for await (const event of it) {
    got.push(event);
    assert.ok(Object.isFrozen(event));
    if (got.length === 4) break;
  }
  assert.deepEqual(brief(got), ['created:working', 'status:input_required', 'created:working', 'result:completed']);
  assert.deepEqual(got.map((e) => e.task.taskId), [a.taskId, a.taskId, b.taskId, a.taskId]);
  assert.equal(store.stats().listeners, before, 'break did not unsubscribe');
  assert.deepEqual(await it.next(), { value: undefined, done: true });
});

test('watch: a pending next() resolves at the next change; return() ends it', async (t) => {
  const store = makeStore(t);
  const it = store.watch();
  const pending = it.next();
  const task = await store.createTask({}, 1, REQ);
  const { value, done } = await pending;
  assert.equal(done, false);
  assert.deepEqual(value.task, task);
  const waiting = it.next();
  assert.deepEqual(await it.return(), { value: undefined, done: true });
  assert.deepEqual(await waiting, { value: undefined, done: true });
  assert.equal(store.stats().listeners, 0);
  await store.updateTaskStatus(task.taskId, 'working', 'x');
  assert.deepEqual(await it.next(), { value: undefined, done: true });
});

test('watch({ taskId }): only that task, ends after its terminal event, or at once if already terminal', async (t) => {
  const store = makeStore(t);
  const mine = await store.createTask({}, 1, REQ);
  const other = await store.createTask({}, 2, REQ);
  const it = store.watch({ taskId: mine.taskId });
  await store.updateTaskStatus(other.taskId, 'input_required');
  await store.updateTaskStatus(mine.taskId, 'input_required', 'q');
  await store.updateTaskStatus(mine.taskId, 'working');
  await store.storeTaskResult(mine.taskId, 'completed', { ok: true });
  await store.updateTaskStatus(other.taskId, 'working');
  const got = [];
  for await (const event of it) got.push(event);
  assert.deepEqual(brief(got), ['status:input_required', 'status:working', 'result:completed']);
  assert.ok(got.every((e) => e.task.taskId === mine.taskId));
  assert.equal(store.stats().listeners, 0, 'the ended watch is still subscribed');

  // Ends via updateTaskStatus to a terminal status too.
  const viaStatus = store.watch({ taskId: other.taskId });
  await store.updateTaskStatus(other.taskId, 'cancelled');
  const seen = [];
  for await (const event of viaStatus) seen.push(event);
  assert.deepEqual(brief(seen), ['status:cancelled']);

  // Already terminal: done at once, nothing to yield, nothing subscribed.
  const ended = store.watch({ taskId: mine.taskId });
  assert.deepEqual(await ended.next(), { value: undefined, done: true });
  assert.equal(store.stats().listeners, 0);
});

test('watch({ taskId }): ends after the task\'s removed event (deleted)', async (t) => {
  const store = makeStore(t);
  const task = await store.createTask({}, 1, REQ);
  const it = store.watch({ taskId: task.taskId });
  await store.updateTaskStatus(task.taskId, 'input_required');
  await store.deleteTask(task.taskId);
  const got = [];
  for await (const event of it) got.push(event);
  assert.deepEqual(brief(got), ['status:input_required', 'removed:deleted']);
  assert.equal(store.stats().listeners, 0);
});

test('watch: aborting its signal ends it (a pending next() resolves done); an already-aborted signal ends it at once', async (t) => {
  const store = makeStore(t);
  const controller = new AbortController();
  const it = store.watch({ signal: controller.signal });
  const pending = it.next();
  controller.abort(new Error('stop watching'));
  assert.deepEqual(await pending, { value: undefined, done: true });
  assert.equal(store.stats().listeners, 0);
  await store.createTask({}, 1, REQ);
  assert.deepEqual(await it.next(), { value: undefined, done: true });
  assert.equal(getEventListeners(controller.signal, 'abort').length, 0);

  const ended = store.watch({ signal: AbortSignal.abort() });
  await store.createTask({}, 2, REQ);
  assert.deepEqual(await ended.next(), { value: undefined, done: true });
  assert.equal(store.stats().listeners, 0);

  // Ended another way, the watch stops listening to its signal.
  const kept = new AbortController();
  const other = store.watch({ signal: kept.signal });
  await other.return();
  assert.equal(getEventListeners(kept.signal, 'abort').length, 0, 'the signal still has the watch\'s abort listener');
});

test('watch: an unknown or invisible taskId throws synchronously -32602 "Task with ID … not found"', async (t) => {
  const store = makeStore(t);
  const owned = await store.createTask({}, 1, REQ, 'A');
  for (const id of ['nope', crypto.randomUUID()]) throwsWith(() => store.watch({ taskId: id }), notFound(id));
  throwsWith(() => store.watch({ taskId: owned.taskId, sessionId: 'B' }), notFound(owned.taskId));
  assert.equal(store.stats().listeners, 0);
  // Its own session and no session see it.
  store.watch({ taskId: owned.taskId, sessionId: 'A' }).return();
  store.watch({ taskId: owned.taskId }).return();
});

test('watch: bad options throw synchronously (TypeError/RangeError, -32602, parameter named)', async (t) => {
  const store = makeStore(t);
  throwsWith(() => store.watch(5), { cls: TypeError });
  throwsWith(() => store.watch('x'), { cls: TypeError });
  throwsWith(() => store.watch({ bogus: true }), { cls: TypeError, includes: 'bogus' });
  throwsWith(() => store.watch({ signal: {} }), { cls: TypeError, includes: 'signal' });
  throwsWith(() => store.watch({ signal: 'abort' }), { cls: TypeError, includes: 'signal' });
  throwsWith(() => store.watch({ taskId: 5 }), { cls: TypeError, includes: 'taskId' });
  throwsWith(() => store.watch({ sessionId: 5 }), { cls: TypeError, includes: 'sessionId' });
  for (const bufferSize of [0, -1, 1.5, NaN, 1_000_001, Infinity]) {
    throwsWith(() => store.watch({ bufferSize }), { cls: RangeError, includes: 'bufferSize' });
  }
  throwsWith(() => store.watch({ bufferSize: '10' }), { cls: TypeError, includes: 'bufferSize' });
  assert.equal(store.stats().listeners, 0, 'a refused watch was subscribed');
  for (const options of [undefined, null, {}, { bufferSize: 1 }, { bufferSize: 1_000_000 }]) store.watch(options).return();
  assert.equal(store.stats().listeners, 0);
});

test('watch: a consumer that does not read gets the first 1000 events, then next() rejects -32603; the store is never blocked', async (t) => {
  const store = makeStore(t);
  const { taskId } = await store.createTask({}, 1, REQ);
  const it = store.watch();
  assert.equal(store.stats().listeners, 1);
  const t0 = performance.now();
  for (let i = 0; i < 1001; i++) await store.updateTaskStatus(taskId, 'working', `step ${i}`);
  assert.ok(performance.now() - t0 < 5000, 'the store was slowed down by an unread watch');
  assert.equal(store.stats().listeners, 0, 'the overrun watch is still subscribed');
  for (let i = 0; i < 1000; i++) {
    const { value, done } = await it.next();
    assert.equal(done, false, `event ${i}`);
    assert.equal(value.task.statusMessage, `step ${i}`);
  }
  await assert.rejects(it.next(), (err) => checkError(err, { cls: Error, code: -32603 }));
  assert.deepEqual(await it.next(), { value: undefined, done: true });
  await store.updateTaskStatus(taskId, 'working', 'after');
  assert.equal(store.stats().listeners, 0);
});

test('watch: bufferSize n holds exactly n unread events; one more stops it', async (t) => {
  const store = makeStore(t);
  const { taskId } = await store.createTask({}, 1, REQ);
  const fits = store.watch({ bufferSize: 3 });
  const overflows = store.watch({ bufferSize: 3 });
  for (let i = 0; i < 3; i++) await store.updateTaskStatus(taskId, 'working', `a${i}`);
  for (let i = 0; i < 3; i++) assert.equal((await fits.next()).value.task.statusMessage, `a${i}`);
  await store.updateTaskStatus(taskId, 'working', 'b');
  assert.equal((await fits.next()).value.task.statusMessage, 'b', 'a watch that keeps up keeps going');
  for (let i = 0; i < 3; i++) assert.equal((await overflows.next()).value.task.statusMessage, `a${i}`);
  await assert.rejects(overflows.next(), (err) => checkError(err, { cls: Error, code: -32603 }));
  await fits.return();
  assert.equal(store.stats().listeners, 0);
});

// ================================================================ waitForUpdate / waitForTerminal

test('waitForUpdate resolves with the task at its next change after the call, not an earlier one', async (t) => {
  const store = makeStore(t);
  const { taskId } = await store.createTask({}, 1, REQ);
  await store.updateTaskStatus(taskId, 'input_required', 'before the call');
  const w = outcome(store.waitForUpdate(taskId));
  await flush();
  assert.equal(w.settled, false, 'resolved for a change made before the call');
  await store.updateTaskStatus(taskId, 'working', 'after the call');
  await w.done;
  assert.ok(w.ok, w.error?.message);
  assert.deepEqual(w.value, await store.getTask(taskId));
  assert.equal(w.value.statusMessage, 'after the call');
  // A result is a change as well.
  const r = store.waitForUpdate(taskId);
  await store.storeTaskResult(taskId, 'completed', { ok: true });
  assert.equal((await r).status, 'completed');
  assert.equal(store.stats().waiters, 0);
});

test('waitForTerminal resolves at once when terminal, else at the terminal change and not before', async (t) => {
  const store = makeStore(t);
  const done = await store.createTask({}, 1, REQ);
  await store.updateTaskStatus(done.taskId, 'failed', 'broken');
  assert.deepEqual(await store.waitForTerminal(done.taskId), await store.getTask(done.taskId));
  const { taskId } = await store.createTask({}, 2, REQ);
  const w = outcome(store.waitForTerminal(taskId));
  await store.updateTaskStatus(taskId, 'input_required');
  await store.updateTaskStatus(taskId, 'working', 'again');
  await flush();
  assert.equal(w.settled, false, 'resolved at a non-terminal change');
  assert.equal(store.stats().waiters, 1);
  await store.storeTaskResult(taskId, 'completed', { n: 1 });
  await w.done;
  assert.ok(w.ok, w.error?.message);
  assert.equal(w.value.status, 'completed');
  assert.deepEqual(w.value, await store.getTask(taskId));
  assert.equal(store.stats().waiters, 0);
});

test('every waiter on a task wakes, not only the last', async (t) => {
  const store = makeStore(t);
  const { taskId } = await store.createTask({}, 1, REQ);
  const bystander = await store.createTask({}, 2, REQ);
  const updates = Array.from({ length: 50 }, () => outcome(store.waitForUpdate(taskId)));
  const terminals = Array.from({ length: 50 }, () => outcome(store.waitForTerminal(taskId, { timeout: 60_000 })));
  const others = Array.from({ length: 5 }, () => outcome(store.waitForUpdate(bystander.taskId)));
  assert.equal(store.stats().waiters, 105);
  await store.updateTaskStatus(taskId, 'input_required', 'one change');
  await Promise.all(updates.map((o) => o.done));
  await flush();
  assert.equal(updates.filter((o) => o.ok && o.value.statusMessage === 'one change').length, 50, 'not every waitForUpdate woke');
  assert.equal(terminals.filter((o) => o.settled).length, 0, 'a waitForTerminal woke at a non-terminal change');
  assert.equal(others.filter((o) => o.settled).length, 0, 'a waiter on another task woke');
  await store.updateTaskStatus(taskId, 'cancelled');
  await Promise.all(terminals.map((o) => o.done));
  assert.equal(terminals.filter((o) => o.ok && o.value.status === 'cancelled').length, 50, 'not every waitForTerminal woke');
  assert.equal(store.stats().waiters, 5);
  await store.updateTaskStatus(bystander.taskId, 'working', 'x');
  await Promise.all(others.map((o) => o.done));
  assert.ok(others.every((o) => o.ok));
  assert.equal(store.stats().waiters, 0);
  assert.equal(store.stats().pendingTimers, 0, 'the timeouts of resolved waits were not cleared');
});

test('no lost wake-up: a change between check and wait is seen', async (t) => {
  const store = makeStore(t);
  // 1. The change happens synchronously right before the wait is made: waitForTerminal sees it.
  const a = await store.createTask({}, 1, REQ);
  const storing = store.storeTaskResult(a.taskId, 'completed', { a: 1 });
  assert.equal((await store.waitForTerminal(a.taskId, { timeout: 2000 })).status, 'completed');
  await storing;

  // 2. A change made synchronously right after the wait call (same tick) wakes it.
  const b = await store.createTask({}, 2, REQ);
  const wu = store.waitForUpdate(b.taskId, { timeout: 2000 });
  const wt = store.waitForTerminal(b.taskId, { timeout: 2000 });
  store.updateTaskStatus(b.taskId, 'cancelled');
  assert.equal((await wu).status, 'cancelled');
  assert.equal((await wt).status, 'cancelled');

  // 3. Waits made from inside the listener of the terminal change itself.
  const c = await store.createTask({}, 3, REQ);
  const inListener = [];
  const off = store.onStatusChange((e) => {
    if (e.task.taskId === c.taskId && TERMINAL.includes(e.task.status)) {
      inListener.push(store.waitForTerminal(c.taskId, { timeout: 2000 }));
    }
  });
  await store.updateTaskStatus(c.taskId, 'failed');
  off();
  assert.equal((await inListener[0]).status, 'failed');

  // 4. The check-then-wait pattern under interleavings: the producer ends each task after
  //    0..3 turns of the event loop while the consumer reads it and then waits; never a timeout.
  const ids = [];
  for (let i = 0; i < 300; i++) ids.push((await store.createTask({}, i, REQ)).taskId);
  const producer = Promise.all(
    ids.map(async (id, i) => {
      for (let k = 0; k < i % 4; k++) await (k % 2 ? tick() : Promise.resolve());
      await store.storeTaskResult(id, 'completed', { i });
    }),
  );
  const consumer = Promise.all(
    ids.map(async (id) => {
      const seen = await store.getTask(id);
      if (TERMINAL.includes(seen.status)) return seen;
      return store.waitForTerminal(id, { timeout: 5000 });
    }),
  );
  const [, results] = await Promise.all([producer, consumer]);
  assert.ok(results.every((x) => x.status === 'completed'));
  assert.equal(store.stats().waiters, 0);
});

test('waits reject when the task is removed: deleted, cleared (Error -32602 with reason)', async (t) => {
  const store = makeStore(t);
  const a = await store.createTask({}, 1, REQ);
  const b = await store.createTask({ ttl: 60_000 }, 2, REQ);
  const c = await store.createTask({}, 3, REQ);
  await store.storeTaskResult(c.taskId, 'completed', {});
  const wa = outcome(store.waitForUpdate(a.taskId));
  const wa2 = outcome(store.waitForTerminal(a.taskId));
  await store.deleteTask(a.taskId);
  await Promise.all([wa.done, wa2.done]);
  assert.equal(wa.ok, false, 'waitForUpdate resolved on deletion');
  checkRemovedError(wa.error, 'deleted');
  checkRemovedError(wa2.error, 'deleted');
  const wb = outcome(store.waitForTerminal(b.taskId, { timeout: 60_000 }));
  const wc = outcome(store.waitForUpdate(c.taskId)); // a terminal task's only change left is removal
  store.cleanup();
  await Promise.all([wb.done, wc.done]);
  checkRemovedError(wb.error, 'cleared');
  checkRemovedError(wc.error, 'cleared');
  assert.equal(store.stats().waiters, 0);
  assert.equal(store.stats().pendingTimers, 0);
});

test('expiry wakes waiters and emits removed/expired (timer and lazily)', async (t) => {
  // The store's own (real) timer, nothing else calling the store.
  {
    const store = makeStore(t, { minTtl: 0 });
    const { events } = record(store);
    const task = await store.createTask({ ttl: 40 }, 1, REQ);
    await store.updateTaskStatus(task.taskId, 'input_required', 'last words');
    const last = await store.getTask(task.taskId);
    const wu = outcome(store.waitForUpdate(task.taskId));
    const wt = outcome(store.waitForTerminal(task.taskId));
    const watched = store.watch({ taskId: task.taskId });
    await Promise.all([wu.done, wt.done]);
    checkRemovedError(wu.error, 'expired');
    checkRemovedError(wt.error, 'expired');
    assert.deepEqual(brief(events), ['created:working', 'status:input_required', 'removed:expired']);
    assert.deepEqual(events[2].task, last);
    const got = [];
    for await (const e of watched) got.push(e);
    assert.deepEqual(brief(got), ['removed:expired']);
    assert.equal(store.size, 0);
    assert.equal(store.stats().waiters, 0);
    assert.equal(store.stats().listeners, 1);
  }
  // Lazily: the clock passes the deadline, the next call of the store expires the task.
  {
    const clock = fakeClock(t);
    const store = makeStore(t);
    const { events } = record(store);
    const task = await store.createTask({ ttl: 5000 }, 1, REQ);
    const done = await store.createTask({ ttl: 5000 }, 2, REQ);
    await store.storeTaskResult(done.taskId, 'completed', { ok: true }); // deadline restarts: T0 + 5000
    const wt = outcome(store.waitForTerminal(task.taskId));
    const wu = outcome(store.waitForUpdate(done.taskId));
    clock.advance(5000);
    events.length = 0;
    assert.equal(await store.getTask(task.taskId), null);
    assert.deepEqual(brief(events).sort(), ['removed:expired', 'removed:expired']);
    assert.deepEqual(events.map((e) => e.task.taskId).sort(), [task.taskId, done.taskId].sort());
    await Promise.all([wt.done, wu.done]);
    checkRemovedError(wt.error, 'expired');
    checkRemovedError(wu.error, 'expired');
    assert.equal(store.stats().waiters, 0);
  }
});

test('wait abort: rejects with signal.reason; an already-aborted signal rejects at once; nothing is left behind', async (t) => {
  const store = makeStore(t);
  const { taskId } = await store.createTask({}, 1, REQ);
  for (const method of ['waitForUpdate', 'waitForTerminal']) {
    const controller = new AbortController();
    const reason = new Error(`stop ${method}`);
    const w = outcome(store[method](taskId, { signal: controller.signal }));
    assert.equal(store.stats().waiters, 1);
    controller.abort(reason);
    await w.done;
    assert.equal(w.error, reason, `${method}: not rejected with signal.reason`);
    assert.equal(store.stats().waiters, 0);
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);

    const custom = { why: 'not an Error' };
    const already = outcome(store[method](taskId, { signal: AbortSignal.abort(custom) }));
    await already.done;
    assert.equal(already.error, custom, `${method}: an already-aborted signal`);
    const plain = outcome(store[method](taskId, { signal: AbortSignal.abort() }));
    await plain.done;
    assert.equal(plain.error?.name, 'AbortError');
    assert.equal(store.stats().waiters, 0);
  }
  // A wait that resolves removes its abort listener.
  const controller = new AbortController();
  const w = store.waitForUpdate(taskId, { signal: controller.signal, timeout: 10_000 });
  await store.updateTaskStatus(taskId, 'working', 'moved');
  await w;
  assert.equal(getEventListeners(controller.signal, 'abort').length, 0, 'a resolved wait still listens to its signal');
  controller.abort();
  assert.equal(store.stats().pendingTimers, 0, 'the timeout of a resolved wait is still armed');
});

test('one AbortSignal shared by waits and a watch, across two stores: abort rejects every pending one, then lets go of the signal', async (t) => {
  const s1 = makeStore(t);
  const s2 = makeStore(t);
  const id1 = (await s1.createTask({}, 1, REQ)).taskId;
  const id2 = (await s2.createTask({}, 1, REQ)).taskId;
  const controller = new AbortController();
  const { signal } = controller;
  const resolved = outcome(s1.waitForUpdate(id1, { signal }));
  const other = outcome(s2.waitForUpdate(id2, { signal }));
  const terminal = outcome(s1.waitForTerminal(id1, { signal, timeout: 60_000 }));
  const watch = s1.watch({ signal });
  await s1.updateTaskStatus(id1, 'working', 'moved');
  await resolved.done;
  assert.equal(resolved.value?.statusMessage, 'moved');
  const later = outcome(s1.waitForUpdate(id1, { signal })); // a new wait on a signal some waits already used
  controller.abort('shared reason');
  await Promise.all([other.done, terminal.done, later.done]);
  for (const [name, w] of Object.entries({ other, terminal, later })) assert.equal(w.error, 'shared reason', name);
  assert.deepEqual(await watch.next(), { value: undefined, done: true });
  assert.deepEqual([s1.stats().waiters, s2.stats().waiters, s1.stats().listeners], [0, 0, 0]);
  assert.equal(getEventListeners(signal, 'abort').length, 0);
});

test('a wait made inside a listener waits for the next change, not the one being delivered', async (t) => {
  const store = makeStore(t);
  const { taskId } = await store.createTask({}, 1, REQ);
  let inner;
  const off = store.onStatusChange((e) => {
    if (e.task.statusMessage === 'first') inner = outcome(store.waitForUpdate(taskId));
  });
  await store.updateTaskStatus(taskId, 'working', 'first');
  await flush();
  assert.equal(inner.settled, false, 'woken by the change that was being delivered when it was made');
  off();
  await store.updateTaskStatus(taskId, 'working', 'second');
  await inner.done;
  assert.equal(inner.value.statusMessage, 'second');
  // Made in a listener that then changes the task itself: that later change wakes it.
  let nested;
  store.onStatusChange((e) => {
    if (e.task.statusMessage === 'one') {
      nested = outcome(store.waitForUpdate(taskId));
      store.updateTaskStatus(taskId, 'working', 'two');
    }
  });
  await store.updateTaskStatus(taskId, 'working', 'one');
  await nested.done;
  assert.equal(nested.value?.statusMessage, 'two');
});

test('wait timeout: rejects with TimeoutError (-32001); waitForTerminal on a terminal task resolves despite timeout 0', async (t) => {
  const store = makeStore(t);
  const { taskId } = await store.createTask({}, 1, REQ);
  const t0 = performance.now();
  const w = outcome(store.waitForUpdate(taskId, { timeout: 30 }));
  const wt = outcome(store.waitForTerminal(taskId, { timeout: 60 }));
  assert.equal(store.stats().pendingTimers, 1);
  await w.done;
  assert.ok(performance.now() - t0 >= 25, `timed out after ${performance.now() - t0} ms`);
  checkTimeoutError(w.error);
  await wt.done;
  checkTimeoutError(wt.error);
  const zero = outcome(store.waitForUpdate(taskId, { timeout: 0 }));
  await zero.done;
  checkTimeoutError(zero.error);
  assert.equal(store.stats().waiters, 0);
  assert.equal(store.stats().pendingTimers, 0);
  assert.equal(store.hasPendingTimer, false);
  await store.updateTaskStatus(taskId, 'completed');
  assert.equal((await store.waitForTerminal(taskId, { timeout: 0 })).status, 'completed');
});

test('wait timeout beyond setTimeout\'s limit (2^31 ms) does not fire at once', async (t) => {
  const spy = timerSpy(t);
  const store = makeStore(t);
  const { taskId } = await store.createTask({}, 1, REQ);
  const w = outcome(store.waitForUpdate(taskId, { timeout: 2 ** 31 + 5 }));
  const w2 = outcome(store.waitForTerminal(taskId, { timeout: 30 * 24 * 3600 * 1000 }));
  await sleep(50);
  assert.equal(w.settled, false, `a ${2 ** 31 + 5} ms timeout fired: ${w.error?.name}`);
  assert.equal(w2.settled, false, 'a 30-day timeout fired');
  assert.ok(spy.delays.every((d) => d <= 2 ** 31 - 1), `a timer was armed for ${Math.max(...spy.delays)} ms`);
  await store.updateTaskStatus(taskId, 'completed');
  await Promise.all([w.done, w2.done]);
  assert.ok(w.ok && w2.ok);
  assert.equal(store.stats().pendingTimers, 0);
});

test('waits on an unknown or invisible task reject -32602 "Task with ID … not found"', async (t) => {
  const store = makeStore(t);
  const owned = await store.createTask({}, 1, REQ, 'A');
  for (const method of ['waitForUpdate', 'waitForTerminal']) {
    for (const id of ['nope', crypto.randomUUID()]) await rejectsWith(() => store[method](id), notFound(id));
    await rejectsWith(() => store[method](owned.taskId, { sessionId: 'B' }), notFound(owned.taskId));
  }
  assert.equal(store.stats().waiters, 0);
  const own = outcome(store.waitForUpdate(owned.taskId, { sessionId: 'A' }));
  await store.updateTaskStatus(owned.taskId, 'input_required');
  await own.done;
  assert.ok(own.ok);
});

test('wait options are checked: TypeError/RangeError with -32602 naming the parameter', async (t) => {
  const store = makeStore(t);
  const { taskId } = await store.createTask({}, 1, REQ);
  for (const method of ['waitForUpdate', 'waitForTerminal']) {
    const call = (...args) => () => store[method](...args);
    await rejectsWith(call(taskId, 5), { cls: TypeError });
    await rejectsWith(call(taskId, 'fast'), { cls: TypeError });
    await rejectsWith(call(taskId, { tiemout: 5 }), { cls: TypeError, includes: 'tiemout' });
    for (const timeout of [-1, NaN, -Infinity]) await rejectsWith(call(taskId, { timeout }), { cls: RangeError, includes: 'timeout' });
    await rejectsWith(call(taskId, { timeout: '5' }), { cls: TypeError, includes: 'timeout' });
    for (const signal of [{}, { aborted: false }, 'signal', 5, new EventTarget()]) {
      await rejectsWith(call(taskId, { signal }), { cls: TypeError, includes: 'signal' });
    }
    await rejectsWith(call(taskId, { sessionId: 5 }), { cls: TypeError, includes: 'sessionId' });
    await rejectsWith(call(5), { cls: TypeError, includes: 'taskId' });
  }
  assert.equal(store.stats().waiters, 0, 'a refused wait was registered');
  assert.equal(store.stats().pendingTimers, 0);
  // Absent options and explicitly undefined fields are fine.
  for (const options of [undefined, null, {}, { timeout: undefined, signal: undefined, sessionId: undefined }]) {
    const w = store.waitForUpdate(taskId, options);
    await store.updateTaskStatus(taskId, 'working');
    await w;
  }
});

test('no leaks: 100,000 aborted or timed-out waits leave no waiter, listener or timer', async (t) => {
  const spy = timerSpy(t);
  const store = makeStore(t);
  const { taskId } = await store.createTask({}, 1, REQ);
  const done = await store.createTask({}, 2, REQ);
  await store.updateTaskStatus(done.taskId, 'completed');
  const longLived = new AbortController(); // never aborted: every wait must let go of it
  const method = (i) => (i % 3 ? 'waitForUpdate' : 'waitForTerminal');
  let aborted = 0;
  let timedOut = 0;
  for (let batch = 0; batch < 10; batch++) {
    // 5,000 aborted waits: half on one shared signal, half on a signal of their own.
    const shared = new AbortController();
    const own = [];
    const waits = [];
    for (let i = 0; i < 5000; i++) {
      let signal = shared.signal;
      if (i % 2) {
        const c = new AbortController();
        own.push(c);
        signal = c.signal;
      }
      waits.push(store[method(i)](taskId, { signal, timeout: 60_000 }));
    }
    const reason = new Error(`batch ${batch} aborted`);
    shared.abort(reason);
    for (const c of own) c.abort(reason);
    aborted += (await Promise.allSettled(waits)).filter((r) => r.status === 'rejected' && r.reason === reason).length;
    // 5,000 timed-out waits, with the long-lived signal.
    const timing = [];
    for (let i = 0; i < 5000; i++) timing.push(store[method(i)](taskId, { timeout: 1 + (i % 5), signal: longLived.signal }));
    timedOut += (await Promise.allSettled(timing)).filter((r) => r.status === 'rejected' && r.reason?.name === 'TimeoutError').length;
    assert.equal(store.stats().waiters, 0, `after batch ${batch}`);
  }
  assert.equal(aborted, 50_000);
  assert.equal(timedOut, 50_000);

  // Plus: already-aborted signals, watches ended by their signal, and waits that resolve at once.
  const reason = new Error('already');
  const pre = [];
  for (let i = 0; i < 5000; i++) pre.push(store[method(i)](taskId, { signal: AbortSignal.abort(reason), timeout: 5000 }));
  assert.ok((await Promise.allSettled(pre)).every((r) => r.status === 'rejected' && r.reason === reason));
  const watchControllers = Array.from({ length: 1000 }, () => new AbortController());
  const watches = watchControllers.map((c) => store.watch({ signal: c.signal, taskId }));
  assert.equal(store.stats().listeners, 1000);
  for (const c of watchControllers) c.abort();
  for (const w of watches) assert.deepEqual(await w.next(), { value: undefined, done: true });
  for (let i = 0; i < 10_000; i++) await store.waitForTerminal(done.taskId, { signal: longLived.signal, timeout: 1000 });
  // Last, waits with a long timeout that are aborted: their deadline must not keep the timer armed.
  const last = new AbortController();
  const lastWaits = Array.from({ length: 1000 }, (_, i) => store[method(i)](taskId, { signal: last.signal, timeout: 600_000 }));
  last.abort(reason);
  assert.ok((await Promise.allSettled(lastWaits)).every((r) => r.status === 'rejected' && r.reason === reason));

  const stats = store.stats();
  assert.equal(stats.waiters, 0);
  assert.equal(stats.listeners, 0);
  assert.equal(stats.pendingTimers, 0);
  assert.equal(store.hasPendingTimer, false);
  assert.equal(spy.live.size, 0, 'a timer is still pending');
  assert.ok(spy.maxLive <= 1, `${spy.maxLive} timers were pending at once`);
  assert.equal(getEventListeners(longLived.signal, 'abort').length, 0, 'waits left abort listeners on their signal');
  assert.equal(store.size, 2);
  // The store still wakes waiters after all that.
  const w = store.waitForUpdate(taskId, { timeout: 5000 });
  await store.updateTaskStatus(taskId, 'working', 'still alive');
  assert.equal((await w).statusMessage, 'still alive');
});

test('10,000 waits with timeouts hold one store timer', async (t) => {
  const clock = fakeClock(t);
  const spy = timerSpy(t);
  const store = makeStore(t);
  const ids = [];
  for (let i = 0; i < 10; i++) ids.push((await store.createTask({}, i, REQ)).taskId);
  assert.equal(store.stats().pendingTimers, 0);
  assert.equal(store.hasPendingTimer, false);
  const waits = [];
  // Decreasing timeouts: each new wait has the earliest deadline so far.
  for (let i = 0; i < 10_000; i++) {
    const id = ids[i % 10];
    const timeout = 70_000 - i;
    const wait = i % 2 ? store.waitForUpdate(id, { timeout }) : store.waitForTerminal(id, { timeout });
    wait.catch(() => {}); // if an assertion below fails, cleanup() rejects these
    waits.push(wait);
  }
  assert.equal(store.stats().waiters, 10_000);
  assert.equal(store.stats().pendingTimers, 1);
  assert.equal(store.hasPendingTimer, true);
  assert.equal(spy.live.size, 1, `${spy.live.size} timers pending`);
  assert.equal(spy.maxLive, 1, `up to ${spy.maxLive} timers were pending at once`);
  assert.equal(spy.delays.at(-1), 70_000 - 9_999, 'the timer is armed for the earliest deadline');
  // Documented: while a wait with a timeout is pending the timer keeps Node alive, else it is unref'd.
  for (const handle of spy.live) assert.equal(handle.hasRef(), true, 'a pending wait timeout does not keep Node alive');
  // Tasks with a ttl share the same timer.
  await store.createTask({ ttl: 100_000 }, 'ttl', REQ);
  await store.createTask({ ttl: 1000 }, 'ttl', REQ);
  assert.equal(spy.live.size, 1);
  assert.equal(store.stats().pendingTimers, 1);
  // Ending every task settles every wait; only the ttl tasks keep the timer.
  for (const id of ids) await store.updateTaskStatus(id, 'completed');
  const settled = await Promise.allSettled(waits);
  assert.ok(settled.every((r) => r.status === 'fulfilled' && r.value.status === 'completed'));
  assert.equal(store.stats().waiters, 0);
  assert.equal(store.stats().pendingTimers, 1);
  assert.equal(spy.live.size, 1);
  assert.equal(spy.delays.at(-1) <= 1000, true, 'the timer was not re-armed for the ttl deadline');
  for (const handle of spy.live) assert.equal(handle.hasRef(), false, 'with no wait pending the timer still keeps Node alive');
  store.cleanup();
  assert.equal(store.stats().pendingTimers, 0);
  assert.equal(store.hasPendingTimer, false);
  assert.equal(spy.live.size, 0);
});

// ================================================================ deleteTask

test('deleteTask removes the task with its result and queued messages: true, then false', async (t) => {
  const store = makeStore(t);
  const queue = store.messageQueue();
  const keep = await store.createTask({}, 0, REQ);
  for (const status of ['working', 'input_required', 'completed', 'cancelled']) {
    const { taskId } = await store.createTask({ ttl: 60_000 }, 1, REQ);
    if (status === 'completed') await store.storeTaskResult(taskId, 'completed', { big: 'x'.repeat(1000) });
    else if (status !== 'working') await store.updateTaskStatus(taskId, status);
    await queue.enqueue(taskId, { type: 'notification', message: { jsonrpc: '2.0', method: 'm' }, timestamp: 1 });
    assert.equal(queue.queueCount, 1);
    assert.equal(await store.deleteTask(taskId), true, status);
    assert.equal(await store.getTask(taskId), null);
    await rejectsWith(() => store.getTaskResult(taskId), notFound(taskId));
    assert.equal(queue.queueCount, 0, `${status}: the queued message stayed`);
    assert.equal(await queue.dequeue(taskId), undefined);
    assert.equal(await store.deleteTask(taskId), false, 'deleted twice');
  }
  assert.equal(await store.deleteTask('nope'), false);
  assert.equal(await store.deleteTask(crypto.randomUUID()), false);
  assert.deepEqual(store.getAllTasks().map((x) => x.taskId), [keep.taskId]);
});

test('deleteTask: another session\'s task is "false" and untouched; unowned tasks and no-session callers may delete', async (t) => {
  const store = makeStore(t);
  const a = await store.createTask({}, 1, REQ, 'A');
  const u = await store.createTask({}, 2, REQ);
  const a2 = await store.createTask({}, 3, REQ, 'A');
  const { events } = record(store);
  assert.equal(await store.deleteTask(a.taskId, 'B'), false);
  assert.deepEqual(await store.getTask(a.taskId), a);
  assert.deepEqual(events, [], 'a refused deleteTask emitted an event');
  assert.equal(await store.deleteTask(a.taskId, 'A'), true);
  assert.equal(await store.deleteTask(u.taskId, 'B'), true);
  assert.equal(await store.deleteTask(a2.taskId), true);
  assert.deepEqual(brief(events), ['removed:deleted', 'removed:deleted', 'removed:deleted']);
  assert.equal(store.size, 0);
  assert.equal(store.stats().sessions, 0);
});

test('deleteTask: bad arguments reject (-32602) and delete nothing', async (t) => {
  const store = makeStore(t);
  const { taskId } = await store.createTask({}, 1, REQ);
  await rejectsWith(() => store.deleteTask(5), { cls: TypeError, includes: 'taskId' });
  await rejectsWith(() => store.deleteTask(undefined), { cls: TypeError, includes: 'taskId' });
  await rejectsWith(() => store.deleteTask(taskId, ''), { cls: RangeError, includes: 'sessionId' });
  await rejectsWith(() => store.deleteTask(taskId, 7), { cls: TypeError, includes: 'sessionId' });
  assert.equal(store.size, 1);
});

// ================================================================ cancelTask

test('cancelTask (method): a working or input_required task is cancelled before the Promise resolves with it', async (t) => {
  const store = makeStore(t);
  const { events } = record(store);
  for (const from of ['working', 'input_required']) {
    const { taskId } = await store.createTask({}, 1, REQ, 'A');
    if (from !== 'working') await store.updateTaskStatus(taskId, from);
    const waiter = store.waitForTerminal(taskId);
    const cancelled = await store.cancelTask(taskId, 'A');
    assert.equal(cancelled.status, 'cancelled');
    assert.deepEqual(cancelled, await store.getTask(taskId));
    assert.deepEqual(await waiter, cancelled);
    assert.deepEqual(events.at(-1).task, cancelled);
    assert.equal(events.at(-1).type, 'status');
  }
});

test('cancelTask (method): unknown, another session\'s or terminal task rejects -32602 and changes nothing', async (t) => {
  const store = makeStore(t);
  for (const status of TERMINAL) {
    const { taskId } = await store.createTask({}, 1, REQ);
    await store.updateTaskStatus(taskId, status);
    const before = await store.getTask(taskId);
    await rejectsWith(() => store.cancelTask(taskId), { cls: Error, startsWith: `Cannot cancel task in terminal status: ${status}` });
    assert.deepEqual(await store.getTask(taskId), before);
  }
  const err = await rejectsWith(() => store.cancelTask('nope'), { cls: Error });
  assert.match(err.message, /nope/);
  const owned = await store.createTask({}, 1, REQ, 'A');
  const other = await rejectsWith(() => store.cancelTask(owned.taskId, 'B'), { cls: Error });
  assert.match(other.message, /not found/);
  assert.equal((await store.getTask(owned.taskId)).status, 'working');
  await rejectsWith(() => store.cancelTask(5), { cls: TypeError, includes: 'taskId' });
});

test('cancelTask (module helper): with this store and with the SDK\'s own InMemoryTaskStore', async (t) => {
  const ours = makeStore(t);
  const sdk = new SdkTaskStore();
  t.after(() => sdk.cleanup());
  for (const store of [ours, sdk]) {
    const name = store === sdk ? 'SDK store' : 'our store';
    const task = await store.createTask({ ttl: 60_000 }, 1, REQ, 'A');
    const cancelled = await cancelTask(store, task.taskId, 'A');
    assert.equal(cancelled.status, 'cancelled', name);
    assert.equal(cancelled.taskId, task.taskId, name);
    assert.equal((await store.getTask(task.taskId, 'A')).status, 'cancelled', name);
    const terminal = await cancelTask(store, task.taskId, 'A').then(
      () => assert.fail(`${name}: cancelled a terminal task`),
      (e) => e,
    );
    checkError(terminal, { cls: Error, startsWith: 'Cannot cancel task in terminal status: cancelled' });
    const missing = await cancelTask(store, 'nope').then(() => assert.fail(`${name}: cancelled an unknown task`), (e) => e);
    checkError(missing, { cls: Error, includes: 'nope' });
    const other = await store.createTask({}, 2, REQ, 'A');
    const hidden = await cancelTask(store, other.taskId, 'B').then(() => assert.fail(`${name}: crossed sessions`), (e) => e);
    checkError(hidden, { cls: Error });
    assert.equal((await store.getTask(other.taskId, 'A')).status, 'working', name);
    const done = await store.createTask({}, 3, REQ);
    await store.storeTaskResult(done.taskId, 'completed', { content: [] });
    const completed = await cancelTask(store, done.taskId).then(() => assert.fail(name), (e) => e);
    checkError(completed, { cls: Error, startsWith: 'Cannot cancel task in terminal status: completed' });
  }
  for (const bad of [null, undefined, {}, 'store']) {
    await rejectsWith(() => cancelTask(bad, 'x'), { cls: TypeError, includes: 'store' });
  }
});

// ================================================================ runTask

test('runTask: the returned value completes the task; ctx has task, signal and status helpers', async (t) => {
  const traps = strayErrors(t);
  const store = makeStore(t);
  const task = await store.createTask({ ttl: 60_000 }, 1, REQ, 'A');
  const { events } = record(store);
  const seen = [];
  const result = { content: [{ type: 'text', text: 'all done' }], structuredContent: { n: 3 } };
  const ran = runTask(
    store,
    task.taskId,
    async (ctx) => {
      assert.deepEqual(Object.keys(ctx).sort(), ['complete', 'fail', 'needInput', 'resume', 'setStatus', 'signal', 'task']);
      assert.deepEqual({ ...ctx.task }, task);
      assert.ok(ctx.signal instanceof AbortSignal);
      assert.equal(ctx.signal.aborted, false);
      await ctx.setStatus('step 1');
      seen.push(await store.getTask(task.taskId));
      await ctx.needInput('which one?');
      seen.push(await store.getTask(task.taskId));
      await ctx.resume('got it');
      seen.push(await store.getTask(task.taskId));
      await ctx.needInput();
      await ctx.resume();
      seen.push(await store.getTask(task.taskId));
      return result;
    },
    { sessionId: 'A' },
  );
  assert.ok(ran instanceof Promise);
  assert.equal(await ran, undefined);
  assert.deepEqual(seen.map((x) => [x.status, x.statusMessage]), [
    ['working', 'step 1'],
    ['input_required', 'which one?'],
    ['working', 'got it'],
    ['working', 'got it'],
  ]);
  const end = await store.getTask(task.taskId);
  assert.equal(end.status, 'completed', 'runTask resolved before the outcome was stored');
  assert.deepEqual(await store.getTaskResult(task.taskId), result);
  assert.deepEqual(brief(events), ['status:working', 'status:input_required', 'status:working', 'status:input_required', 'status:working', 'result:completed']);
  assert.equal(store.stats().listeners, 1, 'runTask left a listener behind');
  assert.equal(store.stats().waiters, 0);
  await traps.check();
});

test('runTask: a returned isError result fails the task; ctx.complete and ctx.fail end it themselves', async (t) => {
  const traps = strayErrors(t);
  const store = makeStore(t);
  const a = await store.createTask({}, 1, REQ);
  await runTask(store, a.taskId, () => ({ content: [{ type: 'text', text: 'nope' }], isError: true }));
  assert.equal((await store.getTask(a.taskId)).status, 'failed');
  assert.deepEqual(await store.getTaskResult(a.taskId), { content: [{ type: 'text', text: 'nope' }], isError: true });

  const b = await store.createTask({}, 2, REQ);
  await runTask(store, b.taskId, async (ctx) => {
    await ctx.complete({ content: [{ type: 'text', text: 'early' }] });
    return { content: [{ type: 'text', text: 'ignored' }] };
  });
  assert.equal((await store.getTask(b.taskId)).status, 'completed');
  assert.deepEqual(await store.getTaskResult(b.taskId), { content: [{ type: 'text', text: 'early' }] });

  const c = await store.createTask({}, 3, REQ);
  await runTask(store, c.taskId, async (ctx) => {
    await ctx.fail('could not finish');
  });
  assert.equal((await store.getTask(c.taskId)).status, 'failed');
  assert.deepEqual(await store.getTaskResult(c.taskId), { content: [{ type: 'text', text: 'could not finish' }], isError: true });

  const d = await store.createTask({}, 4, REQ);
  await runTask(store, d.taskId, async (ctx) => {
    await ctx.complete({ content: [], isError: true });
  });
  assert.equal((await store.getTask(d.taskId)).status, 'failed', 'ctx.complete with isError: true');
  await traps.check();
});

test('runTask: a throw fails the task with the message as an isError text result', async (t) => {
  const traps = strayErrors(t);
  const store = makeStore(t);
  const sync = await store.createTask({}, 1, REQ);
  await runTask(store, sync.taskId, () => {
    throw new Error('sync boom');
  });
  const async = await store.createTask({}, 2, REQ);
  await runTask(store, async.taskId, async (ctx) => {
    await ctx.setStatus('half way');
    throw new TypeError('async boom');
  });
  for (const [task, message] of [[sync, 'sync boom'], [async, 'async boom']]) {
    assert.equal((await store.getTask(task.taskId)).status, 'failed');
    assert.deepEqual(await store.getTaskResult(task.taskId), { content: [{ type: 'text', text: message }], isError: true });
  }
  await traps.check();
});

test('runTask: a thrown non-Error (string, number, undefined, null) also fails the task with a text result', async (t) => {
  const traps = strayErrors(t);
  const store = makeStore(t);
  for (const thrown of ['plain string', 42, undefined, null]) {
    const { taskId } = await store.createTask({}, 1, REQ);
    await runTask(store, taskId, () => {
      throw thrown;
    });
    assert.equal((await store.getTask(taskId)).status, 'failed', String(thrown));
    const result = await store.getTaskResult(taskId);
    assert.equal(result.isError, true);
    assert.equal(result.content.length, 1);
    assert.equal(result.content[0].type, 'text');
    assert.equal(typeof result.content[0].text, 'string');
    if (typeof thrown === 'string') assert.equal(result.content[0].text, thrown);
  }
  await traps.check();
});

test('runTask: ctx.signal aborts on cancel, delete and cleanup; a cancelled task stays cancelled; nothing escapes', async (t) => {
  const traps = strayErrors(t);
  const store = makeStore(t);
  const aborted = (signal) =>
    new Promise((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
  const cases = {
    'cancelTask method, work returns': async (id) => store.cancelTask(id),
    'cancelTask helper, work throws': async (id) => cancelTask(store, id),
    'updateTaskStatus cancelled, work throws': async (id) => store.updateTaskStatus(id, 'cancelled'),
    'deleteTask, work returns': async (id) => store.deleteTask(id),
    'deleteTask, work throws': async (id) => store.deleteTask(id),
  };
  for (const [name, end] of Object.entries(cases)) {
    const { taskId } = await store.createTask({}, 1, REQ);
    let started;
    const startedP = new Promise((r) => (started = r));
    const ran = outcome(
      runTask(store, taskId, async (ctx) => {
        started();
        await aborted(ctx.signal);
        if (name.endsWith('throws')) throw ctx.signal.reason ?? new Error('aborted');
        return { content: [{ type: 'text', text: 'finished anyway' }] };
      }),
    );
    await startedP;
    await end(taskId);
    await ran.done;
    assert.ok(ran.ok, `${name}: runTask rejected: ${ran.error?.message}`);
    const after = await store.getTask(taskId);
    if (name.startsWith('deleteTask')) assert.equal(after, null, name);
    else {
      assert.equal(after.status, 'cancelled', `${name}: the cancelled task did not stay cancelled`);
      await rejectsWith(() => store.getTaskResult(taskId), { cls: Error, startsWith: `Task ${taskId} has no result stored` });
    }
  }
  // cleanup() aborts every running work.
  const ids = [];
  for (let i = 0; i < 3; i++) ids.push((await store.createTask({}, i, REQ)).taskId);
  const runs = ids.map((id) => outcome(runTask(store, id, async (ctx) => {
    await aborted(ctx.signal);
    throw new Error('cleaned up');
  })));
  await flush();
  store.cleanup();
  await Promise.all(runs.map((r) => r.done));
  assert.ok(runs.every((r) => r.ok));
  assert.equal(store.stats().listeners, 0);
  await traps.check();
});

test('runTask: ctx.signal aborts when the task expires (real timer)', async (t) => {
  const traps = strayErrors(t);
  const store = makeStore(t, { minTtl: 0 });
  const { taskId } = await store.createTask({ ttl: 50 }, 1, REQ);
  let signal;
  const ran = outcome(
    runTask(store, taskId, async (ctx) => {
      signal = ctx.signal;
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
      throw new Error('expired under me');
    }),
  );
  await ran.done;
  assert.ok(ran.ok, ran.error?.message);
  assert.equal(signal.aborted, true);
  assert.equal(await store.getTask(taskId), null);
  await traps.check();
});

test('runTask: rejects only for bad arguments or a task the caller cannot see, before work starts', async (t) => {
  const traps = strayErrors(t);
  const store = makeStore(t);
  const owned = await store.createTask({}, 1, REQ, 'A');
  let calls = 0;
  const work = () => {
    calls += 1;
    return { content: [] };
  };
  await rejectsWith(() => runTask(store, 'nope', work), { cls: Error, includes: 'nope' });
  await rejectsWith(() => runTask(store, owned.taskId, work, { sessionId: 'B' }), { cls: Error, includes: owned.taskId });
  for (const bad of [null, undefined, {}, 'store']) await rejectsWith(() => runTask(bad, owned.taskId, work), { cls: TypeError, includes: 'store' });
  await rejectsWith(() => runTask(store, 5, work), { cls: TypeError, includes: 'taskId' });
  for (const bad of [undefined, null, 'work', {}]) await rejectsWith(() => runTask(store, owned.taskId, bad), { cls: TypeError, includes: 'work' });
  await rejectsWith(() => runTask(store, owned.taskId, work, { sesionId: 'A' }), { cls: TypeError, includes: 'sesionId' });
  await rejectsWith(() => runTask(store, owned.taskId, work, 'A'), { cls: TypeError });
  assert.equal(calls, 0, 'work ran although runTask rejected');
  assert.equal((await store.getTask(owned.taskId)).status, 'working');
  // A terminal task: work has nothing to do; runTask does not call it... or if it does, the task stays as it was.
  const done = await store.createTask({}, 2, REQ);
  await store.updateTaskStatus(done.taskId, 'cancelled');
  await runTask(store, done.taskId, work).catch((e) => checkError(e, { cls: Error }));
  assert.equal((await store.getTask(done.taskId)).status, 'cancelled');
  await runTask(store, owned.taskId, work, { sessionId: 'A' });
  assert.equal(calls >= 1, true);
  assert.equal((await store.getTask(owned.taskId)).status, 'completed');
  await traps.check();
});

test('runTask: a returned value the store refuses (not a JSON object) fails the task instead of leaving it working', async (t) => {
  const traps = strayErrors(t);
  const store = makeStore(t);
  for (const value of [undefined, 'text', 42, { n: 10n }, { f() {} }]) {
    const { taskId } = await store.createTask({}, 1, REQ);
    const ran = outcome(runTask(store, taskId, () => value));
    await ran.done;
    assert.ok(ran.ok, `runTask rejected for a returned ${typeof value}: ${ran.error?.message}`);
    const after = await store.getTask(taskId);
    assert.ok(TERMINAL.includes(after.status), `returned ${String(value?.n ?? value)}: the task stayed ${after.status}`);
  }
  await traps.check();
});

test('runTask: works with the SDK\'s own InMemoryTaskStore', async (t) => {
  const traps = strayErrors(t);
  const sdk = new SdkTaskStore();
  t.after(() => sdk.cleanup());
  const a = await sdk.createTask({}, 1, REQ, 'A');
  await runTask(
    sdk,
    a.taskId,
    async (ctx) => {
      assert.equal(ctx.task.taskId, a.taskId);
      await ctx.setStatus('working on it');
      assert.equal((await sdk.getTask(a.taskId, 'A')).statusMessage, 'working on it');
      return { content: [{ type: 'text', text: 'sdk done' }] };
    },
    { sessionId: 'A' },
  );
  assert.equal((await sdk.getTask(a.taskId)).status, 'completed');
  assert.deepEqual(await sdk.getTaskResult(a.taskId), { content: [{ type: 'text', text: 'sdk done' }] });
  const b = await sdk.createTask({}, 2, REQ);
  await runTask(sdk, b.taskId, () => {
    throw new Error('sdk boom');
  });
  assert.equal((await sdk.getTask(b.taskId)).status, 'failed');
  assert.deepEqual(await sdk.getTaskResult(b.taskId), { content: [{ type: 'text', text: 'sdk boom' }], isError: true });
  await rejectsWith(() => runTask(sdk, a.taskId, () => ({}), { sessionId: 'B' }), { cls: Error });
  await traps.check();
});

test('sessions: an empty-string sessionId is rejected by the new methods too (RangeError, -32602)', async (t) => {
  const store = makeStore(t);
  const { taskId } = await store.createTask({}, 1, REQ);
  const expected = { cls: RangeError, includes: 'sessionId' };
  throwsWith(() => store.onStatusChange(() => {}, { sessionId: '' }), expected);
  throwsWith(() => store.watch({ sessionId: '' }), expected);
  throwsWith(() => store.watch({ taskId, sessionId: '' }), expected);
  await rejectsWith(() => store.waitForUpdate(taskId, { sessionId: '' }), expected);
  await rejectsWith(() => store.waitForTerminal(taskId, { sessionId: '' }), expected);
  await rejectsWith(() => store.deleteTask(taskId, ''), expected);
  await rejectsWith(() => store.cancelTask(taskId, ''), expected);
  await rejectsWith(() => runTask(store, taskId, () => ({}), { sessionId: '' }), expected);
  assert.equal((await store.getTask(taskId)).status, 'working');
  assert.deepEqual([store.stats().listeners, store.stats().waiters], [0, 0]);
});

// ================================================================ stats

test('stats(): tasks, byStatus, sessions, pendingTimers, waiters, listeners', async (t) => {
  const store = makeStore(t);
  const empty = store.stats();
  assert.deepEqual(Object.keys(empty).sort(), STATS_KEYS);
  assert.deepEqual(empty, {
    tasks: 0,
    byStatus: { working: 0, input_required: 0, completed: 0, failed: 0, cancelled: 0 },
    sessions: 0,
    pendingTimers: 0,
    waiters: 0,
    listeners: 0,
  });
  const ids = [];
  for (const [i, session] of [undefined, 'A', 'A', 'B', undefined, 'C'].entries()) {
    ids.push((await store.createTask(i === 5 ? { ttl: 60_000 } : {}, i, REQ, session)).taskId);
  }
  await store.updateTaskStatus(ids[1], 'input_required');
  await store.storeTaskResult(ids[2], 'completed', {});
  await store.storeTaskResult(ids[3], 'failed', {});
  await store.updateTaskStatus(ids[4], 'cancelled');
  const off = store.onStatusChange(() => {});
  const it = store.watch();
  const w1 = store.waitForUpdate(ids[0]);
  const w2 = store.waitForTerminal(ids[1]);
  const s = store.stats();
  assert.deepEqual(s, {
    tasks: 6,
    byStatus: { working: 2, input_required: 1, completed: 1, failed: 1, cancelled: 1 },
    sessions: 3,
    pendingTimers: 1,
    waiters: 2,
    listeners: 2,
  });
  assert.notEqual(store.stats(), s, 'stats() returns a fresh object');
  await store.deleteTask(ids[5]);
  await store.deleteTask(ids[3]);
  off();
  await it.return();
  await store.updateTaskStatus(ids[0], 'working', 'x');
  await w1;
  await store.updateTaskStatus(ids[1], 'completed');
  await w2;
  const { pendingTimers, ...rest } = store.stats();
  assert.deepEqual(rest, {
    tasks: 4,
    byStatus: { working: 1, input_required: 0, completed: 2, failed: 0, cancelled: 1 },
    sessions: 1,
    waiters: 0,
    listeners: 0,
  });
  assert.equal(pendingTimers, 0, 'deleteTask removed the only task with a deadline, yet the timer is still armed');
});

// ================================================================ sessions

test('sessions: events and waits never cross sessions', async (t) => {
  const store = makeStore(t);
  const forA = record(store, { sessionId: 'A' });
  const forB = record(store, { sessionId: 'B' });
  const all = record(store);
  const watchA = store.watch({ sessionId: 'A' });
  const a = await store.createTask({}, 1, REQ, 'A');
  const b = await store.createTask({}, 2, REQ, 'B');
  const u = await store.createTask({}, 3, REQ);
  await store.updateTaskStatus(b.taskId, 'input_required', 'secret of B');
  await store.storeTaskResult(a.taskId, 'completed', { a: 1 });
  await store.updateTaskStatus(u.taskId, 'input_required');
  await store.deleteTask(b.taskId);
  const c = await store.createTask({}, 4, REQ, 'B');
  store.cleanup();
  const ids = (events) => [...new Set(events.map((e) => e.task.taskId))];
  assert.deepEqual(ids(forA.events), [a.taskId, u.taskId], 'A saw a task of B');
  assert.deepEqual(ids(forB.events), [b.taskId, u.taskId, c.taskId], 'B saw a task of A');
  assert.deepEqual(ids(all.events), [a.taskId, b.taskId, u.taskId, c.taskId]);
  assert.ok(!forA.events.some((e) => e.task.statusMessage === 'secret of B'));
  assert.deepEqual(brief(forA.events), ['created:working', 'created:working', 'result:completed', 'status:input_required', 'removed:cleared', 'removed:cleared']);
  const watched = [];
  for (let r = await watchA.next(); !r.done && watched.length < forA.events.length; r = await watchA.next()) {
    watched.push(r.value);
    if (watched.length === forA.events.length) break;
  }
  assert.deepEqual(watched, forA.events, 'watch({ sessionId }) differs from onStatusChange({ sessionId })');
  await watchA.return();

  // Waits, watches, deletes, cancels and runs of another session's task: not found, nothing changes.
  const x = await store.createTask({}, 5, REQ, 'A');
  const shared = await store.createTask({}, 6, REQ);
  await rejectsWith(() => store.waitForUpdate(x.taskId, { sessionId: 'B' }), notFound(x.taskId));
  await rejectsWith(() => store.waitForTerminal(x.taskId, { sessionId: 'B' }), notFound(x.taskId));
  throwsWith(() => store.watch({ taskId: x.taskId, sessionId: 'B' }), notFound(x.taskId));
  assert.equal(await store.deleteTask(x.taskId, 'B'), false);
  await rejectsWith(() => store.cancelTask(x.taskId, 'B'), { cls: Error });
  await rejectsWith(() => cancelTask(store, x.taskId, 'B'), { cls: Error });
  let ran = false;
  await rejectsWith(() => runTask(store, x.taskId, () => { ran = true; }, { sessionId: 'B' }), { cls: Error });
  assert.equal(ran, false);
  assert.deepEqual(await store.getTask(x.taskId), x);
  // B's waits on a shared (unowned) task work; A's changes to it wake them.
  const wB = store.waitForUpdate(shared.taskId, { sessionId: 'B' });
  await store.updateTaskStatus(shared.taskId, 'working', 'from A', 'A');
  assert.equal((await wB).statusMessage, 'from A');
  // A listener of B never hears about A's task, even when it is removed.
  const later = record(store, { sessionId: 'B' });
  await store.updateTaskStatus(x.taskId, 'input_required');
  await store.deleteTask(x.taskId, 'A');
  assert.deepEqual(ids(later.events), []);
});

// ================================================================ entry points

test('CommonJS require() gives the same runTask, cancelTask and store class as import', async (t) => {
  const cjs = createRequire(import.meta.url)('mcp-task-store-wasm');
  assert.equal(cjs.runTask, runTask);
  assert.equal(cjs.cancelTask, cancelTask);
  assert.equal(cjs.InMemoryTaskStore, InMemoryTaskStore);
  const store = makeStore(t);
  const { taskId } = await store.createTask({}, 1, REQ);
  await cjs.runTask(store, taskId, () => ({ content: [] }));
  assert.equal((await store.getTask(taskId)).status, 'completed');
});

test('a signal aborted by a listener of the wait call itself still ends the wait; a failed watch lets go of its signal', async (t) => {
  const { getEventListeners } = await import('node:events');
  const store = makeStore(t);
  const clock = Date.now;
  t.after(() => {
    Date.now = clock;
  });
  const soon = await store.createTask({ ttl: 60_000 }, 1, REQ);
  const target = await store.createTask({ ttl: null }, 2, REQ);
  const controller = new AbortController();
  store.onStatusChange((event) => {
    if (event.type === 'removed' && event.task.taskId === soon.taskId) controller.abort(new Error('stop'));
  });
  // The wait's own lookup expires `soon`, whose listener aborts the signal mid-call.
  Date.now = () => clock() + 120_000;
  const wait = store.waitForUpdate(target.taskId, { signal: controller.signal });
  await assert.rejects(wait, /stop/);
  assert.equal(store.stats().waiters, 0);
  const signal = new AbortController().signal;
  for (let i = 0; i < 3; i++) assert.throws(() => store.watch({ taskId: 'nope', signal }), (e) => e.code === -32602);
  assert.equal(getEventListeners(signal, 'abort').length, 0);
});
