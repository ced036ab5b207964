// `cancelTask` and `runTask`: helpers over any task store with the SDK's interface. They
// decide no rule of the spec: the store does (this package's by its Rust core; the SDK's by
// its own checks), and these only sequence its calls.

function codedError(message, code, ErrorClass) {
  const error = new (ErrorClass || Error)(message);
  error.code = code;
  return error;
}

function describe(value) {
  if (typeof value === 'string') return JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' || typeof value === 'function' ? `a ${typeof value}` : String(value);
}

function checkStore(store) {
  const ok = store !== null && typeof store === 'object'
    && typeof store.getTask === 'function'
    && typeof store.updateTaskStatus === 'function'
    && typeof store.storeTaskResult === 'function';
  if (!ok) {
    throw codedError(`Invalid store: ${describe(store)} (expected a task store with getTask, updateTaskStatus and storeTaskResult)`, -32602, TypeError);
  }
}

function messageOf(thrown) {
  try {
    if (thrown instanceof Error) return thrown.message;
    if (thrown !== null && typeof thrown === 'object' && typeof thrown.message === 'string') return thrown.message;
    return String(thrown);
  } catch {
    return 'the work failed';
  }
}

async function ignoreRejection(promise) {
  try {
    await promise;
  } catch {
    // The store refused (the task already ended, or is gone): nothing left to record.
  }
}

async function cancelThrough(store, taskId, sessionId) {
  const task = await store.getTask(taskId, sessionId);
  if (task === null || task === undefined) {
    throw codedError(`Task not found: ${taskId}`, -32602);
  }
  try {
    await store.updateTaskStatus(taskId, 'cancelled', undefined, sessionId);
  } catch (error) {
    // The store's own check (a terminal task moves nowhere) refused the cancel.
    const wrapped = codedError(`Cannot cancel task in terminal status: ${task.status} (${messageOf(error)})`, -32602);
    wrapped.cause = error;
    throw wrapped;
  }
  return (await store.getTask(taskId, sessionId)) ?? { ...task, status: 'cancelled' };
}

/**
 * `tasks/cancel` in one call: rejects with -32602 when the task is not found or already
 * terminal, else resolves with the task once it is `cancelled`.
 */
export function cancelTask(store, taskId, sessionId) {
  try {
    checkStore(store);
    if (typeof store.cancelTask === 'function') return store.cancelTask(taskId, sessionId);
    return cancelThrough(store, taskId, sessionId);
  } catch (error) {
    return Promise.reject(error);
  }
}

/** The tool result a failed task keeps: the message as text, `isError: true`. */
function failure(message) {
  return { content: [{ type: 'text', text: String(message) }], isError: true };
}

function sessionOf(options) {
  if (options === undefined || options === null) return undefined;
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw codedError(`Invalid options: ${describe(options)} (expected an object)`, -32602, TypeError);
  }
  for (const key of Object.keys(options)) {
    if (key !== 'sessionId') {
      throw codedError(`Invalid options.${key}: an unknown option (expected one of: sessionId)`, -32602, TypeError);
    }
  }
  return options.sessionId;
}

async function run(store, taskId, work, options) {
  checkStore(store);
  if (typeof work !== 'function') {
    throw codedError(`Invalid work: ${describe(work)} (expected a function)`, -32602, TypeError);
  }
  const sessionId = sessionOf(options);
  const task = await store.getTask(taskId, sessionId);
  if (task === null || task === undefined) {
    throw codedError(`Task with ID ${taskId} not found (no such task for this session: never created, expired, or deleted)`, -32602);
  }
  const controller = new AbortController();
  const finished = new AbortController();
  if (typeof store.waitForTerminal === 'function') {
    // One wait on this task (kept by the store per task, not a listener per run): it ends
    // when the task does, or when the work does.
    store.waitForTerminal(taskId, { sessionId, signal: finished.signal }).then(
      (last) => {
        if (last.status === 'cancelled') controller.abort(codedError(`Task ${taskId} was cancelled`, -32602));
      },
      (error) => {
        if (!finished.signal.aborted) controller.abort(error);
      },
    );
  }
  const update = (status, message) => store.updateTaskStatus(taskId, status, message, sessionId);
  const ctx = Object.freeze({
    task,
    signal: controller.signal,
    setStatus: (message) => update('working', message),
    needInput: (message) => update('input_required', message),
    resume: (message) => update('working', message),
    complete: (result) => {
      const failed = result !== null && typeof result === 'object' && result.isError === true;
      return store.storeTaskResult(taskId, failed ? 'failed' : 'completed', result, sessionId);
    },
    fail: (message) => store.storeTaskResult(taskId, 'failed', failure(message), sessionId),
  });
  try {
    let value;
    try {
      value = await work(ctx);
    } catch (error) {
      await ignoreRejection(ctx.fail(messageOf(error)));
      return;
    }
    if (value === undefined) {
      // Refused (and so harmless) when the work ended the task itself.
      await ignoreRejection(ctx.fail('runTask: the work returned no result and did not end the task'));
      return;
    }
    try {
      await ctx.complete(value);
    } catch (error) {
      await ignoreRejection(ctx.fail(`runTask: the work's result could not be stored: ${messageOf(error)}`));
    }
  } finally {
    finished.abort();
  }
}

/**
 * Runs `work(ctx)` for a task and records how it ended (see the `.d.ts`). Rejects only for
 * bad arguments or a task the caller cannot see, before `work` starts.
 */
export function runTask(store, taskId, work, options) {
  try {
    return run(store, taskId, work, options);
  } catch (error) {
    return Promise.reject(error);
  }
}
