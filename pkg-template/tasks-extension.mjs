// `mcp-task-store-wasm/tasks-extension`: the 2026-07-28 Tasks extension
// (`io.modelcontextprotocol/tasks`) on a `@modelcontextprotocol/server` 2.x server, over this
// package's `InMemoryTaskStore`.
//
// This file maps wire shapes and calls store methods. Every rule of the spec (ids,
// transitions, terminal states, ttl and expiry, who may see a task, argument checks) is
// decided by the store, i.e. by the Rust core: a refusal of the store is the answer. The
// only state kept here is what the store has no place for: the input requests a task has
// issued (outstanding, and every key ever used, so keys are never reused), dropped when the
// store emits `removed` for the task.
//
// Only `export function` declarations (scripts/to-cjs.mjs builds the CommonJS twin from
// this file); the one re-export below is replaced by a `require` in the `pkg` recipe.

const EXTENSION_ID = 'io.modelcontextprotocol/tasks';
const CLIENT_CAPABILITIES_META_KEY = 'io.modelcontextprotocol/clientCapabilities';
const MISSING_CAPABILITY = -32021;
const INVALID_PARAMS = -32602;
const INTERNAL_ERROR = -32603;
const STORE_METHODS = ['createTask', 'getTask', 'updateTaskStatus', 'storeTaskResult', 'getTaskResult',
  'cancelTask', 'waitForTerminal', 'onStatusChange'];
const OPTIONS = ['defaultTtlMs', 'defaultPollIntervalMs', 'principal'];
const INPUT_METHODS = ['elicitation/create', 'sampling/createMessage', 'roots/list'];

const internals = new WeakMap();

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

function missingCapability(method) {
  return codedError(`Missing required client capability: ${method} needs the ${EXTENSION_ID} extension declared on the request`,
    MISSING_CAPABILITY, Error, { requiredCapabilities: { extensions: { [EXTENSION_ID]: {} } } });
}

function notFound(taskId) {
  return codedError(`Failed to retrieve task: Task not found (${describe(taskId)}: unknown, expired, or not visible to this requestor)`, INVALID_PARAMS);
}

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

/** Whether the request itself (its 2026-07-28 `_meta` envelope) declared the extension. */
function declares(ctx) {
  const envelope = ctx?.mcpReq?.envelope;
  const capabilities = isObject(envelope) ? envelope[CLIENT_CAPABILITIES_META_KEY] : undefined;
  return isObject(capabilities) && isObject(capabilities.extensions) && isObject(capabilities.extensions[EXTENSION_ID]);
}

// The store's sessionId for a request: every request has one, so a requestor without identity
// never gets the store's unfiltered view; the prefixes keep a client id from posing as a session.
const ANONYMOUS = 'anonymous';

function principalOf(self, ctx) {
  const { options } = internals.get(self);
  if (typeof options.principal === 'function') return options.principal(ctx) ?? ANONYMOUS;
  const clientId = ctx?.http?.authInfo?.clientId;
  if (typeof clientId === 'string' && clientId !== '') return `client:${clientId}`;
  return typeof ctx?.sessionId === 'string' && ctx.sessionId !== '' ? `session:${ctx.sessionId}` : ANONYMOUS;
}

/** The input-request state of a task, made on first use. */
function inputState(self, taskId) {
  const { inputs } = internals.get(self);
  let state = inputs.get(taskId);
  if (state === undefined) {
    state = { issued: new Set(), outstanding: new Map(), batches: new Set() };
    inputs.set(taskId, state);
  }
  return state;
}

function rejectBatches(self, taskId, reason) {
  const state = internals.get(self).inputs.get(taskId);
  if (state === undefined) return;
  for (const batch of state.batches) batch.reject(reason);
  state.batches.clear();
  state.outstanding.clear();
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

async function requireInput(self, taskId, sessionId, signal, requests) {
  checkInputRequests(requests);
  const { store } = internals.get(self);
  const state = inputState(self, taskId);
  for (const key of Object.keys(requests)) {
    if (state.issued.has(key)) {
      throw codedError(`Invalid requests: the key ${JSON.stringify(key)} was already used in task ${taskId} (keys are unique over a task's life)`, INVALID_PARAMS, RangeError);
    }
  }
  if (signal.aborted) throw signal.reason;
  const keys = Object.keys(requests);
  for (const key of keys) {
    state.issued.add(key);
    state.outstanding.set(key, requests[key].params === undefined
      ? { method: requests[key].method }
      : { method: requests[key].method, params: requests[key].params });
  }
  let batch;
  const answered = new Promise((resolve, reject) => {
    batch = { keys: new Set(keys), answers: {}, resolve, reject };
  });
  answered.catch(() => {});
  state.batches.add(batch);
  try {
    // Listed first, then the status: a tasks/get that sees input_required finds them.
    await store.updateTaskStatus(taskId, 'input_required', undefined, sessionId);
  } catch (error) {
    state.batches.delete(batch);
    for (const key of keys) state.outstanding.delete(key);
    throw error;
  }
  return answered;
}

/** `tasks/update`: takes the answers to outstanding keys (others are ignored), then resumes finished batches. */
async function acceptResponses(self, taskId, sessionId, responses) {
  const { store, inputs } = internals.get(self);
  const state = inputs.get(taskId);
  if (state === undefined || !isObject(responses)) return;
  const done = [];
  for (const [key, response] of Object.entries(responses)) {
    if (!state.outstanding.has(key)) continue; // never issued, already answered, or superseded
    state.outstanding.delete(key);
    for (const batch of state.batches) {
      if (!batch.keys.has(key)) continue;
      batch.answers[key] = response;
      batch.keys.delete(key);
      if (batch.keys.size === 0) done.push(batch);
    }
  }
  if (done.length === 0) return;
  for (const batch of done) state.batches.delete(batch);
  let failure;
  if (state.outstanding.size === 0) {
    try {
      await store.updateTaskStatus(taskId, 'working', undefined, sessionId);
    } catch (error) {
      failure = error; // the store refused (the task ended meanwhile)
    }
  }
  for (const batch of done) {
    if (failure === undefined) batch.resolve(batch.answers);
    else batch.reject(failure);
  }
}

function makeHandle(self, task, sessionId) {
  const { store } = internals.get(self);
  const { taskId } = task;
  const controller = new AbortController();
  // One wait per task, kept by the store: it ends when the task does (or is removed).
  store.waitForTerminal(taskId, { sessionId }).then(
    (last) => {
      const reason = codedError(`Task ${taskId} ended as ${last.status} before its input requests were answered`, INVALID_PARAMS);
      if (last.status === 'cancelled') controller.abort(codedError(`Task ${taskId} was cancelled`, INVALID_PARAMS));
      rejectBatches(self, taskId, controller.signal.aborted ? controller.signal.reason : reason);
    },
    (error) => {
      controller.abort(error);
      rejectBatches(self, taskId, error);
    },
  );
  return Object.freeze({
    taskId,
    signal: controller.signal,
    status: (message) => store.updateTaskStatus(taskId, 'working', message, sessionId),
    requireInput: (requests) => {
      try {
        return requireInput(self, taskId, sessionId, controller.signal, requests);
      } catch (error) {
        return Promise.reject(error);
      }
    },
    // A tool result with `isError: true` is `completed` too: `failed` is for JSON-RPC errors.
    complete: (result) => store.storeTaskResult(taskId, 'completed', result, sessionId),
    fail: (error) => {
      try {
        return store.storeTaskResult(taskId, 'failed', { error: checkError(error) }, sessionId);
      } catch (thrown) {
        return Promise.reject(thrown);
      }
    },
    result: async () => ({ resultType: 'task', ...wireTask((await store.getTask(taskId, sessionId)) ?? task) }),
  });
}

async function getDetailed(self, taskId, sessionId) {
  const { store, inputs } = internals.get(self);
  const task = await store.getTask(taskId, sessionId);
  if (task === null || task === undefined) throw notFound(taskId);
  const out = { resultType: 'complete', ...wireTask(task) };
  if (task.status === 'input_required') {
    out.inputRequests = Object.fromEntries(inputs.get(taskId)?.outstanding ?? []);
  } else if (task.status === 'completed') {
    out.result = { resultType: 'complete', ...(await store.getTaskResult(taskId, sessionId)) };
  } else if (task.status === 'failed') {
    const stored = await store.getTaskResult(taskId, sessionId);
    out.error = isObject(stored.error) ? stored.error : { code: INTERNAL_ERROR, message: 'The task failed' };
  }
  return out;
}

async function cancel(self, taskId, sessionId) {
  const { store } = internals.get(self);
  const task = await store.getTask(taskId, sessionId);
  if (task === null || task === undefined) throw notFound(taskId);
  try {
    await store.cancelTask(taskId, sessionId);
  } catch (error) {
    // The store refused: a terminal task stays as it is (the ack stands), a vanished one is not found.
    if ((await store.getTask(taskId, sessionId)) == null) throw notFound(taskId);
    if (error?.code !== INVALID_PARAMS) throw error;
  }
  return {};
}

/**
 * Serves the Tasks extension for `store` (this package's `InMemoryTaskStore`). See
 * tasks-extension.d.ts and the README section "The 2026-07-28 Tasks extension (SDK v2)".
 */
export function TasksExtension(store, options) {
  if (!new.target) throw new TypeError("Class constructor TasksExtension cannot be invoked without 'new'");
  if (!isObject(store) || STORE_METHODS.some((m) => typeof store[m] !== 'function')) {
    throw codedError(`Invalid store: ${describe(store)} (expected this package's InMemoryTaskStore: ${STORE_METHODS.join(', ')})`, INVALID_PARAMS, TypeError);
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
  const inputs = new Map();
  const unsubscribe = store.onStatusChange((event) => {
    if (event.type !== 'removed') return;
    const { taskId } = event.task;
    rejectBatches(this, taskId, codedError(`Task ${taskId} was removed (${event.reason}) before its input requests were answered`, INVALID_PARAMS));
    inputs.delete(taskId);
  });
  internals.set(this, { store, options: { ...options }, inputs, unsubscribe });
}

TasksExtension.EXTENSION_ID = EXTENSION_ID;

/** The store this extension serves. */
Object.defineProperty(TasksExtension.prototype, 'store', {
  get() {
    return internals.get(this).store;
  },
});

/** Advertises the extension (`{}`) and registers tasks/get, tasks/update and tasks/cancel on `server`. */
TasksExtension.prototype.attach = function attach(server) {
  const low = isObject(server) && isObject(server.server) ? server.server : server;
  if (!isObject(low) || typeof low.registerCapabilities !== 'function' || typeof low.setRequestHandler !== 'function') {
    throw codedError(`Invalid server: ${describe(server)} (expected a @modelcontextprotocol/server McpServer or Server, 2.3.0 or later)`, INVALID_PARAMS, TypeError);
  }
  low.registerCapabilities({ extensions: { [EXTENSION_ID]: {} } });
  const serve = (method, answer) => {
    low.setRequestHandler(method, { params: paramsSchema }, async (params, ctx) => {
      if (!declares(ctx)) throw missingCapability(method);
      return answer(params, ctx, principalOf(this, ctx));
    });
  };
  serve('tasks/get', (params, _ctx, sessionId) => getDetailed(this, params.taskId, sessionId));
  serve('tasks/update', async (params, ctx, sessionId) => {
    const task = await internals.get(this).store.getTask(params.taskId, sessionId);
    if (task === null || task === undefined) throw notFound(params.taskId);
    await acceptResponses(this, params.taskId, sessionId, ctx.mcpReq.inputResponses ?? params.inputResponses);
    return {};
  });
  serve('tasks/cancel', (params, _ctx, sessionId) => cancel(this, params.taskId, sessionId));
  return server;
};

/** Whether this request may be answered with a task (it declared the extension). */
TasksExtension.prototype.accepts = function accepts(ctx) {
  return declares(ctx);
};

/** Creates a task for the request (durable when the Promise resolves) and returns its handle. */
TasksExtension.prototype.create = async function create(ctx, params) {
  const { store, options } = internals.get(this);
  if (!isObject(ctx) || !isObject(ctx.mcpReq)) {
    throw codedError(`Invalid ctx: ${describe(ctx)} (expected a request handler's context)`, INVALID_PARAMS, TypeError);
  }
  if (!declares(ctx)) throw missingCapability(ctx.mcpReq.method ?? 'tools/call');
  if (params !== undefined && !isObject(params)) {
    throw codedError(`Invalid params: ${describe(params)} (expected { ttlMs?, pollIntervalMs? })`, INVALID_PARAMS, TypeError);
  }
  const taskParams = {};
  const ttl = params?.ttlMs !== undefined ? params.ttlMs : options.defaultTtlMs;
  if (ttl !== undefined) taskParams.ttl = ttl;
  const pollInterval = params?.pollIntervalMs !== undefined ? params.pollIntervalMs : options.defaultPollIntervalMs;
  if (pollInterval !== undefined) taskParams.pollInterval = pollInterval;
  const sessionId = principalOf(this, ctx);
  const task = await store.createTask(taskParams, ctx.mcpReq.id, { method: ctx.mcpReq.method ?? 'tools/call' }, sessionId);
  return makeHandle(this, task, sessionId);
};

/** What the extension itself holds: tasks with input-request state (dropped when the store removes the task). */
TasksExtension.prototype.stats = function stats() {
  return { inputStates: internals.get(this).inputs.size };
};

/** Stops listening to the store and drops the extension's state (the store and its tasks stay). */
TasksExtension.prototype.close = function close() {
  const state = internals.get(this);
  state.unsubscribe();
  for (const taskId of state.inputs.keys()) rejectBatches(this, taskId, codedError('TasksExtension closed', INTERNAL_ERROR));
  state.inputs.clear();
};

export { InMemoryTaskStore } from 'mcp-task-store-wasm';
