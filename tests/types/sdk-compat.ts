// The package's classes are assignable to the SDK's interfaces and accepted by McpServer.
import type { TaskStore, TaskMessageQueue } from '@modelcontextprotocol/sdk/experimental/tasks/interfaces.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { InMemoryTaskStore, InMemoryTaskMessageQueue, runTask, cancelTask } from 'mcp-task-store-wasm';
import { InMemoryTaskStore as SdkStore } from '@modelcontextprotocol/sdk/experimental/tasks/stores/in-memory.js';

const s: TaskStore = new InMemoryTaskStore();
const q: TaskMessageQueue = new InMemoryTaskMessageQueue();
const q2: TaskMessageQueue = new InMemoryTaskStore({ pageSize: 20 }).messageQueue();

export const server = new McpServer(
  { name: 'x', version: '1' },
  {
    capabilities: { tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } } },
    taskStore: s,
    taskMessageQueue: q,
  },
);
export const lowLevel = new Server({ name: 'y', version: '1' }, { taskStore: new InMemoryTaskStore(), taskMessageQueue: q2 });

// The SDK's own store and ours are interchangeable where a TaskStore is expected.
export function pick(useWasm: boolean): TaskStore {
  return useWasm ? new InMemoryTaskStore() : s;
}

// What the SDK's Protocol layer passes in is accepted by our methods.
export async function drive(store: InMemoryTaskStore, sdk: TaskStore): Promise<void> {
  const request = { method: 'tools/call' as const, params: { name: 'slow', arguments: {} } };
  const task = await sdk.createTask({ ttl: 60_000, pollInterval: 500 }, 'id-1', request, 'session');
  await store.createTask({ ttl: null }, 1, request);
  await sdk.storeTaskResult(task.taskId, 'completed', { content: [{ type: 'text', text: 'ok' }] });
  const result = await sdk.getTaskResult(task.taskId);
  const fromOurs = await store.getTaskResult(task.taskId);
  const asSdkResult: typeof result = fromOurs;
  void asSdkResult;
}

// The helpers take the SDK's own store too.
export async function helpersWithTheSdkStore(): Promise<void> {
  const sdkStore = new SdkStore();
  await runTask(sdkStore, 'id', () => ({ content: [] }));
  await cancelTask(sdkStore, 'id');
}
