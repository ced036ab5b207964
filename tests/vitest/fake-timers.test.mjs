// Fake timers (vitest's, i.e. @sinonjs/fake-timers) installed AFTER the package is imported:
// the store reads Date.now / setTimeout from globalThis on every call, so it follows them.
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { InMemoryTaskStore } from 'mcp-task-store-wasm';

const REQ = { method: 'tools/call' };

describe('InMemoryTaskStore under vi.useFakeTimers()', () => {
  let store;
  beforeEach(() => {
    vi.useFakeTimers(); // after the import above
    vi.setSystemTime(new Date('2030-01-01T00:00:00.000Z'));
    store = new InMemoryTaskStore();
  });
  afterEach(() => {
    store.cleanup();
    vi.useRealTimers();
  });

  test('timestamps follow the fake clock', async () => {
    const task = await store.createTask({ ttl: 5000 }, 1, REQ);
    expect(task.createdAt).toBe('2030-01-01T00:00:00.000Z');
    vi.advanceTimersByTime(1500);
    await store.updateTaskStatus(task.taskId, 'input_required');
    expect((await store.getTask(task.taskId)).lastUpdatedAt).toBe('2030-01-01T00:00:01.500Z');
  });

  test('ttl 5000: there after 4999 ms, gone after 5000 ms, removed by the (fake) timer', async () => {
    const task = await store.createTask({ ttl: 5000 }, 1, REQ);
    expect(vi.getTimerCount()).toBe(1);
    expect(store.hasPendingTimer).toBe(true);
    vi.advanceTimersByTime(4999);
    expect(await store.getTask(task.taskId)).not.toBeNull();
    expect(store.hasPendingTimer).toBe(true);
    vi.advanceTimersByTime(1);
    // The timer fired: the store is empty without any call expiring it lazily.
    expect(store.hasPendingTimer).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    expect(store.size).toBe(0);
    expect(await store.getTask(task.taskId)).toBeNull();
  });

  test('the ttl restarts when the task turns terminal', async () => {
    const task = await store.createTask({ ttl: 5000 }, 1, REQ);
    const other = await store.createTask({ ttl: 5000 }, 2, REQ);
    vi.advanceTimersByTime(3000);
    await store.storeTaskResult(task.taskId, 'completed', { content: [{ type: 'text', text: 'done' }] });
    vi.advanceTimersByTime(2000); // creation + 5000: the untouched task is gone, the finished one stays
    expect(await store.getTask(other.taskId)).toBeNull();
    expect(store.size).toBe(1);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(2999); // terminal + 4999
    expect(await store.getTaskResult(task.taskId)).toEqual({ content: [{ type: 'text', text: 'done' }] });
    vi.advanceTimersByTime(1); // terminal + 5000
    expect(store.size).toBe(0);
    expect(store.hasPendingTimer).toBe(false);
    await expect(store.getTaskResult(task.taskId)).rejects.toMatchObject({ code: -32602 });
  });

  test('one fake timer for many tasks; runAllTimers empties the store', async () => {
    for (let i = 0; i < 500; i++) await store.createTask({ ttl: 1000 + ((i * 7919) % 100_000) }, i, REQ);
    await store.createTask({ ttl: null }, 'keep', REQ);
    expect(vi.getTimerCount()).toBe(1);
    vi.runAllTimers();
    expect(store.size).toBe(1);
    expect(store.hasPendingTimer).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });

  test('the linked message queue is dropped when the fake timer expires its task', async () => {
    const queue = store.messageQueue();
    const task = await store.createTask({ ttl: 2000 }, 1, REQ);
    await queue.enqueue(task.taskId, { type: 'notification', message: { jsonrpc: '2.0', method: 'x' }, timestamp: Date.now() });
    expect(queue.queueCount).toBe(1);
    vi.advanceTimersByTime(2000);
    expect(queue.queueCount).toBe(0);
  });
});
