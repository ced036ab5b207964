// mcp-task-store-wasm/init in Node, ES modules: init.cjs, so one instance for import and require.
import classes from './init.cjs';

export const {
  InMemoryTaskStore,
  InMemoryTaskMessageQueue,
  cancelTask,
  runTask,
  persistToFile,
  restoreFromFile,
  persistToIndexedDB,
  restoreFromIndexedDB,
  init,
  initSync,
} = classes;
