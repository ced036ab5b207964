// `mcp-task-store-wasm/tasks-extension`: the 2026-07-28 Tasks extension
// (`io.modelcontextprotocol/tasks`) on a `@modelcontextprotocol/server` 2.x server, over this
// package's `InMemoryTaskStore`.
//
// Two layers, both mapping shapes and calling the store; every rule of the spec (ids,
// transitions, terminal states, ttl and expiry, who may see a task, argument checks) is
// decided by the store, i.e. by the Rust core: a refusal of the store is the answer.
// - `ExtensionTaskStore`: the store seam of the SDK's draft (`create`, `get`, `update`,
//   `cancel`, with `access = { principal? }`) plus `handle(taskId)` for the work side. The
//   only state it keeps is what the store has no place for: the input requests a task has
//   issued (outstanding, and every key ever used, so keys are never reused), dropped when the
//   task ends or the store removes it, and one abort signal per task with a live handle.
// - `TasksExtension`: the wire (capability, `tasks/*` handlers, -32021, the requestor's
//   principal), calling the seam.
// - `createRawDispatch`: the client side's one POST per request, for the official
//   `@modelcontextprotocol/ext-tasks` client against a 2026-07-28 server.
//
// Only `export function` declarations (scripts/to-cjs.mjs builds the CommonJS twin from
// this file); the one re-export below is replaced by a `require` in the `pkg` recipe.

const EXTENSION_ID = 'io.modelcontextprotocol/tasks';
const PROTOCOL_VERSION = '2026-07-28';
const CLIENT_CAPABILITIES_META_KEY = 'io.modelcontextprotocol/clientCapabilities';
const MISSING_CAPABILITY = -32021;
const INVALID_PARAMS = -32602;
const INTERNAL_ERROR = -32603;
const STORE_METHODS = ['createTask', 'getTask', 'updateTaskStatus', 'storeTaskResult', 'getTaskResult',
  'cancelTask', 'waitForTerminal', 'onStatusChange'];
const OPTIONS = ['defaultTtlMs', 'defaultPollIntervalMs', 'principal'];
const INPUT_METHODS = ['elicitation/create', 'sampling/createMessage', 'roots/list'];
// The store checks the request a task is made for, and keeps none of it: the only method a
// task may answer in this extension.
const TASK_REQUEST = Object.freeze({ method: 'tools/call' });
const TASK_REQUEST_ID = 'tasks-extension';
// The store's sessionId for an access without a principal: it sees the tasks created without
// one, never a principal's (the store's visibility rule, with a session given).
const ANONYMOUS = 'anonymous';
// The store names its own parameters; the seam's callers know these names.
const CREATE_NAMES = [['taskParams.ttl', 'params.ttlMs'], ['taskParams.pollInterval', 'params.pollIntervalMs'], ['sessionId', 'params.principal']];
const ACCESS_NAMES = [['sessionId', 'access.principal']];

const seams = new WeakMap();
const extensions = new WeakMap();

function codedError(message, code, ErrorClass, data) {
  const error = new (ErrorClass || Error)(message);
  error.code = code;
  if (data !== undefined) error.data = data;
  return error;
}

function isObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function describe(value) {
  if (typeof value === 'string') return JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' || typeof value === 'function' ? `a ${typeof value}` : String(value);
}

/** The store's error with the parameter named as the seam's caller knows it. */
function renamed(error, names) {
  if (error instanceof Error && typeof error.message === 'string') {
    for (const [from, to] of names) {
      if (error.message.startsWith(`Invalid ${from}:`)) {
        error.message = `Invalid ${to}:${error.message.slice(`Invalid ${from}:`.length)}`;
        break;
      }
    }
  }
  return error;
}

function missingCapability(method) {
  return codedError(`Missing required client capability: ${method} needs the ${EXTENSION_ID} extension declared on the request`,
    MISSING_CAPABILITY, Error, { requiredCapabilities: { extensions: { [EXTENSION_ID]: {} } } });
}

function notFound(taskId) {
  return codedError(`Failed to retrieve task: Task not found (${describe(taskId)}: unknown, expired, or not visible to this requestor)`, INVALID_PARAMS);
}

/** The Task as the extension's wire carries it (`ttlMs`, `pollIntervalMs`). */
function wireTask(task) {
  const out = { taskId: task.taskId, status: task.status };
  if (task.statusMessage !== undefined) out.statusMessage = task.statusMessage;
  out.createdAt = task.createdAt;
  out.lastUpdatedAt = task.lastUpdatedAt;
  out.ttlMs = task.ttl ?? null;
  if (task.pollInterval !== undefined) out.pollIntervalMs = task.pollInterval;
  return out;
}

// ---- the store seam ----

/** The store's sessionId for `access` (checked: an object or nothing). */
function sessionOf(access) {
  if (access === undefined) return ANONYMOUS;
  if (!isObject(access)) {
    throw codedError(`Invalid access: ${describe(access)} (expected { principal?: string })`, INVALID_PARAMS, TypeError);
  }
  return access.principal === undefined ? ANONYMOUS : access.principal;
}

function seamState(seam) {
  const state = seams.get(seam);
  if (state === undefined) {
    throw codedError(`Invalid this: ${describe(seam)} (expected an ExtensionTaskStore)`, INVALID_PARAMS, TypeError);
  }
  return state;
}

/** The input-request state of a task, made on first use. */
function inputState(state, taskId) {
  let input = state.inputs.get(taskId);
  if (input === undefined) {
    input = { issued: new Set(), outstanding: new Map(), batches: new Set() };
    state.inputs.set(taskId, input);
  }
  return input;
}

/** The task ended or is gone: its waiting `requireInput` calls reject and its input state goes. */
function dropInputs(state, taskId, reason) {
  const input = state.inputs.get(taskId);
  if (input === undefined) return;
  for (const batch of input.batches) batch.reject(reason);
  state.inputs.delete(taskId);
}

function checkInputRequests(requests) {
  if (!isObject(requests) || Object.keys(requests).length === 0) {
    throw codedError(`Invalid requests: ${describe(requests)} (expected an object with at least one key)`, INVALID_PARAMS, TypeError);
  }
  for (const [key, request] of Object.entries(requests)) {
    if (!isObject(request) || !INPUT_METHODS.includes(request.method)) {
      throw codedError(`Invalid requests[${JSON.stringify(key)}]: ${describe(request)} (expected { method: ${INPUT_METHODS.map((m) => `'${m}'`).join(' | ')}, params })`, INVALID_PARAMS, TypeError);
    }
    if (request.params !== undefined && !isObject(request.params)) {
      throw codedError(`Invalid requests[${JSON.stringify(key)}].params: ${describe(request.params)} (expected an object)`, INVALID_PARAMS, TypeError);
    }
  }
}

function checkError(error) {
  if (!isObject(error) || !Number.isSafeInteger(error.code) || typeof error.message !== 'string') {
    throw codedError(`Invalid error: ${describe(error)} (expected a JSON-RPC error { code: integer, message: string, data? })`, INVALID_PARAMS, TypeError);
  }
  const out = { code: error.code, message: error.message };
  if (error.data !== undefined) out.data = error.data;
  return out;
}

async function requireInput(state, taskId, signal, requests) {
  checkInputRequests(requests);
  const input = inputState(state, taskId);
  for (const key of Object.keys(requests)) {
    if (input.issued.has(key)) {
      throw codedError(`Invalid requests: the key ${JSON.stringify(key)} was already used in task ${taskId} (keys are unique over a task's life)`, INVALID_PARAMS, RangeError);
    }
  }
  if (signal.aborted) throw signal.reason;
  const keys = Object.keys(requests);
  for (const key of keys) {
    input.issued.add(key);
    input.outstanding.set(key, requests[key].params === undefined
      ? { method: requests[key].method }
      : { method: requests[key].method, params: requests[key].params });
  }
  let batch;
  const answered = new Promise((resolve, reject) => {
    batch = { keys: new Set(keys), answers: {}, resolve, reject };
  });
  answered.catch(() => {});
  input.batches.add(batch);
  try {
    // Listed first, then the status: a tasks/get that sees input_required finds them.
    await state.store.updateTaskStatus(taskId, 'input_required', undefined);
  } catch (error) {
    input.batches.delete(batch);
    for (const key of keys) input.outstanding.delete(key);
    throw error;
  }
  return answered;
}

/** Takes the answers to outstanding keys (others are ignored), then resumes finished batches. */
async function acceptResponses(state, taskId, responses) {
  const input = state.inputs.get(taskId);
  if (input === undefined) return;
  const taken = Object.entries(responses).filter(([key]) => input.outstanding.has(key));
  for (const [key, response] of taken) {
    if (!isObject(response)) {
      throw codedError(`Invalid inputResponses[${JSON.stringify(key)}]: ${describe(response)} (expected the result object of the request)`, INVALID_PARAMS, TypeError);
    }
  }
  const done = [];
  for (const [key, response] of taken) {
    input.outstanding.delete(key);
    for (const batch of input.batches) {
      if (!batch.keys.has(key)) continue;
      batch.answers[key] = response;
      batch.keys.delete(key);
      if (batch.keys.size === 0) done.push(batch);
    }
  }
  if (done.length === 0) return;
  for (const batch of done) input.batches.delete(batch);
  let failure;
  if (input.outstanding.size === 0) {
    try {
      await state.store.updateTaskStatus(taskId, 'working', undefined);
    } catch (error) {
      failure = error; // the store refused (the task ended meanwhile)
    }
  }
  for (const batch of done) {
    if (failure === undefined) batch.resolve(batch.answers);
    else batch.reject(failure);
  }
}

function makeHandle(state, taskId) {
  const { store } = state;
  const controller = new AbortController();
  const forget = () => {
    if (state.handles.get(taskId) === handle) state.handles.delete(taskId);
  };
  // One wait per live handle, kept by the store: it ends when the task does (or is removed).
  store.waitForTerminal(taskId).then(
    (last) => {
      if (last.status === 'cancelled') controller.abort(codedError(`Task ${taskId} was cancelled`, INVALID_PARAMS));
      dropInputs(state, taskId, controller.signal.aborted ? controller.signal.reason
        : codedError(`Task ${taskId} ended as ${last.status} before its input requests were answered`, INVALID_PARAMS));
      forget();
    },
    (error) => {
      controller.abort(error);
      dropInputs(state, taskId, error);
      forget();
    },
  );
  const handle = Object.freeze({
    taskId,
    signal: controller.signal,
    status: (message) => store.updateTaskStatus(taskId, 'working', message),
    requireInput: (requests) => {
      try {
        return requireInput(state, taskId, controller.signal, requests);
      } catch (error) {
        return Promise.reject(error);
      }
    },
    // A tool result with `isError: true` is `completed` too: `failed` is for JSON-RPC errors.
    complete: (result) => store.storeTaskResult(taskId, 'completed', result),
    // The spec's SHOULD: a failed task's statusMessage says what went wrong; stored with the
    // error in one change.
    fail: async (error, statusMessage) => {
      const stored = checkError(error);
      if (statusMessage !== undefined && typeof statusMessage !== 'string') {
        throw codedError(`Invalid statusMessage: ${describe(statusMessage)} (expected a string)`, INVALID_PARAMS, TypeError);
      }
      await store.storeTaskResult(taskId, 'failed', { error: stored }, undefined, statusMessage ?? stored.message);
    },
    result: async () => {
      const task = await store.getTask(taskId);
      if (task === null || task === undefined) throw notFound(taskId);
      return { resultType: 'task', ...wireTask(task) };
    },
  });
  return handle;
}

/**
 * The store seam of the extension over `store` (this package's `InMemoryTaskStore`): `create`,
 * `get`, `update`, `cancel` (the SDK draft's interface) and `handle` for the work side. See
 * tasks-extension.d.ts.
 */
export function ExtensionTaskStore(store) {
  if (!new.target) throw new TypeError("Class constructor ExtensionTaskStore cannot be invoked without 'new'");
  if (!isObject(store) || STORE_METHODS.some((m) => typeof store[m] !== 'function')) {
    throw codedError(`Invalid store: ${describe(store)} (expected this package's InMemoryTaskStore: ${STORE_METHODS.join(', ')})`, INVALID_PARAMS, TypeError);
  }
  const state = { store, inputs: new Map(), handles: new Map(), unsubscribe: undefined };
  state.unsubscribe = store.onStatusChange((event) => {
    if (event.type !== 'removed') return;
    const { taskId } = event.task;
    dropInputs(state, taskId, codedError(`Task ${taskId} was removed (${event.reason}) before its input requests were answered`, INVALID_PARAMS));
  });
  seams.set(this, state);
}

/** The `InMemoryTaskStore` behind the seam. */
Object.defineProperty(ExtensionTaskStore.prototype, 'store', {
  get() {
    return seamState(this).store;
  },
});

/** Creates a task (durable once this resolves): the Task as the wire carries it. */
ExtensionTaskStore.prototype.create = async function create(params) {
  const { store } = seamState(this);
  if (!isObject(params)) {
    throw codedError(`Invalid params: ${describe(params)} (expected { ttlMs: number | null, pollIntervalMs?, principal?, context? })`, INVALID_PARAMS, TypeError);
  }
  if (params.context !== undefined && !isObject(params.context)) {
    throw codedError(`Invalid params.context: ${describe(params.context)} (expected an object)`, INVALID_PARAMS, TypeError);
  }
  const taskParams = {};
  if (params.ttlMs !== undefined) taskParams.ttl = params.ttlMs;
  if (params.pollIntervalMs !== undefined) taskParams.pollInterval = params.pollIntervalMs;
  try {
    return wireTask(await store.createTask(taskParams, TASK_REQUEST_ID, TASK_REQUEST, params.principal));
  } catch (error) {
    throw renamed(error, CREATE_NAMES);
  }
};

/** The DetailedTask (without `resultType`), or `undefined` when unknown, expired or not visible to `access`. */
ExtensionTaskStore.prototype.get = async function get(taskId, access) {
  const { store, inputs } = seamState(this);
  const sessionId = sessionOf(access);
  try {
    const task = await store.getTask(taskId, sessionId);
    if (task === null || task === undefined) return undefined;
    const out = wireTask(task);
    if (task.status === 'input_required') {
      out.inputRequests = Object.fromEntries(inputs.get(taskId)?.outstanding ?? []);
    } else if (task.status === 'completed') {
      // The tool result as a 2026-07-28 CallToolResult: `resultType: 'complete'`, whatever the work stored.
      out.result = { ...(await store.getTaskResult(taskId, sessionId)), resultType: 'complete' };
    } else if (task.status === 'failed') {
      const stored = await store.getTaskResult(taskId, sessionId);
      out.error = isObject(stored.error) ? stored.error : { code: INTERNAL_ERROR, message: 'The task failed' };
    }
    return out;
  } catch (error) {
    throw renamed(error, ACCESS_NAMES);
  }
};

/** Takes answers to outstanding input requests (others ignored): `false` when the task is not found. */
ExtensionTaskStore.prototype.update = async function update(taskId, inputResponses, access) {
  const state = seamState(this);
  const sessionId = sessionOf(access);
  if (!isObject(inputResponses)) {
    throw codedError(`Invalid inputResponses: ${describe(inputResponses)} (expected an object of responses by key)`, INVALID_PARAMS, TypeError);
  }
  try {
    const task = await state.store.getTask(taskId, sessionId);
    if (task === null || task === undefined) return false;
  } catch (error) {
    throw renamed(error, ACCESS_NAMES);
  }
  await acceptResponses(state, taskId, inputResponses);
  return true;
};

/** Cancels (cooperatively; a terminal task stays as it is): `false` when the task is not found. */
ExtensionTaskStore.prototype.cancel = async function cancel(taskId, access) {
  const { store } = seamState(this);
  const sessionId = sessionOf(access);
  let task;
  try {
    task = await store.getTask(taskId, sessionId);
  } catch (error) {
    throw renamed(error, ACCESS_NAMES);
  }
  if (task === null || task === undefined) return false;
  try {
    await store.cancelTask(taskId, sessionId);
  } catch (error) {
    // The store refused: a vanished task is not found; a terminal one stays as it is (the ack stands).
    if ((await store.getTask(taskId, sessionId)) == null) return false;
    if (error?.code !== INVALID_PARAMS) throw error;
  }
  return true;
};

/** The work side of a task: one handle per task while it runs (the same object on every call). */
ExtensionTaskStore.prototype.handle = function handle(taskId) {
  const state = seamState(this);
  if (typeof taskId !== 'string') {
    throw codedError(`Invalid taskId: ${describe(taskId)} (expected a string)`, INVALID_PARAMS, TypeError);
  }
  let made = state.handles.get(taskId);
  if (made === undefined) {
    made = makeHandle(state, taskId);
    state.handles.set(taskId, made);
  }
  return made;
};

/** What the seam holds itself: tasks with input-request state, and live handles. */
ExtensionTaskStore.prototype.stats = function stats() {
  const { inputs, handles } = seamState(this);
  return { inputStates: inputs.size, handles: handles.size };
};

/** Stops listening to the store and drops the seam's state (the store and its tasks stay). */
ExtensionTaskStore.prototype.close = function close() {
  const state = seamState(this);
  state.unsubscribe();
  for (const taskId of [...state.inputs.keys()]) dropInputs(state, taskId, codedError('ExtensionTaskStore closed', INTERNAL_ERROR));
};

// ---- the wire ----

// The explicit params schema of tasks/get, tasks/update, tasks/cancel (a Standard Schema,
// the interface zod implements, so the package needs no zod). Only the shape: taskId
// itself is checked by the store, like every argument.
const paramsSchema = Object.freeze({
  '~standard': Object.freeze({
    version: 1,
    vendor: 'mcp-task-store-wasm',
    validate(value) {
      if (!isObject(value)) return { issues: [{ message: 'Expected an object' }] };
      if (!('taskId' in value)) return { issues: [{ message: 'Required', path: ['taskId'] }] };
      return { value };
    },
  }),
});

/** Whether a request's 2026-07-28 `_meta` envelope declares the extension. */
function declaresIn(envelope) {
  const capabilities = isObject(envelope) ? envelope[CLIENT_CAPABILITIES_META_KEY] : undefined;
  return isObject(capabilities) && isObject(capabilities.extensions) && isObject(capabilities.extensions[EXTENSION_ID]);
}

/** Whether the request itself (its envelope, as the SDK hands it to a handler) declared the extension. */
function declares(ctx) {
  return declaresIn(ctx?.mcpReq?.envelope);
}

/**
 * The -32021 answer to a `subscriptions/listen` POST asking for task notifications without the
 * extension, or `undefined` for any other request (left to the handler).
 */
async function refusedListen(request) {
  if (request.method !== 'POST' || request.headers.get('mcp-method') !== 'subscriptions/listen') return undefined;
  let body;
  try {
    body = await request.clone().json();
  } catch {
    return undefined; // the handler answers what is not JSON
  }
  if (!isObject(body) || body.method !== 'subscriptions/listen' || !isObject(body.params)) return undefined;
  const filter = body.params.notifications;
  if (!isObject(filter) || filter.taskIds === undefined || declaresIn(body.params._meta)) return undefined;
  const error = missingCapability('subscriptions/listen with notifications.taskIds');
  return new Response(JSON.stringify({ jsonrpc: '2.0', id: body.id ?? null, error: { code: error.code, message: error.message, data: error.data } }), {
    status: 400,
    headers: { 'content-type': 'application/json' },
  });
}

function extensionState(self) {
  const state = extensions.get(self);
  if (state === undefined) {
    throw codedError(`Invalid this: ${describe(self)} (expected a TasksExtension)`, INVALID_PARAMS, TypeError);
  }
  return state;
}

// The requestor: every request has one, so a requestor without identity never gets the store's
// unfiltered view; the prefixes keep a client id from posing as a session.
function principalOf(self, ctx) {
  const { options } = extensionState(self);
  if (typeof options.principal === 'function') return options.principal(ctx) ?? ANONYMOUS;
  const clientId = ctx?.http?.authInfo?.clientId;
  if (typeof clientId === 'string' && clientId !== '') return `client:${clientId}`;
  return typeof ctx?.sessionId === 'string' && ctx.sessionId !== '' ? `session:${ctx.sessionId}` : ANONYMOUS;
}

/**
 * Serves the Tasks extension for `store` (this package's `InMemoryTaskStore`, or an
 * `ExtensionTaskStore` over one). See tasks-extension.d.ts and the README section
 * "Protocol 2026-07-28 (SDK v2)".
 */
export function TasksExtension(store, options) {
  if (!new.target) throw new TypeError("Class constructor TasksExtension cannot be invoked without 'new'");
  const given = seams.has(store);
  if (!given && (!isObject(store) || STORE_METHODS.some((m) => typeof store[m] !== 'function'))) {
    throw codedError(`Invalid store: ${describe(store)} (expected this package's InMemoryTaskStore or an ExtensionTaskStore)`, INVALID_PARAMS, TypeError);
  }
  if (options !== undefined && !isObject(options)) {
    throw codedError(`Invalid options: ${describe(options)} (expected an object)`, INVALID_PARAMS, TypeError);
  }
  for (const key of Object.keys(options ?? {})) {
    if (!OPTIONS.includes(key)) throw codedError(`Invalid options.${key}: an unknown option (expected one of: ${OPTIONS.join(', ')})`, INVALID_PARAMS, TypeError);
  }
  if (options?.principal !== undefined && typeof options.principal !== 'function') {
    throw codedError(`Invalid options.principal: ${describe(options.principal)} (expected a function (ctx) => string | undefined)`, INVALID_PARAMS, TypeError);
  }
  const seam = given ? store : new ExtensionTaskStore(store);
  extensions.set(this, { seam, owned: !given, options: { ...options } });
}

TasksExtension.EXTENSION_ID = EXTENSION_ID;

/** The `InMemoryTaskStore` this extension serves. */
Object.defineProperty(TasksExtension.prototype, 'store', {
  get() {
    return seamState(extensionState(this).seam).store;
  },
});

/** The store seam the extension calls (`create`, `get`, `update`, `cancel`, `handle`). */
Object.defineProperty(TasksExtension.prototype, 'taskStore', {
  get() {
    return extensionState(this).seam;
  },
});

/** Advertises the extension (`{}`) and registers tasks/get, tasks/update and tasks/cancel on `server`. */
TasksExtension.prototype.attach = function attach(server) {
  const { seam } = extensionState(this);
  const low = isObject(server) && isObject(server.server) ? server.server : server;
  if (!isObject(low) || typeof low.registerCapabilities !== 'function' || typeof low.setRequestHandler !== 'function') {
    throw codedError(`Invalid server: ${describe(server)} (expected a @modelcontextprotocol/server McpServer or Server, 2.3.0 or later)`, INVALID_PARAMS, TypeError);
  }
  low.registerCapabilities({ extensions: { [EXTENSION_ID]: {} } });
  const serve = (method, answer) => {
    low.setRequestHandler(method, { params: paramsSchema }, async (params, ctx) => {
      if (!declares(ctx)) throw missingCapability(method);
      return answer(params, ctx, { principal: principalOf(this, ctx) });
    });
  };
  serve('tasks/get', async (params, _ctx, access) => {
    const task = await seam.get(params.taskId, access);
    if (task === undefined) throw notFound(params.taskId);
    return { resultType: 'complete', ...task };
  });
  serve('tasks/update', async (params, ctx, access) => {
    const responses = ctx.mcpReq.inputResponses ?? params.inputResponses;
    if (!(await seam.update(params.taskId, responses, access))) throw notFound(params.taskId);
    return {};
  });
  serve('tasks/cancel', async (params, _ctx, access) => {
    if (!(await seam.cancel(params.taskId, access))) throw notFound(params.taskId);
    return {};
  });
  return server;
};

/**
 * Wraps an HTTP handler (`{ fetch(request, options?) }`, e.g. `createMcpHandler`'s) so that a
 * `subscriptions/listen` asking for task notifications from a request without the extension
 * gets -32021: the SDK's serving entry answers `subscriptions/listen` itself. Everything else,
 * and every other member of the handler, is the handler's.
 */
TasksExtension.prototype.guard = function guard(handler) {
  extensionState(this);
  if (!isObject(handler) || typeof handler.fetch !== 'function') {
    throw codedError(`Invalid handler: ${describe(handler)} (expected an HTTP handler { fetch(request, options?) })`, INVALID_PARAMS, TypeError);
  }
  const guarded = Object.create(handler);
  guarded.fetch = async (request, options) => (await refusedListen(request)) ?? handler.fetch(request, options);
  return guarded;
};

/** Whether this request may be answered with a task (it declared the extension). */
TasksExtension.prototype.accepts = function accepts(ctx) {
  return declares(ctx);
};

/** Creates a task for the request (durable when the Promise resolves) and returns its handle. */
TasksExtension.prototype.create = async function create(ctx, params) {
  const { seam, options } = extensionState(this);
  if (!isObject(ctx) || !isObject(ctx.mcpReq)) {
    throw codedError(`Invalid ctx: ${describe(ctx)} (expected a request handler's context)`, INVALID_PARAMS, TypeError);
  }
  if (!declares(ctx)) throw missingCapability(ctx.mcpReq.method ?? 'tools/call');
  if (params !== undefined && !isObject(params)) {
    throw codedError(`Invalid params: ${describe(params)} (expected { ttlMs?, pollIntervalMs? })`, INVALID_PARAMS, TypeError);
  }
  const ttlMs = params?.ttlMs !== undefined ? params.ttlMs : options.defaultTtlMs;
  const pollIntervalMs = params?.pollIntervalMs !== undefined ? params.pollIntervalMs : options.defaultPollIntervalMs;
  const task = await seam.create({ ttlMs, pollIntervalMs, principal: principalOf(this, ctx) });
  return seam.handle(task.taskId);
};

/** What the extension's seam holds: tasks with input-request state, live handles. */
TasksExtension.prototype.stats = function stats() {
  return extensionState(this).seam.stats();
};

/** Drops the extension's state (closes the seam it made; one it was given stays open). */
TasksExtension.prototype.close = function close() {
  const { seam, owned } = extensionState(this);
  if (owned) seam.close();
};

// ---- the client side ----

/** The JSON-RPC message answering `id` in a response body: JSON, or the `data:` lines of an SSE stream. */
function answerIn(text, contentType, id) {
  if (!contentType.includes('text/event-stream')) return JSON.parse(text);
  for (const line of text.split(/\r?\n/)) {
    if (!line.startsWith('data:')) continue;
    const message = JSON.parse(line.slice(5).trimStart());
    if (isObject(message) && message.id === id && ('result' in message || 'error' in message)) return message;
  }
  return undefined;
}

/**
 * The `rawDispatch` of `createTaskSessionFromClient` (`@modelcontextprotocol/ext-tasks/client`)
 * for a Streamable HTTP endpoint at `url`: one POST per request with the 2026-07-28 headers.
 */
export function createRawDispatch(url, options) {
  let endpoint;
  try {
    endpoint = new URL(url);
  } catch {
    throw codedError(`Invalid url: ${describe(url)} (expected an absolute http(s) URL)`, INVALID_PARAMS, TypeError);
  }
  if (options !== undefined && !isObject(options)) {
    throw codedError(`Invalid options: ${describe(options)} (expected { headers?, fetch? })`, INVALID_PARAMS, TypeError);
  }
  for (const key of Object.keys(options ?? {})) {
    if (key !== 'headers' && key !== 'fetch') throw codedError(`Invalid options.${key}: an unknown option (expected one of: headers, fetch)`, INVALID_PARAMS, TypeError);
  }
  const extra = options?.headers;
  if (extra !== undefined && typeof extra !== 'function' && !isObject(extra)) {
    throw codedError(`Invalid options.headers: ${describe(extra)} (expected an object of header values, or a function returning one)`, INVALID_PARAMS, TypeError);
  }
  const fetchFn = options?.fetch ?? globalThis.fetch;
  if (typeof fetchFn !== 'function') {
    throw codedError(`Invalid options.fetch: ${describe(fetchFn)} (expected a fetch function)`, INVALID_PARAMS, TypeError);
  }
  let counter = 0;
  return async function rawDispatch(request, dispatchOptions) {
    if (!isObject(request) || typeof request.method !== 'string') {
      throw codedError(`Invalid request: ${describe(request)} (expected a JSON-RPC request { method, params? })`, INVALID_PARAMS, TypeError);
    }
    const body = { jsonrpc: '2.0', id: request.id ?? `raw-${++counter}`, ...request };
    const context = isObject(dispatchOptions?.context) ? dispatchOptions.context : {};
    const headers = new Headers(isObject(context.headers) ? context.headers : {});
    headers.set('content-type', 'application/json');
    headers.set('accept', 'application/json, text/event-stream');
    headers.set('mcp-protocol-version', PROTOCOL_VERSION);
    if (!headers.has('mcp-method')) headers.set('mcp-method', body.method);
    const name = body.params?.name ?? body.params?.taskId;
    if (!headers.has('mcp-name') && typeof name === 'string') headers.set('mcp-name', name);
    const more = typeof extra === 'function' ? await extra() : extra;
    for (const [key, value] of Object.entries(more ?? {})) headers.set(key, value);
    const signals = [dispatchOptions?.signal, Number.isFinite(context.requestTimeoutMs) ? AbortSignal.timeout(context.requestTimeoutMs) : undefined].filter(Boolean);
    const signal = signals.length > 1 && typeof AbortSignal.any === 'function' ? AbortSignal.any(signals) : signals[0];
    const response = await fetchFn(endpoint, { method: 'POST', headers, body: JSON.stringify(body), signal });
    const text = await response.text();
    let message;
    try {
      message = answerIn(text, response.headers.get('content-type') ?? '', body.id);
    } catch {
      message = undefined;
    }
    if (!isObject(message) || !(isObject(message.error) || 'result' in message)) {
      throw codedError(`${body.method}: HTTP ${response.status} from ${endpoint.href} without a JSON-RPC answer to id ${JSON.stringify(body.id)}: ${describe(text)}`, INTERNAL_ERROR);
    }
    return isObject(message.error) ? { kind: 'error', error: message.error } : { kind: 'result', result: message.result };
  };
}

export { InMemoryTaskStore } from 'mcp-task-store-wasm';
