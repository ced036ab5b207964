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

/** The DetailedTask of `tasks/get` (without its `resultType`): the Task and the variant for its status. */
export type DetailedTask =
  | (WireTask & { status: 'working' | 'cancelled' })
  | (WireTask & { status: 'input_required'; /** The outstanding requests only, by key. */ inputRequests: { [key: string]: InputRequest } })
  | (WireTask & { status: 'completed'; /** The tool result, with `resultType: 'complete'`. */ result: JsonObject & { resultType: 'complete' } })
  | (WireTask & { status: 'failed'; error: TaskError });

/** What `tasks/get` answers. */
export type GetTaskResult = DetailedTask & { resultType: 'complete' };

/** What `ExtensionTaskStore.create` is asked for (the SDK draft's `CreateTaskParams`). */
export interface CreateTaskParams {
  /** Retention from creation in ms; `null` unlimited; absent: the store's default. Brought into the store's [minTtl, maxTtl]. */
  ttlMs?: number | null;
  /** Suggested polling interval in ms; absent: the store's `defaultPollInterval`. */
  pollIntervalMs?: number;
  /** Who may see the task: only accesses with this principal. Absent: every requestor. */
  principal?: string;
  /** Accepted and not kept (this store needs nothing to find the work). */
  context?: { [key: string]: unknown };
}

/** The requestor of a `get` / `update` / `cancel`. No principal: sees only tasks created without one. */
export interface TaskAccess {
  principal?: string;
}

/**
 * The store seam of the extension (the four methods of the SDK draft's `TaskStore`, so it can be handed to the
 * SDK's own extension class if that is released) over this package's `InMemoryTaskStore`, plus `handle(taskId)`
 * for the work side. Every rule is the store's; this maps shapes and keeps each task's input requests.
 *
 * @example
 * ```ts
 * const seam = new ExtensionTaskStore(new InMemoryTaskStore());
 * const task = await seam.create({ ttlMs: 60_000, principal: 'alice' });
 * const work = seam.handle(task.taskId);
 * const answers = work.requireInput({ ok: { method: 'elicitation/create', params: { message: 'Go?', requestedSchema: { type: 'object', properties: {} } } } });
 * await seam.get(task.taskId, { principal: 'alice' }); // { status: 'input_required', inputRequests: { ok: ... }, ... }
 * await seam.get(task.taskId, { principal: 'bob' });   // undefined
 * await seam.update(task.taskId, { ok: { action: 'accept' } }, { principal: 'alice' }); // true
 * await work.complete({ content: [] });
 * ```
 */
export declare class ExtensionTaskStore {
  /** @throws {TypeError} (code -32602) on a store without the methods of this package's store. */
  constructor(store: InMemoryTaskStore);
  readonly store: InMemoryTaskStore;
  /** Creates a task, `working`; durable once this resolves (a `get` finds it). Rejects (-32602) on bad params, naming them. */
  create(params: CreateTaskParams): Promise<WireTask>;
  /** The task with the variant for its status; `undefined` when unknown, expired or not visible to `access`. */
  get(taskId: string, access?: TaskAccess): Promise<DetailedTask | undefined>;
  /**
   * Takes the answers to outstanding input requests; other keys are ignored. Resolves `false` when the task is not
   * found. Rejects (TypeError, -32602) when `inputResponses` is not an object, or an answer taken is not one.
   */
  update(taskId: string, inputResponses: { [key: string]: JsonObject }, access?: TaskAccess): Promise<boolean>;
  /** Cancels cooperatively (the handle's `signal` aborts); a terminal task stays as it is. `false` when not found. */
  cancel(taskId: string, access?: TaskAccess): Promise<boolean>;
  /**
   * The work side of the task (the same object while the task runs). Its calls are not restricted to a principal.
   * An unknown or expired id gives a handle whose `signal` aborts and whose calls reject (-32602).
   * @throws {TypeError} (code -32602) when `taskId` is not a string.
   */
  handle(taskId: string): TaskHandle;
  /** What the seam holds itself: tasks with input-request state, live handles (each dropped when its task ends or goes). */
  stats(): { inputStates: number; handles: number };
  /** Stops listening to the store and drops the seam's state (the store and its tasks stay). */
  close(): void;
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
  /**
   * Ends the task `failed` with a JSON-RPC error, its `statusMessage` set to `statusMessage` (default: the error's
   * message; the spec's SHOULD). Two store calls: the message with `working`, then the error.
   */
  fail(error: TaskError, statusMessage?: string): Promise<void>;
  /** `{ resultType: 'task', ...Task }`: what the tool callback returns. */
  result(): Promise<CreateTaskResult>;
}

export declare class TasksExtension {
  /** `'io.modelcontextprotocol/tasks'`. */
  static readonly EXTENSION_ID: 'io.modelcontextprotocol/tasks';
  /**
   * Over this package's store (the extension makes its own `ExtensionTaskStore`), or over an `ExtensionTaskStore`
   * (shared, e.g. with work that calls `handle`).
   * @throws {TypeError} (code -32602) on anything else, or a bad option.
   */
  constructor(store: InMemoryTaskStore | ExtensionTaskStore, options?: TasksExtensionOptions);
  /** The `InMemoryTaskStore` behind it. */
  readonly store: InMemoryTaskStore;
  /** The store seam it calls: `taskStore.handle(taskId)` is the work side of any of its tasks. */
  readonly taskStore: ExtensionTaskStore;
  /**
   * Advertises `capabilities.extensions['io.modelcontextprotocol/tasks'] = {}` and registers `tasks/get`,
   * `tasks/update`, `tasks/cancel` (explicit params schemas). Call before `connect`; with `createMcpHandler`, in
   * the factory (the extension and its store live outside it). Returns `server`.
   */
  attach<S extends AttachableServer>(server: S): S;
  /**
   * `handler` (e.g. what `createMcpHandler` returns) with a `fetch` that answers -32021 to a `subscriptions/listen`
   * asking for task notifications (`notifications.taskIds`) from a request that did not declare the extension (the
   * SDK's serving entry answers `subscriptions/listen` itself). Every other request, and every other member, is the
   * handler's (the result's prototype is `handler`).
   * @throws {TypeError} (code -32602) when `handler` has no `fetch`.
   */
  guard<H extends { fetch(request: Request, options?: unknown): Promise<Response> }>(handler: H): H;
  /** Whether the request declared the extension (its 2026-07-28 `_meta` client capabilities): only then may it get a task. */
  accepts(ctx: TasksRequestContext): boolean;
  /** Creates the task (durable once this resolves). Rejects with -32021 when the request did not declare the extension. */
  create(ctx: TasksRequestContext, params?: { ttlMs?: number | null; pollIntervalMs?: number }): Promise<TaskHandle>;
  /** What its seam holds: tasks with input-request state, live handles (each dropped when its task ends or goes). */
  stats(): { inputStates: number; handles: number };
  /** Closes the seam it made (an `ExtensionTaskStore` it was given stays open); the store and its tasks stay. */
  close(): void;
}

/** A JSON value as the ext-tasks client types it (read-only, no `undefined`). */
export type WireJsonValue = null | boolean | number | string | readonly WireJsonValue[] | { readonly [key: string]: WireJsonValue };

/** The answer `rawDispatch` gives the ext-tasks client (its `JsonRpcResponse`). */
export type RawResponse =
  | { kind: 'result'; result: WireJsonValue }
  | { kind: 'error'; error: { code: number; message: string; data?: WireJsonValue } };

/** What the ext-tasks client passes along with a request. */
export interface RawDispatchOptions {
  signal?: AbortSignal;
  context?: { headers?: Readonly<Record<string, string>>; requestTimeoutMs?: number };
}

/**
 * `rawDispatch(request, options?)` of `createTaskSessionFromClient`: `request` is a JSON-RPC request
 * (`{ method, params?, id? }`; anything else rejects with a TypeError, code -32602).
 */
export type RawDispatch = (request: WireJsonValue, options?: RawDispatchOptions) => Promise<RawResponse>;

export interface RawDispatchSettings {
  /** Headers of every request (e.g. `authorization`), or a function giving them per request. */
  headers?: Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>);
  /** Default: `globalThis.fetch`. */
  fetch?: typeof fetch;
}

/**
 * The `rawDispatch` the official client (`createTaskSessionFromClient` of `@modelcontextprotocol/ext-tasks/client`)
 * needs against a 2026-07-28 Streamable HTTP server: one POST per request with `MCP-Protocol-Version: 2026-07-28`,
 * `Mcp-Method` and `Mcp-Name` (unless the client named them), a JSON or SSE answer read back. Rejects with an
 * Error (code -32603) when the answer holds no JSON-RPC response to the request.
 * @throws {TypeError} (code -32602) on a bad `url` or option.
 *
 * @example
 * ```ts
 * const session = createTaskSessionFromClient(client, {
 *   endpointId: url,
 *   rawDispatch: createRawDispatch(url, { headers: { authorization: `Bearer ${token}` } }),
 *   v2RequestFraming: { protocolVersion: '2026-07-28', clientInfo, clientCapabilities: {} },
 * });
 * ```
 */
export declare function createRawDispatch(url: string | URL, settings?: RawDispatchSettings): RawDispatch;
