// Node, ES modules: the same instance as `require` gives, so ESM and CJS users share one
// module (no dual-package hazard).
import { createRequire } from 'node:module';

const classes = createRequire(import.meta.url)('./index.cjs');

export const InMemoryTaskStore = classes.InMemoryTaskStore;
export const InMemoryTaskMessageQueue = classes.InMemoryTaskMessageQueue;
export const cancelTask = classes.cancelTask;
export const runTask = classes.runTask;
