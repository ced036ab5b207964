/**
 * `mcp-task-store-wasm/tasks-extension`: the 2026-07-28 Tasks extension (`io.modelcontextprotocol/tasks`)
 * served on a `@modelcontextprotocol/server` 2.x (>= 2.3.0) server, over this package's `InMemoryTaskStore`.
 * Every rule of the spec (transitions, ttl, visibility, terminal checks, argument checks) is the store's.
 *
 * @example
 * ```ts
 * import { McpServer } from '@modelcontextprotocol/server';
 * import { TasksExtension, InMemoryTaskStore } from 'mcp-task-store-wasm/tasks-extension';
 *
 * const tasks = new TasksExtension(new InMemoryTaskStore(), { defaultTtlMs: 3_600_000, defaultPollIntervalMs: 2_000 });
 * const server = new McpServer({ name: 's', version: '1.0.0' });
 * tasks.attach(server);
 * server.registerTool('report', {}, async (_args, ctx) => {
 *   if (!tasks.accepts(ctx)) return { content: [{ type: 'text', text: 'done (synchronously)' }] };
 *   const task = await tasks.create(ctx, { ttlMs: 600_000 });
 *   void (async () => {
 *     await task.status('working on it');
 *     await task.complete({ content: [{ type: 'text', text: 'done' }] });
 *   })().catch((e) => task.fail({ code: -32603, message: String(e) }));
 *   return task.result();
 * });
 * ```
 */
import type { InMemoryTaskStore, JsonObject, RequestId, TaskStatus } from './index.js';

export { InMemoryTaskStore } from './index.js';

/** The Task of the extension's wire: `ttlMs` / `pollIntervalMs` (the store's `ttl` / `pollInterval`). */
export interface WireTask {
  taskId: string;
  status: TaskStatus;
  statusMessage?: string;
  createdAt: string;
  lastUpdatedAt: string;
  ttlMs: number | null;
  pollIntervalMs?: number;
}

/** What a tool callback returns to answer `tools/call` with a task. */
export interface CreateTaskResult extends WireTask {
  resultType: 'task';
}

/** A JSON-RPC error, as a `failed` task carries it. */
export interface TaskError {
  code: number;
  message: string;
  data?: unknown;
}

/** A server-to-client request carried in `inputRequests`. */
export interface InputRequest {
  method: 'elicitation/create' | 'sampling/createMessage' | 'roots/list';
  params?: { [key: string]: unknown };
}

/** The part of a request handler's context (`ServerContext` of `@modelcontextprotocol/server`) the extension reads. */
export interface TasksRequestContext {
  sessionId?: string;
  mcpReq: { id: RequestId; method: string; envelope?: { [key: string]: unknown } };
  http?: { authInfo?: { clientId?: string } };
}

/** A server the extension attaches to: an `McpServer` (its `.server`) or a low-level `Server`, 2.3.0 or later. */
export type AttachableServer =
  | { server: { registerCapabilities(capabilities: object): void; setRequestHandler(...args: any[]): void } }
  | { registerCapabilities(capabilities: object): void; setRequestHandler(...args: any[]): void };

export interface TasksExtensionOptions {
  /** ttlMs of tasks created without one (`null`: unlimited). Default: the store's (unlimited, within minTtl/maxTtl). */
  defaultTtlMs?: number | null;
  /** pollIntervalMs of tasks created without one. Default: the store's `defaultPollInterval`. */
  defaultPollIntervalMs?: number;
  /**
   * Who owns a task (the store's `sessionId`; the store decides who sees what). Default: `client:<clientId>` of the
   * request's `ctx.http.authInfo`, else `session:<ctx.sessionId>`, else `'anonymous'` (shared by every requestor
   * without identity, who never see the tasks of others). A function returning `undefined` also means `'anonymous'`.
   */
  principal?: (ctx: TasksRequestContext) => string | undefined;
}

/** The work side of one task. */
export interface TaskHandle {
  readonly taskId: string;
  /** Aborts when the task is cancelled, or removed (expired, deleted, cleared). */
  readonly signal: AbortSignal;
  /** `working` with this status message. */
  status(message?: string): Promise<void>;
  /**
   * Moves the task to `input_required` and lists `requests` in `tasks/get` until `tasks/update` has answered all
   * of them; then back to `working`, resolving with the responses by key. Keys are unique over the task's life:
   * a key used before rejects (RangeError, -32602). Rejects when the task ends or is removed first.
   */
  requireInput<K extends string>(requests: Record<K, InputRequest>): Promise<Record<K, JsonObject>>;
  /** Ends the task `completed` with the result (a tool result with `isError: true` included). */
  complete(result: JsonObject): Promise<void>;
  /** Ends the task `failed` with a JSON-RPC error. */
  fail(error: TaskError): Promise<void>;
  /** `{ resultType: 'task', ...Task }`: what the tool callback returns. */
  result(): Promise<CreateTaskResult>;
}

export declare class TasksExtension {
  /** `'io.modelcontextprotocol/tasks'`. */
  static readonly EXTENSION_ID: 'io.modelcontextprotocol/tasks';
  /** @throws {TypeError} (code -32602) on a store without the methods of this package's store, or a bad option. */
  constructor(store: InMemoryTaskStore, options?: TasksExtensionOptions);
  readonly store: InMemoryTaskStore;
  /**
   * Advertises `capabilities.extensions['io.modelcontextprotocol/tasks'] = {}` and registers `tasks/get`,
   * `tasks/update`, `tasks/cancel` (explicit params schemas). Call before `connect`; with `createMcpHandler`, in
   * the factory (the extension and its store live outside it). Returns `server`.
   */
  attach<S extends AttachableServer>(server: S): S;
  /** Whether the request declared the extension (its 2026-07-28 `_meta` client capabilities): only then may it get a task. */
  accepts(ctx: TasksRequestContext): boolean;
  /** Creates the task (durable once this resolves). Rejects with -32021 when the request did not declare the extension. */
  create(ctx: TasksRequestContext, params?: { ttlMs?: number | null; pollIntervalMs?: number }): Promise<TaskHandle>;
  /** What the extension holds itself: tasks with input-request state (dropped when the store removes the task). */
  stats(): { inputStates: number };
  /** Stops listening to the store and drops the extension's state (the store and its tasks stay). */
  close(): void;
}
