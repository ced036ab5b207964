/**
 * mcp-task-store-wasm: a task store for the Model Context Protocol's tasks utility
 * (spec 2025-11-25), implemented in Rust and compiled to WebAssembly. A drop-in
 * `TaskStore` / `TaskMessageQueue` for `@modelcontextprotocol/sdk` 1.32.x.
 *
 * The types below are structural: they match the SDK's without importing it.
 */

declare global {
  interface SymbolConstructor {
    /**
     * `Symbol.dispose` (explicit resource management), declared for TypeScript setups whose
     * `lib` predates `esnext.disposable`; the same declaration as the standard library's.
     */
    readonly dispose: unique symbol;
  }
}

/** A task's status. `completed`, `failed` and `cancelled` are terminal. */
export type TaskStatus = 'working' | 'input_required' | 'completed' | 'failed' | 'cancelled';

/** The Task object of MCP 2025-11-25: exactly these fields. */
export interface Task {
  /** A random UUID v4, unique in the store. */
  taskId: string;
  status: TaskStatus;
  /** Present only when a message was given with the current status. */
  statusMessage?: string;
  /** ISO 8601 UTC with milliseconds, e.g. `2025-11-25T10:30:00.000Z`. */
  createdAt: string;
  /** Same format; moves on every change. */
  lastUpdatedAt: string;
  /** The actual retention in ms counted from creation (restarted when the task ends), or `null` for unlimited. */
  ttl: number | null;
  /** Suggested ms between polls. */
  pollInterval: number;
}

/** A JSON value as the store accepts it. Object properties that are `undefined` are left out, as in JSON. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue | undefined };

/** A JSON object (a request's result, a JSON-RPC message). */
export interface JsonObject {
  [key: string]: unknown;
}

/** A JSON-RPC request id. */
export type RequestId = string | number;

/** What `createTask` is asked for (the SDK's `CreateTaskOptions`). */
export interface CreateTaskOptions {
  /** Requested retention in ms; `null` or absent asks for unlimited. Clamped to [minTtl, maxTtl]; out-of-range numbers are brought into range, not rejected. */
  ttl?: number | null;
  /** Requested poll interval in ms; absent takes `defaultPollInterval`. */
  pollInterval?: number;
  /** Accepted and ignored. */
  context?: Record<string, unknown>;
}

/** The request that made a task (checked, not kept: no method of the interface returns it). */
export interface TaskRequest {
  method: string;
  params?: { [key: string]: unknown };
}

/** A page of `listTasks`. `nextCursor` is present if and only if more tasks follow. */
export interface ListTasksPage {
  tasks: Task[];
  nextCursor?: string;
}

/** Settings of an `InMemoryTaskStore`. Every one is optional. */
export interface TaskStoreOptions {
  /** Tasks per `listTasks` page, 1 to 1000. Default 10. */
  pageSize?: number;
  /** `pollInterval` of tasks created without one, in ms. Default 1000. */
  defaultPollInterval?: number;
  /** Smallest ttl granted, in ms (a smaller request, 0 included, is raised to it). Default 1: ttls are granted as asked. */
  minTtl?: number;
  /** Largest ttl granted, in ms (a larger request, or `null` = unlimited, is lowered to it). Default: no maximum. */
  maxTtl?: number | null;
  /** Most tasks held at once; one more `createTask` rejects (-32603). Default 1,000,000; `Infinity`: no limit. */
  maxTasks?: number;
  /** Most tasks one session owns at once (unowned tasks count only toward `maxTasks`). Default 100,000. */
  maxTasksPerSession?: number;
  /** Largest result stored, as the length of its JSON text in JS string units (escapes not counted); a larger one rejects (-32603). Default 64 MiB. */
  maxResultBytes?: number;
  /** Most messages a task's queue in `messageQueue()` holds when `enqueue` gives no smaller `maxSize`. Default 10,000. */
  maxQueueSize?: number;
  /**
   * Where an error thrown (or a Promise rejected) by an `onStatusChange` listener goes. Default: `console.error`.
   * It never reaches the store call that caused the event, nor the other listeners.
   */
  onListenerError?: (error: unknown, event: TaskEvent) => void;
}

/**
 * Every rejection is an `Error` (a `TypeError` for a wrong type, a `RangeError` for a value out of range)
 * whose message names the parameter and value, with the JSON-RPC code in `code`.
 */
export interface TaskStoreError extends Error {
  /**
   * -32602 invalid params (unknown task, bad argument, bad cursor, terminal task, a waited-on task removed);
   * -32603 internal (a full queue, a watch buffer overrun); -32001 a wait's `timeout` passed (`name` is `'TimeoutError'`).
   */
  code: -32602 | -32603 | -32001;
  /** On a wait rejected because its task left the store: why it left. */
  reason?: RemovalReason;
}

/** Why a task left the store: its ttl ran out, `deleteTask`, or `cleanup()`. */
export type RemovalReason = 'expired' | 'deleted' | 'cleared';

/**
 * A change of one task, as `onStatusChange` listeners and `watch` iterators receive it. `task` is the task's
 * state after the change (for `removed`, its last state). Event objects and their `task` are frozen and
 * shared by every listener.
 */
export type TaskEvent =
  | { readonly type: 'created' | 'status' | 'result'; readonly task: Readonly<Task> }
  | { readonly type: 'removed'; readonly task: Readonly<Task>; readonly reason: RemovalReason };

/** Options of `onStatusChange`. */
export interface StatusChangeOptions {
  /** Only events of tasks this session may see (its own and unowned tasks). Absent: every event. */
  sessionId?: string;
}

/** Options of `watch`. */
export interface WatchOptions {
  /** Only events of tasks this session may see. */
  sessionId?: string;
  /** Only this task's events; the iterator ends after its terminal or `removed` event (at once if already terminal). */
  taskId?: string;
  /** Ends the iterator when aborted. */
  signal?: AbortSignal;
  /**
   * Events kept for a consumer that has not caught up, 1 to 1,000,000. Default 1000. One more event than
   * this unsubscribes the iterator: it yields what it holds, then its `next()` rejects (code -32603).
   */
  bufferSize?: number;
}

/** Options of `waitForUpdate` and `waitForTerminal`. */
export interface WaitOptions {
  /** The caller's session: a task it may not see is "not found". */
  sessionId?: string;
  /** Rejects the wait with `signal.reason` when aborted. */
  signal?: AbortSignal;
  /** Rejects the wait (code -32001, name `TimeoutError`) after this many ms. */
  timeout?: number;
}

/** What `stats()` reports. */
export interface TaskStoreStats {
  /** Live tasks. */
  tasks: number;
  /** Live tasks per status. */
  byStatus: Record<TaskStatus, number>;
  /** Distinct sessions that own a live task. */
  sessions: number;
  /** Pending timers of the store: 0 or 1, whatever the number of tasks and waits. */
  pendingTimers: number;
  /** Pending `waitForUpdate` / `waitForTerminal` calls. */
  waiters: number;
  /** Subscribed `onStatusChange` listeners and open `watch` iterators. */
  listeners: number;
}

/** What `runTask` hands the work. */
export interface TaskContext {
  /** The task as it was when the work started. */
  readonly task: Task;
  /** Aborts when the task is cancelled, deleted or expires (or the store is cleaned up). */
  readonly signal: AbortSignal;
  /** `working`, with this status message. */
  setStatus(message: string): Promise<void>;
  /** `input_required`, with an optional message. */
  needInput(message?: string): Promise<void>;
  /** Back to `working`, with an optional message. */
  resume(message?: string): Promise<void>;
  /** Stores `result` and ends the task: `failed` if `result.isError === true`, else `completed`. */
  complete(result: JsonObject): Promise<void>;
  /** Ends the task `failed` with the tool result `{ content: [{ type: 'text', text: message }], isError: true }`. */
  fail(message: string): Promise<void>;
}

/** A Task as any store returns it (the SDK's types `pollInterval` as optional). */
export type TaskLike = Omit<Task, 'pollInterval'> & { pollInterval?: number };

/** The store calls `runTask` and `cancelTask` need: any `TaskStore` (this package's, or the SDK's). */
export interface TaskStoreLike {
  getTask(taskId: string, sessionId?: string): Promise<TaskLike | null>;
  storeTaskResult(taskId: string, status: 'completed' | 'failed', result: JsonObject, sessionId?: string): Promise<void>;
  updateTaskStatus(taskId: string, status: TaskStatus, statusMessage?: string, sessionId?: string): Promise<void>;
}

/** A JSON-RPC request (`type: 'request'` of a queued message). */
export interface JsonRpcRequest {
  jsonrpc: '2.0';
  id: RequestId;
  method: string;
  params?: JsonObject;
}

/** A JSON-RPC notification (`type: 'notification'`). */
export interface JsonRpcNotification {
  jsonrpc: '2.0';
  method: string;
  params?: JsonObject;
}

/** A JSON-RPC result response (`type: 'response'`). */
export interface JsonRpcResultResponse {
  jsonrpc: '2.0';
  id: RequestId;
  result: JsonObject;
}

/** A JSON-RPC error response (`type: 'error'`). */
export interface JsonRpcErrorResponse {
  jsonrpc: '2.0';
  id?: RequestId;
  error: { code: number; message: string; data?: unknown };
}

/**
 * A message queued for a task (the SDK's `QueuedMessage`): `type` says which JSON-RPC message
 * `message` is; `timestamp` is when it was queued (ms since the epoch). At run time the store
 * checks `type`, that `message` is a JSON object and that `timestamp` is a finite number.
 */
export type QueuedMessage =
  | { type: 'request'; message: JsonRpcRequest; timestamp: number }
  | { type: 'notification'; message: JsonRpcNotification; timestamp: number }
  | { type: 'response'; message: JsonRpcResultResponse; timestamp: number }
  | { type: 'error'; message: JsonRpcErrorResponse; timestamp: number };

/**
 * A task store for `@modelcontextprotocol/sdk`: pass it as `taskStore` to `McpServer` / `Server`.
 *
 * @example
 * ```ts
 * import { InMemoryTaskStore } from 'mcp-task-store-wasm';
 * const taskStore = new InMemoryTaskStore({ pageSize: 20 });
 * const task = await taskStore.createTask({ ttl: 60_000 }, 1, { method: 'tools/call' });
 * await taskStore.storeTaskResult(task.taskId, 'completed', { content: [] });
 * ```
 */
export class InMemoryTaskStore {
  /** @throws {TaskStoreError} on a bad option (unknown names included). */
  constructor(options?: TaskStoreOptions);
  /** Creates a task in `working`, owned by `sessionId` if given. */
  createTask(taskParams: CreateTaskOptions, requestId: RequestId, request: TaskRequest, sessionId?: string): Promise<Task>;
  /** The task, or `null` if there is no such task for this session (unknown, expired, or another session's). */
  getTask(taskId: string, sessionId?: string): Promise<Task | null>;
  /** Stores the result of a non-terminal task and ends it as `status`, at once. The ttl clock restarts. With `statusMessage` (an addition to the SDK's interface), sets the status message in the same change. */
  storeTaskResult(taskId: string, status: 'completed' | 'failed', result: JsonObject, sessionId?: string, statusMessage?: string): Promise<void>;
  /** The stored result as the wire would carry it: a fresh copy on every read, the caller's to change. */
  getTaskResult(taskId: string, sessionId?: string): Promise<JsonObject>;
  /** Moves a non-terminal task to `status` (a repeated non-terminal status is allowed). */
  updateTaskStatus(taskId: string, status: TaskStatus, statusMessage?: string, sessionId?: string): Promise<void>;
  /** One page of the session's tasks in creation order. */
  listTasks(cursor?: string, sessionId?: string): Promise<ListTasksPage>;
  /**
   * Calls `listener` after every change of a task (with `sessionId`: of a task that session may see), synchronously,
   * after the change is made and before the call that made it returns. Returns the function that unsubscribes it.
   * A listener may call the store; what it throws goes to `onListenerError`.
   */
  onStatusChange(listener: (event: TaskEvent) => void, options?: StatusChangeOptions): () => void;
  /** The same events as an async iterator (`for await`); see {@link WatchOptions} for when it ends. */
  watch(options?: WatchOptions): AsyncIterableIterator<TaskEvent>;
  /** Resolves with the task at its next change after the call; rejects if it is removed first, on abort or timeout. */
  waitForUpdate(taskId: string, options?: WaitOptions): Promise<Task>;
  /** Resolves with the task once it is terminal (at once if it already is); rejects as `waitForUpdate`. */
  waitForTerminal(taskId: string, options?: WaitOptions): Promise<Task>;
  /** Removes a task with its result and queued messages, whatever its status; `false` if the caller sees no such task. */
  deleteTask(taskId: string, sessionId?: string): Promise<boolean>;
  /** `tasks/cancel`: rejects (-32602) if the task is not found or already terminal, else resolves with it `cancelled`. */
  cancelTask(taskId: string, sessionId?: string): Promise<Task>;
  /** Counts of what the store holds. */
  stats(): TaskStoreStats;
  /**
   * Everything the store holds (tasks, results, owners, creation order, deadlines as absolute times, the linked
   * queue's messages) as a versioned JSON document, for `InMemoryTaskStore.restore`.
   */
  snapshot(): string;
  /**
   * A store with `options` holding what a `snapshot()` holds, as the original would be now: tasks whose deadline
   * passed meanwhile are left out; cursors handed out before stay valid. A damaged, truncated or future-version
   * snapshot throws (-32602, naming what is wrong and where) and creates nothing.
   */
  static restore(snapshot: string, options?: TaskStoreOptions): InMemoryTaskStore;
  /** Clears the timer and removes every task (and the linked queue's messages); pending waits reject (reason `cleared`). */
  cleanup(): void;
  /** Every live task in creation order, whatever its session. */
  getAllTasks(): Task[];
  /** The message queue linked to this store: a task's queue is dropped when the task expires or is cleaned up. */
  messageQueue(): InMemoryTaskMessageQueue;
  /** Live tasks. */
  readonly size: number;
  /** Whether the one cleanup timer is pending. */
  readonly hasPendingTimer: boolean;
  /** Frees the WebAssembly memory of this store at once (otherwise done when it is garbage-collected). */
  free(): void;
  /** `free()`, for `using store = new InMemoryTaskStore()`. */
  [Symbol.dispose](): void;
}

/**
 * The spec's `tasks/cancel` rules in one call: rejects with -32602 when the task is not found or already
 * terminal; otherwise the task is `cancelled` before the Promise resolves with it.
 */
export function cancelTask(store: TaskStoreLike, taskId: string, sessionId?: string): Promise<Task>;

/**
 * Runs `work` for a task and records how it ended: a returned value completes the task with it (`failed` if it is
 * a tool result with `isError: true`); a throw fails it with the error's message, unless the task is already
 * terminal. `ctx.signal` aborts when the task is cancelled, deleted or expires. Resolves when the outcome is
 * stored; rejects only for bad arguments or a task the caller cannot see, before `work` starts.
 */
export function runTask(
  store: TaskStoreLike,
  taskId: string,
  work: (ctx: TaskContext) => unknown,
  options?: { sessionId?: string },
): Promise<void>;

/**
 * Per-task FIFO queues of JSON-RPC messages: pass it as `taskMessageQueue`. Prefer `store.messageQueue()`,
 * whose queues are dropped with their tasks.
 */
export class InMemoryTaskMessageQueue {
  constructor();
  /** Appends a message; rejects, enqueuing nothing, when the queue already holds `maxSize` messages. */
  enqueue(taskId: string, message: QueuedMessage, sessionId?: string, maxSize?: number): Promise<void>;
  /** Takes the oldest message, or `undefined`. */
  dequeue(taskId: string, sessionId?: string): Promise<QueuedMessage | undefined>;
  /** Takes every message, oldest first. */
  dequeueAll(taskId: string, sessionId?: string): Promise<QueuedMessage[]>;
  /** Tasks with messages waiting (a drained queue is freed). */
  readonly queueCount: number;
  /** Frees the WebAssembly memory of this queue at once (otherwise done when it is garbage-collected). */
  free(): void;
  /** `free()`, for `using queue = new InMemoryTaskMessageQueue()`. */
  [Symbol.dispose](): void;
}

/**
 * **Browsers** (and workers with IndexedDB): saves `store` to the IndexedDB database `options.name`
 * (one object store, one record: the `snapshot()` string and when it was saved) every `intervalMs`
 * (default 5000; 0: no interval), on `pagehide`, and when the document becomes hidden
 * (`visibilitychange`). `save()` writes the store as it is now and resolves once the IndexedDB
 * transaction has completed (rejects, code -32603, if it failed); `stop()` clears the interval and
 * removes the listeners. A background save that fails never becomes an unhandled rejection: its error
 * goes to `console.error`. In Node it throws an `Error` (code -32603): use {@link persistToFile}.
 * @throws {TaskStoreError} on a bad argument (-32602), or where there is no IndexedDB (-32603).
 */
export function persistToIndexedDB(
  store: InMemoryTaskStore,
  options: { name: string; intervalMs?: number },
): { save(): Promise<void>; stop(): void };

/**
 * **Browsers**: the store `persistToIndexedDB` saved in database `name` (`InMemoryTaskStore.restore(snapshot,
 * options)`), or a new empty store with `options` if nothing was saved there (reading creates no database).
 * A damaged record rejects with the store's error (-32602); it never gives an empty store silently. In Node
 * it rejects with an `Error` (code -32603): use {@link restoreFromFile}.
 */
export function restoreFromIndexedDB(name: string, options?: TaskStoreOptions): Promise<InMemoryTaskStore>;

/**
 * **Node**: saves `store` to the file `path` every `intervalMs` (default 5000; 0: only on
 * demand) and, with `signals` (`true`: SIGTERM and SIGINT; or a list of signal names), when the process
 * receives one, before it ends as it would have. Each write is atomic (temporary file, fsync, rename).
 * `save()` writes now, synchronously; `stop()` ends the interval and the signal handling. In browsers it
 * throws an `Error` (code -32603): use {@link persistToIndexedDB}.
 */
export function persistToFile(
  store: InMemoryTaskStore,
  path: string,
  options?: { intervalMs?: number; signals?: boolean | string[] },
): { save(): void; stop(): void };

/**
 * **Node**: the store saved in the file `path` (`InMemoryTaskStore.restore(text, options)`),
 * or a new empty store with `options` if there is no such file. An unreadable (-32603) or damaged (-32602)
 * file rejects; it never gives an empty store silently. In browsers it rejects with an `Error` (code -32603):
 * use {@link restoreFromIndexedDB}.
 */
export function restoreFromFile(path: string, options?: TaskStoreOptions): Promise<InMemoryTaskStore>;
