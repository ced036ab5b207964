// Events and waits under vitest's fake timers (installed AFTER the package is imported: the store
// reads Date.now / setTimeout from globalThis on every call). The fake clock drives task expiry
// (removed/expired events, waits rejected with reason 'expired') and wait timeouts.
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { InMemoryTaskStore, runTask } from 'mcp-task-store-wasm';

const REQ = { method: 'tools/call' };

/** Lets pending Promise reactions run (no timer moves). */
async function settle() {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

/** Tracks a promise without ever leaving it unhandled. */
function track(promise) {
  const o = { settled: false };
  o.done = promise.then(
    (value) => Object.assign(o, { settled: true, ok: true, value }),
    (error) => Object.assign(o, { settled: true, ok: false, error }),
  );
  return o;
}

describe('events and waits under vi.useFakeTimers()', () => {
  let store;
  let events;
  beforeEach(() => {
    vi.useFakeTimers(); // after the import above
    vi.setSystemTime(new Date('2030-01-01T00:00:00.000Z'));
    store = new InMemoryTaskStore();
    events = [];
    store.onStatusChange((event) => {
      events.push(event);
    });
  });
  afterEach(() => {
    store.cleanup();
    vi.useRealTimers();
  });

  test('the fake timer expires a task: removed/expired with its last state, waiters reject (reason expired), watch ends', async () => {
    const task = await store.createTask({ ttl: 5000 }, 1, REQ);
    await store.updateTaskStatus(task.taskId, 'input_required', 'waiting');
    const last = await store.getTask(task.taskId);
    const update = track(store.waitForUpdate(task.taskId));
    const terminal = track(store.waitForTerminal(task.taskId));
    const watch = store.watch({ taskId: task.taskId });
    const next = watch.next();
    expect(vi.getTimerCount()).toBe(1);

    vi.advanceTimersByTime(4999);
    await settle();
    expect(update.settled).toBe(false);
    expect(events.map((e) => e.type)).toEqual(['created', 'status']);

    vi.advanceTimersByTime(1); // the deadline: the fake timer fires, nothing calls the store
    expect(events.map((e) => e.type)).toEqual(['created', 'status', 'removed']);
    expect(events[2].reason).toBe('expired');
    expect(events[2].task).toEqual(last);
    await Promise.all([update.done, terminal.done]);
    for (const w of [update, terminal]) {
      expect(w.ok).toBe(false);
      expect(w.error).toBeInstanceOf(Error);
      expect(w.error).toMatchObject({ code: -32602, reason: 'expired' });
    }
    const first = await next;
    expect(first.done).toBe(false);
    expect(first.value).toBe(events[2]);
    expect(await watch.next()).toEqual({ value: undefined, done: true });
    expect(store.size).toBe(0);
    expect(store.stats()).toMatchObject({ tasks: 0, waiters: 0, listeners: 1, pendingTimers: 0 });
    expect(vi.getTimerCount()).toBe(0);
  });

  test('lazy expiry: the clock passes the deadline without the timer firing; the next call emits removed/expired', async () => {
    const task = await store.createTask({ ttl: 5000 }, 1, REQ);
    const waiting = track(store.waitForTerminal(task.taskId));
    vi.setSystemTime(Date.now() + 5000); // moves Date.now only; no timer runs
    expect(events.map((e) => e.type)).toEqual(['created']);
    expect(await store.getTask(task.taskId)).toBeNull();
    expect(events.map((e) => `${e.type}:${e.reason}`)).toEqual(['created:undefined', 'removed:expired']);
    await waiting.done;
    expect(waiting.error).toMatchObject({ code: -32602, reason: 'expired' });
    // The timer, when it fires, finds nothing left to do: no second removed event.
    vi.runAllTimers();
    expect(events.length).toBe(2);
  });

  test('a wait timeout fires at exactly its ms on the fake clock (TimeoutError, -32001), not a ms before', async () => {
    const { taskId } = await store.createTask({}, 1, REQ);
    const update = track(store.waitForUpdate(taskId, { timeout: 1000 }));
    const terminal = track(store.waitForTerminal(taskId, { timeout: 2500 }));
    expect(vi.getTimerCount()).toBe(1);
    expect(store.stats().pendingTimers).toBe(1);
    vi.advanceTimersByTime(999);
    await settle();
    expect(update.settled).toBe(false);
    vi.advanceTimersByTime(1);
    await update.done;
    expect(update.error).toBeInstanceOf(Error);
    expect(update.error).toMatchObject({ name: 'TimeoutError', code: -32001 });
    expect(terminal.settled).toBe(false);
    expect(vi.getTimerCount()).toBe(1); // re-armed for the second wait
    vi.advanceTimersByTime(1499);
    await settle();
    expect(terminal.settled).toBe(false);
    vi.advanceTimersByTime(1);
    await terminal.done;
    expect(terminal.error).toMatchObject({ name: 'TimeoutError', code: -32001 });
    expect(store.stats()).toMatchObject({ waiters: 0, pendingTimers: 0 });
    expect(vi.getTimerCount()).toBe(0);
    // The task itself is untouched by the timeouts.
    expect((await store.getTask(taskId)).status).toBe('working');
    expect(events.map((e) => e.type)).toEqual(['created']);
  });

  test('wait timeouts and task ttls share one fake timer and fire in deadline order', async () => {
    const a = await store.createTask({ ttl: 3000 }, 1, REQ);
    const b = await store.createTask({ ttl: 10_000 }, 2, REQ);
    const order = [];
    const timedOut = track(store.waitForUpdate(b.taskId, { timeout: 2000 }).catch((e) => (order.push(`timeout:${e.name}`), Promise.reject(e))));
    const expiredA = track(store.waitForTerminal(a.taskId, { timeout: 60_000 }).catch((e) => (order.push(`a:${e.reason}`), Promise.reject(e))));
    const expiredB = track(store.waitForTerminal(b.taskId, { timeout: 8000 }).catch((e) => (order.push(`b:${e.name}`), Promise.reject(e))));
    expect(vi.getTimerCount()).toBe(1);
    for (let ms = 0; ms < 10_000; ms += 500) {
      vi.advanceTimersByTime(500);
      await settle();
      expect(vi.getTimerCount()).toBeLessThanOrEqual(1);
    }
    await Promise.all([timedOut.done, expiredA.done, expiredB.done]);
    expect(order).toEqual(['timeout:TimeoutError', 'a:expired', 'b:TimeoutError']);
    expect(events.filter((e) => e.type === 'removed').map((e) => e.task.taskId)).toEqual([a.taskId, b.taskId]);
    expect(store.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  test('10,000 waits with timeouts hold one fake timer; waits that resolve leave none behind', async () => {
    const ids = [];
    for (let i = 0; i < 10; i++) ids.push((await store.createTask({}, i, REQ)).taskId);
    const waits = [];
    for (let i = 0; i < 10_000; i++) {
      const id = ids[i % 10];
      const options = { timeout: 30_000 + ((i * 7919) % 30_000) };
      waits.push(track(i % 2 ? store.waitForUpdate(id, options) : store.waitForTerminal(id, options)));
    }
    expect(vi.getTimerCount()).toBe(1);
    expect(store.stats()).toMatchObject({ waiters: 10_000, pendingTimers: 1 });
    expect(store.hasPendingTimer).toBe(true);
    // Half the tasks end: their waits resolve. The other half's waits time out on the fake clock.
    for (const id of ids.slice(0, 5)) await store.storeTaskResult(id, 'completed', { id });
    await Promise.all(waits.filter((_, i) => i % 10 < 5).map((w) => w.done));
    expect(waits.filter((w) => w.ok).length).toBe(5000);
    expect(store.stats().waiters).toBe(5000);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(60_000);
    await Promise.all(waits.map((w) => w.done));
    expect(waits.filter((w) => !w.ok && w.error.name === 'TimeoutError').length).toBe(5000);
    expect(store.stats()).toMatchObject({ waiters: 0, pendingTimers: 0 });
    expect(store.hasPendingTimer).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    // Waits that all resolve before their timeouts leave no timer either.
    const more = ids.slice(5).map((id) => track(store.waitForTerminal(id, { timeout: 60_000 })));
    expect(vi.getTimerCount()).toBe(1);
    for (const id of ids.slice(5)) await store.updateTaskStatus(id, 'cancelled');
    await Promise.all(more.map((w) => w.done));
    expect(more.every((w) => w.ok && w.value.status === 'cancelled')).toBe(true);
    expect(store.stats().pendingTimers).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  test('an aborted wait gives back its timeout: no waiter, no timer', async () => {
    const { taskId } = await store.createTask({}, 1, REQ);
    const controller = new AbortController();
    const w = track(store.waitForUpdate(taskId, { timeout: 10_000, signal: controller.signal }));
    expect(vi.getTimerCount()).toBe(1);
    controller.abort('stop');
    await w.done;
    expect(w.error).toBe('stop');
    expect(store.stats()).toMatchObject({ waiters: 0, pendingTimers: 0 });
    expect(vi.getTimerCount()).toBe(0);
  });

  test('runTask: ctx.signal aborts when the task expires on the fake clock; runTask resolves, the task is gone', async () => {
    const { taskId } = await store.createTask({ ttl: 2000 }, 1, REQ);
    let signal;
    const ran = track(
      runTask(store, taskId, async (ctx) => {
        signal = ctx.signal;
        await ctx.setStatus('working slowly');
        await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
        throw new Error('the task expired under me');
      }),
    );
    await settle();
    expect(signal.aborted).toBe(false);
    vi.advanceTimersByTime(2000);
    await ran.done;
    expect(ran.ok).toBe(true);
    expect(signal.aborted).toBe(true);
    expect(await store.getTask(taskId)).toBeNull();
    expect(events.map((e) => e.type)).toEqual(['created', 'status', 'removed']);
    expect(store.stats()).toMatchObject({ tasks: 0, waiters: 0, listeners: 1, pendingTimers: 0 });
  });

  test('runTask: work on the fake clock completes the task; waitForTerminal with a timeout sees it', async () => {
    const { taskId } = await store.createTask({ ttl: 60_000 }, 1, REQ);
    const done = track(store.waitForTerminal(taskId, { timeout: 10_000 }));
    const ran = track(
      runTask(store, taskId, async (ctx) => {
        for (let i = 3; i >= 1; i--) {
          await ctx.setStatus(`T-${i}`);
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
        return { content: [{ type: 'text', text: 'liftoff' }] };
      }),
    );
    await vi.advanceTimersByTimeAsync(3000);
    await ran.done;
    expect(ran.ok).toBe(true);
    await done.done;
    expect(done.ok).toBe(true);
    expect(done.value.status).toBe('completed');
    expect(done.value.lastUpdatedAt).toBe('2030-01-01T00:00:03.000Z');
    expect(events.map((e) => `${e.type}:${e.task.statusMessage ?? ''}`)).toEqual([
      'created:',
      'status:T-3',
      'status:T-2',
      'status:T-1',
      'result:T-1',
    ]);
    // Only the ttl's deadline is left on the timer.
    expect(store.stats()).toMatchObject({ waiters: 0, pendingTimers: 1 });
    expect(vi.getTimerCount()).toBe(1);
  });
});
