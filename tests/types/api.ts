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
    const code: -32602 | -32603 = err.code;
    void code;
  }
  store.free();
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
