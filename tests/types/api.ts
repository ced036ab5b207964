// The package's own public API: what compiles and what must not.
import {
  InMemoryTaskStore,
  InMemoryTaskMessageQueue,
  type Task,
  type TaskStatus,
  type ListTasksPage,
  type QueuedMessage,
  type TaskStoreError,
  type TaskStoreOptions,
  type TaskEvent,
  type TaskStoreStats,
  type TaskContext,
  type RemovalReason,
  cancelTask,
  runTask,
} from 'mcp-task-store-wasm';

const REQ = { method: 'tools/call' };

export async function ok(): Promise<void> {
  const options: TaskStoreOptions = { pageSize: 10, defaultPollInterval: 1000, minTtl: 1000, maxTtl: null };
  const store = new InMemoryTaskStore(options);
  new InMemoryTaskStore();
  new InMemoryTaskStore({});
  const task: Task = await store.createTask({ ttl: 5000 }, 1, REQ);
  await store.createTask({ ttl: null, pollInterval: 250, context: { a: 1 } }, 'r', REQ, 'session');
  const id: string = task.taskId;
  const status: TaskStatus = task.status;
  const ttl: number | null = task.ttl;
  const message: string | undefined = task.statusMessage;
  void [id, status, ttl, message];
  const maybe: Task | null = await store.getTask(id, 'session');
  void maybe;
  await store.updateTaskStatus(id, 'input_required', 'why', 'session');
  await store.updateTaskStatus(id, 'working');
  await store.storeTaskResult(id, 'completed', { content: [] });
  await store.storeTaskResult(id, 'failed', { content: [], isError: true }, 'session');
  const page: ListTasksPage = await store.listTasks();
  const next: string | undefined = page.nextCursor;
  await store.listTasks(next, 'session');
  const all: Task[] = store.getAllTasks();
  const size: number = store.size;
  const pending: boolean = store.hasPendingTimer;
  void [all, size, pending];
  store.cleanup();
  const queue: InMemoryTaskMessageQueue = store.messageQueue();
  const m: QueuedMessage = { type: 'request', message: { jsonrpc: '2.0', id: 1, method: 'x' }, timestamp: Date.now() };
  await queue.enqueue('t', m, undefined, 10);
  const got: QueuedMessage | undefined = await queue.dequeue('t');
  const every: QueuedMessage[] = await queue.dequeueAll('t', 'session');
  const count: number = queue.queueCount;
  void [got, every, count];
  try {
    await store.getTaskResult(id);
  } catch (e) {
    const err = e as TaskStoreError;
    const code: -32602 | -32603 | -32001 = err.code;
    const reason: RemovalReason | undefined = err.reason;
    void [code, reason];
  }
  store.free();
}

export async function events(store: InMemoryTaskStore): Promise<void> {
  const options: TaskStoreOptions = { onListenerError: (error: unknown, event: TaskEvent) => void [error, event], maxTasks: Infinity, maxTasksPerSession: 10, maxResultBytes: 1 << 20, maxQueueSize: 100 };
  new InMemoryTaskStore(options);
  const unsubscribe: () => void = store.onStatusChange((event) => {
    const task: Readonly<Task> = event.task;
    if (event.type === 'removed') {
      const why: RemovalReason = event.reason;
      void why;
    }
    void task;
  }, { sessionId: 's' });
  unsubscribe();
  const controller = new AbortController();
  for await (const event of store.watch({ taskId: 't', sessionId: 's', signal: controller.signal, bufferSize: 10 })) {
    const type: 'created' | 'status' | 'result' | 'removed' = event.type;
    void type;
  }
  const next: Task = await store.waitForUpdate('t', { sessionId: 's', signal: controller.signal, timeout: 1000 });
  const done: Task = await store.waitForTerminal('t');
  const deleted: boolean = await store.deleteTask('t', 's');
  const cancelled: Task = await store.cancelTask('t');
  const stats: TaskStoreStats = store.stats();
  const working: number = stats.byStatus.working + stats.byStatus.input_required;
  void [next, done, deleted, cancelled, working];
  const viaHelper: Task = await cancelTask(store, 't', 's');
  void viaHelper;
  await runTask(store, 't', async (ctx: TaskContext) => {
    await ctx.setStatus('step 1');
    await ctx.needInput();
    await ctx.resume('go on');
    if (ctx.signal.aborted) return;
    await ctx.fail('no');
    return { content: [] };
  }, { sessionId: 's' });
  // @ts-expect-error a listener takes an event
  store.onStatusChange('not a function');
  // @ts-expect-error timeout is a number
  await store.waitForUpdate('t', { timeout: '1s' });
  // @ts-expect-error unknown watch option
  store.watch({ task: 't' });
  // @ts-expect-error events are read-only
  store.onStatusChange((event) => { event.type = 'status'; });
}

export async function rejected(store: InMemoryTaskStore, queue: InMemoryTaskMessageQueue): Promise<void> {
  // @ts-expect-error ttl is a number
  await store.createTask({ ttl: '5000' }, 1, REQ);
  // @ts-expect-error pollInterval is a number
  await store.createTask({ pollInterval: '1s' }, 1, REQ);
  // @ts-expect-error requestId is a string or a number
  await store.createTask({}, { id: 1 }, REQ);
  // @ts-expect-error the request needs a method
  await store.createTask({}, 1, {});
  // @ts-expect-error taskParams is required
  await store.createTask();
  // @ts-expect-error 'done' is not a status
  await store.updateTaskStatus('t', 'done');
  // @ts-expect-error storeTaskResult takes only 'completed' or 'failed'
  await store.storeTaskResult('t', 'cancelled', {});
  // @ts-expect-error a result is an object
  await store.storeTaskResult('t', 'completed', 'text');
  // @ts-expect-error the task id is a string
  await store.getTask(42);
  // @ts-expect-error sessionId is a string
  await store.listTasks(undefined, 7);
  // @ts-expect-error unknown option
  new InMemoryTaskStore({ pagesize: 10 });
  // @ts-expect-error pageSize is a number
  new InMemoryTaskStore({ pageSize: '10' });
  // @ts-expect-error size is read-only
  store.size = 3;
  // @ts-expect-error hasPendingTimer is read-only
  store.hasPendingTimer = false;
  // @ts-expect-error queueCount is read-only
  queue.queueCount = 0;
  // @ts-expect-error 'event' is not a message type
  await queue.enqueue('t', { type: 'event', message: {}, timestamp: 1 });
  // @ts-expect-error timestamp is required
  await queue.enqueue('t', { type: 'notification', message: { jsonrpc: '2.0', method: 'x' } });
  // @ts-expect-error maxSize is a number
  await queue.enqueue('t', { type: 'notification', message: { jsonrpc: '2.0', method: 'x' }, timestamp: 1 }, undefined, '10');
  const task = await store.createTask({}, 1, REQ);
  // @ts-expect-error Task has no such field
  void task.result;
  // @ts-expect-error getAllTasks is synchronous
  await store.getAllTasks().then(() => 0);
}
