// A CommonJS TypeScript consumer: resolved through the `require` condition to index.d.cts.
import { InMemoryTaskStore, InMemoryTaskMessageQueue } from 'mcp-task-store-wasm';
import type { Task } from 'mcp-task-store-wasm';

const store = new InMemoryTaskStore({ pageSize: 20 });
const queue: InMemoryTaskMessageQueue = store.messageQueue();
export async function first(): Promise<Task | null> {
  const task = await store.createTask({ ttl: 1000 }, 1, { method: 'tools/call' });
  await queue.dequeueAll(task.taskId);
  return store.getTask(task.taskId);
}
