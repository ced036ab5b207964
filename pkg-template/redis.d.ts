/**
 * `mcp-task-store-wasm/redis` (Node only): the task store kept in Redis, shared by every
 * process that uses the same Redis and key prefix. Every rule (ids, transitions, ttl,
 * sessions, cursors, validation) is still decided by the Rust core; Redis holds the records,
 * and each write is one compare-and-set script on the record's version.
 */

import type {
  CreateTaskOptions,
  ListTasksPage,
  QueuedMessage,
  RequestId,
  StatusChangeOptions,
  Task,
  TaskEvent,
  TaskRequest,
  TaskStatus,
  TaskStoreOptions,
  WaitOptions,
  WatchOptions,
  JsonObject,
} from './index.js';

export type {
  CreateTaskOptions,
  ListTasksPage,
  QueuedMessage,
  RequestId,
  StatusChangeOptions,
  Task,
  TaskEvent,
  TaskRequest,
  TaskStatus,
  TaskStoreOptions,
  WaitOptions,
  WatchOptions,
  JsonObject,
} from './index.js';

/**
 * A connected client of `redis` (node-redis v5+, `createClient()`) or `ioredis` (v5+,
 * `new Redis()`): what the store uses of either.
 */
export type RedisClientLike = object;

/** Settings of a `RedisTaskStore`: those of `InMemoryTaskStore` plus where the data lives. */
export interface RedisTaskStoreOptions extends TaskStoreOptions {
  /** A connected node-redis or ioredis client (commands and scripts). The store never closes it. */
  client: RedisClientLike;
  /**
   * A connection for the store's events (Redis pub/sub needs its own). Absent: made with
   * `client.duplicate()` when first needed, and closed by `close()`. Given: connected, not
   * closed by the store.
   */
  subscriber?: RedisClientLike;
  /** Prefix of every key and of the events channel. Default `'mcp:tasks:'`. No `{` or `}` (hash tags are the store's). */
  keyPrefix?: string;
}

/** What `stats()` of a `RedisTaskStore` reports (this process's side only). */
export interface RedisTaskStoreStats {
  /** Pending `waitForUpdate` / `waitForTerminal` calls of this process. */
  waiters: number;
  /** `onStatusChange` listeners and open `watch` iterators of this process. */
  listeners: number;
  /** Redis round trips this store object has made (for measuring). */
  roundTrips: number;
}

/**
 * A task store in Redis for `@modelcontextprotocol/sdk` 1.32: pass it as `taskStore`, and
 * `taskStore.messageQueue()` as `taskMessageQueue`.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * import { RedisTaskStore } from 'mcp-task-store-wasm/redis';
 * const client = await createClient({ url: process.env.REDIS_URL }).connect();
 * const taskStore = new RedisTaskStore({ client, keyPrefix: 'mcp:tasks:' });
 * ```
 */
export class RedisTaskStore {
  /** @throws {TypeError | RangeError} on a bad option (unknown names included); code -32602. */
  constructor(options: RedisTaskStoreOptions);
  createTask(taskParams: CreateTaskOptions, requestId: RequestId, request: TaskRequest, sessionId?: string): Promise<Task>;
  getTask(taskId: string, sessionId?: string): Promise<Task | null>;
  /** With `statusMessage` (not in the SDK's interface), the message is set in the same change. */
  storeTaskResult(taskId: string, status: 'completed' | 'failed', result: JsonObject, sessionId?: string, statusMessage?: string): Promise<void>;
  getTaskResult(taskId: string, sessionId?: string): Promise<JsonObject>;
  updateTaskStatus(taskId: string, status: TaskStatus, statusMessage?: string, sessionId?: string): Promise<void>;
  listTasks(cursor?: string, sessionId?: string): Promise<ListTasksPage>;
  /** Removes a task with its result and queue; `false` if the caller sees no such task. Other processes' listeners get `removed` (`deleted`). */
  deleteTask(taskId: string, sessionId?: string): Promise<boolean>;
  /** `tasks/cancel`: rejects (-32602) if not found or already terminal; else resolves with the task `cancelled`. */
  cancelTask(taskId: string, sessionId?: string): Promise<Task>;
  /** Every change made by any process on this prefix (not expiry: Redis expires keys silently). */
  onStatusChange(listener: (event: TaskEvent) => void, options?: StatusChangeOptions): () => void;
  watch(options?: WatchOptions): AsyncIterableIterator<TaskEvent>;
  /** Resolves at the task's next change by any process; rejects at its deadline (`reason: 'expired'`), on removal, abort or timeout. */
  waitForUpdate(taskId: string, options?: WaitOptions): Promise<Task>;
  waitForTerminal(taskId: string, options?: WaitOptions): Promise<Task>;
  /** Every live task of this prefix, in creation order (async here: it reads Redis). */
  getAllTasks(): Promise<Task[]>;
  /** Removes every task of this prefix (not other keys); listeners get `removed` (`cleared`). */
  cleanup(): Promise<void>;
  stats(): RedisTaskStoreStats;
  /** The message queue over this store's tasks (a Redis list per task, expiring with it). */
  messageQueue(): RedisTaskMessageQueue;
  /** Ends waits and watches (rejected / finished), closes the subscriber connection it made. Never closes `client`. */
  close(): Promise<void>;
}

/** The SDK's `TaskMessageQueue` over a `RedisTaskStore`'s tasks. */
export class RedisTaskMessageQueue {
  private constructor();
  enqueue(taskId: string, message: QueuedMessage, sessionId?: string, maxSize?: number): Promise<void>;
  dequeue(taskId: string, sessionId?: string): Promise<QueuedMessage | undefined>;
  dequeueAll(taskId: string, sessionId?: string): Promise<QueuedMessage[]>;
}
