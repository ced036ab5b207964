// Child process: what one store keeps per live task, alone in a fresh process. Run by
// bench/run.mjs as
//   node --expose-gc bench/lib/memory.mjs <ours|sdk> <N>
// Prints one JSON document on stdout.
//
// Requests and results are made per call and dropped by this script, as a server drops
// them once the store has them, so whatever the store keeps of them counts against it.
// Measured after full collections:
// - JS heap: process.memoryUsage().heapUsed (for ours: the Task objects it caches, the
//   result copies it keeps, the wasm-bindgen reference table);
// - wasm memory: the byte length of our module's linear memory (it never shrinks, so
//   this is the high-water mark, in 64 KiB pages);
// - pending timers: ref'd `Timeout`s from process.getActiveResourcesInfo() (an unref'd
//   timer is not listed there, so ours also reports its hasPendingTimer getter).
import { setImmediate as tick } from 'node:timers/promises';
import { loadStore, dispose } from './stores.mjs';
import { HexSource, TASK_PARAMS, sessionOf, makeRequest, makeResult } from './workload.mjs';

const [name, nText] = process.argv.slice(2);
const n = Number(nText);
if (!(n > 0)) throw new Error('usage: memory.mjs <ours|sdk> <N>');
if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');

async function snapshot(loaded) {
  await tick();
  globalThis.gc();
  globalThis.gc();
  const { heapUsed, external, arrayBuffers } = process.memoryUsage();
  const wasm = loaded.wasmMemory ? loaded.wasmMemory.buffer.byteLength : 0;
  return { heapUsed, wasm, external, arrayBuffers };
}

const refTimers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

const loaded = await loadStore(name);
const hex = new HexSource();
const store = loaded.create();
const ids = new Array(n).fill('');          // allocated before the baseline
// Warm the code paths once on a throwaway store, so compiled code is not counted.
{
  const warm = loaded.create();
  const t = await warm.createTask(TASK_PARAMS, 0, makeRequest(0, hex), sessionOf(0));
  await warm.storeTaskResult(t.taskId, 'completed', makeResult(hex), sessionOf(0));
  await warm.getTask(t.taskId, sessionOf(0));
  dispose(warm);
}
const base = await snapshot(loaded);

for (let i = 0; i < n; i++) {
  const task = await store.createTask(TASK_PARAMS, i, makeRequest(i, hex), sessionOf(i));
  ids[i] = task.taskId;
}
const working = await snapshot(loaded);
const timers = {
  refTimeouts: refTimers(),
  hasPendingTimer: typeof store.hasPendingTimer === 'boolean' ? store.hasPendingTimer : null,
};

for (let i = 0; i < n; i++) {
  await store.storeTaskResult(ids[i], 'completed', makeResult(hex), sessionOf(i));
}
const withResult = await snapshot(loaded);

const perTask = (s) => ({
  heap: (s.heapUsed - base.heapUsed) / n,
  wasm: (s.wasm - base.wasm) / n,
  total: (s.heapUsed - base.heapUsed + s.wasm - base.wasm) / n,
});
process.stdout.write(JSON.stringify({
  store: name, n, base, working, withResult, timers,
  perTask: { working: perTask(working), withResult: perTask(withResult) },
}));
dispose(store);
process.exit(0);   // the SDK's store may still hold timers
