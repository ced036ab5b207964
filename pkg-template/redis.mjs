// `mcp-task-store-wasm/redis` for Node ES modules: the same classes as `require` gives.
import redis from './redis.cjs';

export const { RedisTaskStore, RedisTaskMessageQueue } = redis;
