// The events-and-waiting rules every store shows (onStatusChange, watch, waitForUpdate,
// waitForTerminal, deleteTask, cancelTask, runTask): run by events.test.mjs against
// InMemoryTaskStore and by redis-conformance.test.mjs against RedisTaskStore. Events of
// InMemoryTaskStore arrive synchronously, those of RedisTaskStore through Redis pub/sub: the
// tests wait for the events they expect (`waitFor`), `kit.listening(store)` resolves once the
// store's listeners receive changes, and `kit.settle()` gives an event that must NOT come the
// time to come. What only InMemoryTaskStore does (synchronous delivery, its timer, expiry
// events, stats fields beyond waiters and listeners) is in events.test.mjs.
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { setTimeout as sleep, setImmediate as tick } from 'node:timers/promises';
import { cancelTask, runTask } from 'mcp-task-store-wasm';
import { InMemoryTaskStore as SdkTaskStore } from '@modelcontextprotocol/sdk/experimental/tasks/stores/in-memory.js';
import { REQ, waitFor, checkError, rejectsWith, throwsWith } from '../fixtures/util.mjs';

export const TERMINAL = ['completed', 'failed', 'cancelled'];

/** Subscribes a listener that records every event; returns { events, off }. */
export function record(store, options) {
  const events = [];
  const off = store.onStatusChange((event) => {
    events.push(event);
  }, options);
  return { events, off };
}

/** `type:status` summaries of events, e.g. 'status:input_required'. */
export const brief = (events) => events.map((e) => (e.type === 'removed' ? `removed:${e.reason}` : `${e.type}:${e.task.status}`));

/**
 * Traps uncaught exceptions and unhandled rejections while the test runs. `check()` lets
 * pending rejections surface (two macrotasks) and asserts nothing was trapped.
 */
export function strayErrors(t) {
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
export function outcome(promise) {
  const o = { settled: false };
  o.done = promise.then(
    (value) => Object.assign(o, { settled: true, ok: true, value }),
    (error) => Object.assign(o, { settled: true, ok: false, error }),
  );
  return o;
}

/** Lets every pending microtask (and one macrotask) run. */
export const flush = async () => {
  await tick();
  await tick();
};

export function checkRemovedError(err, reason) {
  assert.ok(err instanceof Error, `not an Error: ${String(err)}`);
  assert.equal(err.code, -32602, `code of: ${err.message}`);
  assert.equal(err.reason, reason, `reason of: ${err.message}`);
}

export function checkTimeoutError(err) {
  assert.ok(err instanceof Error, `not an Error: ${String(err)}`);
  assert.equal(err.name, 'TimeoutError', err.message);
  assert.equal(err.code, -32001, err.message);
}

export const notFound = (id) => ({ cls: Error, code: -32602, startsWith: `Task with ID ${id} not found` });

/**
 * Defines the shared event tests with `test`.
 * @param {{ makeStore(t: object, options?: object): object, inMemory: boolean,
 *   listening(store: object): Promise<void>, settle(): Promise<void> }} kit
 */
export function eventRules(test, kit) {
  const { makeStore } = kit;

  // ================================================================ onStatusChange

  test('onStatusChange: created, status, result and removed events, in order, each with the task after the change', async (t) => {
    const store = makeStore(t);
    const { events } = record(store);
    await kit.listening(store);
    const task = await store.createTask({ ttl: 60_000 }, 1, REQ);
    await store.updateTaskStatus(task.taskId, 'input_required', 'need a name');
    await store.updateTaskStatus(task.taskId, 'working');
    await store.storeTaskResult(task.taskId, 'completed', { content: [{ type: 'text', text: 'ok' }] });
    const last = await store.getTask(task.taskId);
    assert.equal(await store.deleteTask(task.taskId), true);
    const other = await store.createTask({}, 2, REQ);
    await store.updateTaskStatus(other.taskId, 'cancelled', 'stop');
    await waitFor(() => events.length >= 7, 5000, 'the 7 events');
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

  test('onStatusChange: one frozen event object is shared by every listener', async (t) => {
    const store = makeStore(t);
    const a = record(store);
    const b = record(store);
    await kit.listening(store);
    await store.createTask({}, 1, REQ);
    await waitFor(() => a.events.length === 1 && b.events.length === 1, 5000, 'the created event');
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
    await kit.listening(store);
    await store.createTask({}, 1, REQ);
    await waitFor(() => a.events.length === 1, 5000, 'the created event');
    assert.equal(a.off(), undefined);
    a.off();
    assert.equal(store.stats().listeners, before);
    await store.createTask({}, 2, REQ);
    await kit.settle();
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
    await waitFor(() => all.events.length >= 3, 5000, 'the 3 events');
    await kit.settle();
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
    assert.throws(() => makeStore(t, { onListenerError: 'log' }), (err) =>
      checkError(err, { cls: TypeError, includes: 'onListenerError' }));
    assert.equal(store.stats().listeners, 0, 'a refused listener was subscribed');
    // Absent options are fine.
    store.onStatusChange(() => {}, undefined)();
    store.onStatusChange(() => {}, {})();
  });

  // ================================================================ watch

  test('watch: yields every event in order; break ends it and unsubscribes', async (t) => {
    const store = makeStore(t);
    const before = store.stats().listeners;
    const it = store.watch();
    assert.equal(typeof it[Symbol.asyncIterator], 'function');
    assert.equal(it[Symbol.asyncIterator](), it);
    assert.equal(store.stats().listeners, before + 1);
    await kit.listening(store);
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
    await kit.listening(store);
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
    await kit.listening(store);
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
    await kit.listening(store);
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
    await kit.listening(store);
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

  test('watch: bufferSize n holds exactly n unread events; one more stops it', async (t) => {
    const store = makeStore(t);
    const { taskId } = await store.createTask({}, 1, REQ);
    const fits = store.watch({ bufferSize: 3 });
    const overflows = store.watch({ bufferSize: 3 });
    await kit.listening(store);
    for (let i = 0; i < 3; i++) await store.updateTaskStatus(taskId, 'working', `a${i}`);
    for (let i = 0; i < 3; i++) assert.equal((await fits.next()).value.task.statusMessage, `a${i}`);
    await store.updateTaskStatus(taskId, 'working', 'b');
    await kit.settle();
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
    await waitFor(() => store.stats().waiters === 105, 5000, '105 waiters');
    await store.updateTaskStatus(taskId, 'input_required', 'one change');
    await Promise.all(updates.map((o) => o.done));
    await kit.settle();
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
    if (kit.inMemory) assert.equal(store.stats().pendingTimers, 0, 'the timeouts of resolved waits were not cleared');
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
    await kit.listening(store);
    await store.updateTaskStatus(c.taskId, 'failed');
    await waitFor(() => inListener.length === 1, 5000, 'the terminal event');
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
    await store.cleanup();
    await Promise.all([wb.done, wc.done]);
    checkRemovedError(wb.error, 'cleared');
    checkRemovedError(wc.error, 'cleared');
    assert.equal(store.stats().waiters, 0);
    if (kit.inMemory) assert.equal(store.stats().pendingTimers, 0);
  });

  test('wait abort: rejects with signal.reason; an already-aborted signal rejects at once; nothing is left behind', async (t) => {
    const store = makeStore(t);
    const { taskId } = await store.createTask({}, 1, REQ);
    for (const method of ['waitForUpdate', 'waitForTerminal']) {
      const controller = new AbortController();
      const reason = new Error(`stop ${method}`);
      const w = outcome(store[method](taskId, { signal: controller.signal }));
      await waitFor(() => store.stats().waiters === 1, 5000, 'the wait');
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
    if (kit.inMemory) assert.equal(store.stats().pendingTimers, 0, 'the timeout of a resolved wait is still armed');
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
    await kit.listening(store);
    await store.updateTaskStatus(taskId, 'working', 'first');
    await waitFor(() => inner !== undefined, 5000, 'the first event');
    await kit.settle();
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
    await kit.listening(store);
    await store.updateTaskStatus(taskId, 'working', 'one');
    await waitFor(() => nested !== undefined, 5000, 'the event of one');
    await nested.done;
    assert.equal(nested.value?.statusMessage, 'two');
  });

  test('wait timeout: rejects with TimeoutError (-32001); waitForTerminal on a terminal task resolves despite timeout 0', async (t) => {
    const store = makeStore(t);
    const { taskId } = await store.createTask({}, 1, REQ);
    const t0 = performance.now();
    const w = outcome(store.waitForUpdate(taskId, { timeout: 30 }));
    const wt = outcome(store.waitForTerminal(taskId, { timeout: 60 }));
    if (kit.inMemory) assert.equal(store.stats().pendingTimers, 1);
    await w.done;
    assert.ok(performance.now() - t0 >= 25, `timed out after ${performance.now() - t0} ms`);
    checkTimeoutError(w.error);
    await wt.done;
    checkTimeoutError(wt.error);
    const zero = outcome(store.waitForUpdate(taskId, { timeout: 0 }));
    await zero.done;
    checkTimeoutError(zero.error);
    assert.equal(store.stats().waiters, 0);
    if (kit.inMemory) assert.equal(store.stats().pendingTimers, 0);
    if (kit.inMemory) assert.equal(store.hasPendingTimer, false);
    await store.updateTaskStatus(taskId, 'completed');
    assert.equal((await store.waitForTerminal(taskId, { timeout: 0 })).status, 'completed');
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
    if (kit.inMemory) assert.equal(store.stats().pendingTimers, 0);
    // Absent options and explicitly undefined fields are fine.
    for (const options of [undefined, null, {}, { timeout: undefined, signal: undefined, sessionId: undefined }]) {
      const w = store.waitForUpdate(taskId, options);
      await store.updateTaskStatus(taskId, 'working');
      await w;
    }
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
      if (kit.inMemory) assert.equal(queue.queueCount, 1);
      assert.equal(await store.deleteTask(taskId), true, status);
      assert.equal(await store.getTask(taskId), null);
      await rejectsWith(() => store.getTaskResult(taskId), notFound(taskId));
      if (kit.inMemory) assert.equal(queue.queueCount, 0, `${status}: the queued message stayed`);
      assert.equal(await queue.dequeue(taskId), undefined);
      assert.equal(await store.deleteTask(taskId), false, 'deleted twice');
    }
    assert.equal(await store.deleteTask('nope'), false);
    assert.equal(await store.deleteTask(crypto.randomUUID()), false);
    assert.deepEqual((await store.getAllTasks()).map((x) => x.taskId), [keep.taskId]);
  });

  test('deleteTask: another session\'s task is "false" and untouched; unowned tasks and no-session callers may delete', async (t) => {
    const store = makeStore(t);
    const a = await store.createTask({}, 1, REQ, 'A');
    const u = await store.createTask({}, 2, REQ);
    const a2 = await store.createTask({}, 3, REQ, 'A');
    const { events } = record(store);
    await kit.listening(store);
    assert.equal(await store.deleteTask(a.taskId, 'B'), false);
    assert.deepEqual(await store.getTask(a.taskId), a);
    await kit.settle();
    assert.deepEqual(events, [], 'a refused deleteTask emitted an event');
    assert.equal(await store.deleteTask(a.taskId, 'A'), true);
    assert.equal(await store.deleteTask(u.taskId, 'B'), true);
    assert.equal(await store.deleteTask(a2.taskId), true);
    await waitFor(() => events.length >= 3, 5000, 'the 3 removed events');
    assert.deepEqual(brief(events), ['removed:deleted', 'removed:deleted', 'removed:deleted']);
    assert.equal((await store.getAllTasks()).length, 0);
    if (kit.inMemory) assert.equal(store.stats().sessions, 0);
  });

  test('deleteTask: bad arguments reject (-32602) and delete nothing', async (t) => {
    const store = makeStore(t);
    const { taskId } = await store.createTask({}, 1, REQ);
    await rejectsWith(() => store.deleteTask(5), { cls: TypeError, includes: 'taskId' });
    await rejectsWith(() => store.deleteTask(undefined), { cls: TypeError, includes: 'taskId' });
    await rejectsWith(() => store.deleteTask(taskId, ''), { cls: RangeError, includes: 'sessionId' });
    await rejectsWith(() => store.deleteTask(taskId, 7), { cls: TypeError, includes: 'sessionId' });
    assert.equal((await store.getAllTasks()).length, 1);
  });

  // ================================================================ cancelTask

  test('cancelTask (method): a working or input_required task is cancelled before the Promise resolves with it', async (t) => {
    const store = makeStore(t);
    const { events } = record(store);
    await kit.listening(store);
    for (const from of ['working', 'input_required']) {
      const { taskId } = await store.createTask({}, 1, REQ, 'A');
      if (from !== 'working') await store.updateTaskStatus(taskId, from);
      const waiter = store.waitForTerminal(taskId);
      const cancelled = await store.cancelTask(taskId, 'A');
      assert.equal(cancelled.status, 'cancelled');
      assert.deepEqual(cancelled, await store.getTask(taskId));
      assert.deepEqual(await waiter, cancelled);
      await waitFor(() => events.at(-1)?.task.status === 'cancelled', 5000, 'the cancelled event');
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
    await kit.listening(store);
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
    await waitFor(() => events.length >= 6, 5000, 'the 6 events');
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
    await store.cleanup();
    await Promise.all(runs.map((r) => r.done));
    assert.ok(runs.every((r) => r.ok));
    assert.equal(store.stats().listeners, 0);
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

  // ================================================================ sessions

  test('sessions: events and waits never cross sessions', async (t) => {
    const store = makeStore(t);
    const forA = record(store, { sessionId: 'A' });
    const forB = record(store, { sessionId: 'B' });
    const all = record(store);
    const watchA = store.watch({ sessionId: 'A' });
    await kit.listening(store);
    const a = await store.createTask({}, 1, REQ, 'A');
    const b = await store.createTask({}, 2, REQ, 'B');
    const u = await store.createTask({}, 3, REQ);
    await store.updateTaskStatus(b.taskId, 'input_required', 'secret of B');
    await store.storeTaskResult(a.taskId, 'completed', { a: 1 });
    await store.updateTaskStatus(u.taskId, 'input_required');
    await store.deleteTask(b.taskId);
    const c = await store.createTask({}, 4, REQ, 'B');
    await store.cleanup();
    await waitFor(() => all.events.length >= 10, 5000, 'the 10 events');
    await kit.settle();
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
    if (kit.inMemory) throwsWith(() => store.watch({ taskId: x.taskId, sessionId: 'B' }), notFound(x.taskId));
    else assert.deepEqual(await store.watch({ taskId: x.taskId, sessionId: 'B' }).next(), { value: undefined, done: true });
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
    await kit.listening(store);
    await store.updateTaskStatus(x.taskId, 'input_required');
    await store.deleteTask(x.taskId, 'A');
    await kit.settle();
    assert.deepEqual(ids(later.events), []);
  });
}
