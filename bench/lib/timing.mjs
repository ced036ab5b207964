// Child process: times every operation of both stores at one size N, alternating the
// stores repetition by repetition. Run by bench/run.mjs as
//   node --expose-gc bench/lib/timing.mjs <N> <reps> <ops> <listCapMs>
// Progress goes to stderr; the raw timings go to stdout as one JSON document.
//
// Every call is awaited one at a time, as the SDK's Protocol layer awaits the store.
// Before each timed section the heap is collected, so one section's garbage is not paid
// for by the next.
import { performance } from 'node:perf_hooks';
import { loadStore, dispose } from './stores.mjs';
import {
  HexSource, TASK_PARAMS, SESSIONS, sessionOf, makeRequest, makeResult, scatteredOrder,
} from './workload.mjs';

const [n, reps, opsPerCall, listCapMs] = process.argv.slice(2).map(Number);
if (!(n > 0 && reps > 0 && opsPerCall > 0 && listCapMs > 0)) {
  throw new Error('usage: timing.mjs <N> <reps> <ops> <listCapMs>');
}
if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');

const collect = () => { globalThis.gc(); globalThis.gc(); };
const log = (msg) => process.stderr.write(`  [N=${n}] ${msg}\n`);

/** Times an async body that returns how many operations it did. */
async function timed(body) {
  collect();
  const start = performance.now();
  const ops = await body();
  return { ops, seconds: (performance.now() - start) / 1000 };
}

// ---- the workload, built once and shared by both stores and every repetition ----
const hex = new HexSource();
// A well-formed id that no store holds, for the miss probes (each store's own id shape).
const unknownIds = { ours: '00000000-0000-4000-8000-000000000000', sdk: '0'.repeat(32) };

/** Everything one repetition at size `size` needs, made before any timing. */
function makeWorkload(size, calls) {
  const distinct = Math.min(size, calls);               // tasks touched per operation
  return {
    n: size,
    calls,
    distinct,
    order: scatteredOrder(size, distinct),              // which tasks, in what order
    requests: Array.from({ length: size }, (_, i) => makeRequest(i, hex)),
    results: Array.from({ length: distinct }, () => makeResult(hex)),
    messages: Array.from({ length: calls }, (_, k) => `step ${k}`),
    listSession: SESSIONS[0],
    listExpected: Math.ceil(size / SESSIONS.length),
  };
}

/** One repetition on one store: every operation once, in lifecycle order. */
async function runOnce(loaded, w) {
  const { n, distinct, order, requests, results, messages, listSession, listExpected } = w;
  const opsPerCall = w.calls;
  const store = loaded.create();
  const out = {};
  const ids = new Array(n);

  out.createTask = await timed(async () => {
    for (let i = 0; i < n; i++) {
      const task = await store.createTask(TASK_PARAMS, i, requests[i], sessionOf(i));
      ids[i] = task.taskId;
    }
    return n;
  });

  // getTask on tasks unchanged since creation.
  out.getTask = await timed(async () => {
    let found = 0;
    for (let k = 0, j = 0; k < opsPerCall; k++, j = j + 1 === distinct ? 0 : j + 1) {
      const i = order[j];
      if ((await store.getTask(ids[i], sessionOf(i))) !== null) found++;
    }
    if (found !== opsPerCall) throw new Error(`getTask found ${found} of ${opsPerCall}`);
    return opsPerCall;
  });

  // Breakdown probes: what a call costs without a task to return, and without any call.
  out.probeAwaitOnly = await timed(async () => {
    const value = Promise.resolve(null);
    for (let k = 0; k < opsPerCall; k++) await value;
    return opsPerCall;
  });
  out.probeGetTaskMiss = await timed(async () => {
    const id = unknownIds[loaded.name];
    for (let k = 0; k < opsPerCall; k++) {
      if ((await store.getTask(id, sessionOf(k))) !== null) throw new Error('phantom task');
    }
    return opsPerCall;
  });
  if (loaded.name === 'ours') {
    out.probeBareWasmCall = await timed(async () => {
      let pending = 0;
      for (let k = 0; k < opsPerCall; k++) if (store.hasPendingTimer) pending++;
      return pending === opsPerCall ? opsPerCall : 0;
    });
  }

  // updateTaskStatus: rounds alternate input_required / working (both non-terminal).
  out.updateTaskStatus = await timed(async () => {
    for (let k = 0, j = 0, round = 0; k < opsPerCall; k++) {
      const i = order[j];
      await store.updateTaskStatus(ids[i], round % 2 === 0 ? 'input_required' : 'working',
        messages[k], sessionOf(i));
      if (++j === distinct) { j = 0; round++; }
    }
    return opsPerCall;
  });

  // getTask of each changed task once: the first read after a change.
  out.getTaskAfterChange = await timed(async () => {
    for (let j = 0; j < distinct; j++) {
      const i = order[j];
      if ((await store.getTask(ids[i], sessionOf(i))) === null) throw new Error('lost task');
    }
    return distinct;
  });

  out.storeTaskResult = await timed(async () => {
    for (let j = 0; j < distinct; j++) {
      const i = order[j];
      await store.storeTaskResult(ids[i], 'completed', results[j], sessionOf(i));
    }
    return distinct;
  });

  out.getTaskResult = await timed(async () => {
    for (let k = 0, j = 0; k < opsPerCall; k++, j = j + 1 === distinct ? 0 : j + 1) {
      const i = order[j];
      const result = await store.getTaskResult(ids[i], sessionOf(i));
      if (result.content === undefined) throw new Error('result without content');
    }
    return opsPerCall;
  });

  // Every page of one session's tasks, stopped after listCapMs (then extrapolated by run.mjs).
  collect();
  {
    const start = performance.now();
    let cursor;
    let pages = 0;
    let listed = 0;
    let capped = false;
    do {
      const page = await store.listTasks(cursor, listSession);
      pages++;
      listed += page.tasks.length;
      cursor = page.nextCursor;
      if (cursor !== undefined && performance.now() - start > listCapMs) { capped = true; break; }
    } while (cursor !== undefined);
    const seconds = (performance.now() - start) / 1000;
    if (!capped && listed !== listExpected) {
      throw new Error(`listTasks listed ${listed} of ${listExpected}`);
    }
    out.listTasks = { ops: pages, seconds, listed, expected: listExpected, capped };
  }

  out.cleanup = await timed(() => {
    store.cleanup();
    return n;
  });
  dispose(store);
  return out;
}

const stores = [await loadStore('ours'), await loadStore('sdk')];
// Warm-up: a small untimed round of every operation on each store, so that the first
// timed repetition does not pay for compiling the code under test (or the driver).
{
  const warm = makeWorkload(Math.min(n, 2_000), Math.min(opsPerCall, 10_000));
  for (const loaded of stores) await runOnce(loaded, warm);
}
const workload = makeWorkload(n, opsPerCall);
const runs = { ours: [], sdk: [] };
for (let rep = 0; rep < reps; rep++) {
  // Alternate which store goes first, so neither always runs on a freshly collected heap.
  const turn = rep % 2 === 0 ? stores : [...stores].reverse();
  for (const loaded of turn) {
    const started = performance.now();
    runs[loaded.name].push(await runOnce(loaded, workload));
    collect();
    log(`rep ${rep + 1}/${reps} ${loaded.name}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
}
process.stdout.write(JSON.stringify({ n, reps, opsPerCall, distinct: workload.distinct, listCapMs, runs }));
