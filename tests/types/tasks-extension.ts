// mcp-task-store-wasm/tasks-extension: what compiles and what must not (no SDK types here: this
// file is checked with skipLibCheck off; tasks-extension-sdk.ts checks the fit with the SDK v2
// and ext-tasks types, whose own declarations need skipLibCheck).
import {
  TasksExtension,
  ExtensionTaskStore,
  InMemoryTaskStore,
  createRawDispatch,
  type DetailedTask,
  type GetTaskResult,
  type TaskHandle,
  type WireTask,
  type CreateTaskResult,
  type RawDispatch,
  type RawResponse,
} from 'mcp-task-store-wasm/tasks-extension';

const store = new InMemoryTaskStore();
const seam = new ExtensionTaskStore(store);
const tasks = new TasksExtension(seam, { defaultTtlMs: null, defaultPollIntervalMs: 1000, principal: (ctx) => ctx.sessionId });
const tasks2 = new TasksExtension(store);
// @ts-expect-error unknown option
new TasksExtension(store, { ttl: 1 });
const same: ExtensionTaskStore = tasks2.taskStore;
const inner: InMemoryTaskStore = tasks.store;

export async function seamCalls(): Promise<void> {
  const task: WireTask = await seam.create({ ttlMs: 60_000, principal: 'alice', context: { tool: 'x' } });
  await seam.create({ ttlMs: null });
  // @ts-expect-error ttlMs is a number or null
  await seam.create({ ttlMs: '1' });
  // @ts-expect-error principal is a string
  await seam.create({ ttlMs: 1, principal: 1 });
  const got: DetailedTask | undefined = await seam.get(task.taskId, { principal: 'alice' });
  if (got?.status === 'input_required') {
    const keys: string[] = Object.keys(got.inputRequests);
    void keys;
  } else if (got?.status === 'completed') {
    const kind: 'complete' = got.result.resultType;
    void kind;
  } else if (got?.status === 'failed') {
    const code: number = got.error.code;
    void code;
  }
  const ok: boolean = await seam.update(task.taskId, { k: { action: 'accept' } }, { principal: 'alice' });
  const cancelled: boolean = await seam.cancel(task.taskId);
  // @ts-expect-error access is an object
  await seam.cancel(task.taskId, 'alice');
  const handle: TaskHandle = seam.handle(task.taskId);
  const answers: Record<'a', object> = await handle.requireInput({ a: { method: 'roots/list' } });
  // @ts-expect-error only the three input methods
  await handle.requireInput({ a: { method: 'tools/call' } });
  await handle.fail({ code: -32603, message: 'down', data: { retry: true } }, 'the upstream service is down');
  // @ts-expect-error the status message is a string
  await handle.fail({ code: -32603, message: 'down' }, 1);
  const created: CreateTaskResult = await handle.result();
  const answer: GetTaskResult = { resultType: 'complete', ...task, status: 'working' };
  const stats: { inputStates: number; handles: number } = seam.stats();
  void ok, cancelled, answers, created, answer, stats, same, inner;
}

export async function dispatch(url: string): Promise<void> {
  const rawDispatch: RawDispatch = createRawDispatch(url, { headers: () => ({ authorization: 'Bearer t' }) });
  createRawDispatch(new URL(url), { headers: { authorization: 'Bearer t' }, fetch });
  // @ts-expect-error unknown setting
  createRawDispatch(url, { header: {} });
  const r: RawResponse = await rawDispatch({ method: 'tasks/get', params: { taskId: 't' } }, { signal: AbortSignal.timeout(1000) });
  if (r.kind === 'error') {
    const code: number = r.error.code;
    void code;
  }
}
