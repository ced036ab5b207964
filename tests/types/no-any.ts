// No `any` leaks out of the public .d.ts: every parameter and return type below must be a
// known type. `IsAny<T>` is true only for `any`.
import { InMemoryTaskStore, InMemoryTaskMessageQueue } from 'mcp-task-store-wasm';

type IsAny<T> = 0 extends 1 & T ? true : false;
type Assert<T extends false> = T;
type NoAnyIn<F> = F extends (...args: infer A) => infer R ? IsAny<A[number]> | IsAny<Awaited<R>> extends false ? false : true : false;

type S = InMemoryTaskStore;
type Q = InMemoryTaskMessageQueue;
export type Checks = [
  Assert<NoAnyIn<S['createTask']>>,
  Assert<NoAnyIn<S['getTask']>>,
  Assert<NoAnyIn<S['storeTaskResult']>>,
  Assert<NoAnyIn<S['getTaskResult']>>,
  Assert<NoAnyIn<S['updateTaskStatus']>>,
  Assert<NoAnyIn<S['listTasks']>>,
  Assert<NoAnyIn<S['cleanup']>>,
  Assert<NoAnyIn<S['getAllTasks']>>,
  Assert<NoAnyIn<S['messageQueue']>>,
  Assert<NoAnyIn<S['onStatusChange']>>,
  Assert<NoAnyIn<S['watch']>>,
  Assert<NoAnyIn<S['waitForUpdate']>>,
  Assert<NoAnyIn<S['waitForTerminal']>>,
  Assert<NoAnyIn<S['deleteTask']>>,
  Assert<NoAnyIn<S['cancelTask']>>,
  Assert<NoAnyIn<S['stats']>>,
  Assert<IsAny<S['size']>>,
  Assert<IsAny<S['hasPendingTimer']>>,
  Assert<NoAnyIn<Q['enqueue']>>,
  Assert<NoAnyIn<Q['dequeue']>>,
  Assert<NoAnyIn<Q['dequeueAll']>>,
  Assert<IsAny<Q['queueCount']>>,
  Assert<IsAny<ConstructorParameters<typeof InMemoryTaskStore>[0]>>,
];
