// Node, ES modules: the same instance as `require` gives, so ESM and CJS users share one
// module (no dual-package hazard). A static import (not createRequire(import.meta.url)), so
// bundlers follow it, into CommonJS output too.
import classes from './index.cjs';

export const {
  InMemoryTaskStore,
  InMemoryTaskMessageQueue,
  cancelTask,
  runTask,
  persistToFile,
  restoreFromFile,
  persistToIndexedDB,
  restoreFromIndexedDB,
} = classes;
