// Change events, waits and task helpers of InMemoryTaskStore, driven through the built package:
// onStatusChange, watch, waitForUpdate, waitForTerminal, deleteTask, cancelTask (method and
// module helper), runTask and stats() (see pkg-template/index.d.ts). The rules every store
// shows are in conformance/event-rules.mjs (run here and, against RedisTaskStore, by
// redis-conformance.test.mjs); below them, what only the in-memory store does: synchronous
// delivery, its one timer, expiry events, its stats() fields.
import test from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { InMemoryTaskStore, cancelTask, runTask } from 'mcp-task-store-wasm';
import { InMemoryTaskStore as SdkTaskStore } from '@modelcontextprotocol/sdk/experimental/tasks/stores/in-memory.js';
import { REQ, fakeClock, timerSpy, checkError, rejectsWith, throwsWith } from './fixtures/util.mjs';
import {
  TERMINAL,
  record,
  brief,
  strayErrors,
  outcome,
  flush,
  checkRemovedError,
  notFound,
  eventRules,
} from './conformance/event-rules.mjs';

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

eventRules(test, { makeStore, inMemory: true, listening: async () => {}, settle: flush });

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
