// End to end over the SDK's InMemoryTransport: a real McpServer (tools registered with
// server.experimental.tasks.registerToolTask) using mcp-task-store-wasm as its TaskStore and
// TaskMessageQueue, and a real Client driving it through client.experimental.tasks.
import { test } from 'node:test';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { createTaskClient, createTaskServer, newStore, scenarios, WorkLog } from './e2e-shared.mjs';

async function setup() {
  const store = newStore();
  const queue = store.messageQueue();
  const log = new WorkLog();
  const server = createTaskServer({ store, queue, log });
  const client = createTaskClient();
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(serverTransport), client.connect(clientTransport)]);
  return {
    store,
    queue,
    log,
    client,
    sessionId: undefined,
    async close() {
      await log.settle();
      await client.close();
      await server.close();
      store.cleanup();
    },
  };
}

for (const [name, scenario] of Object.entries(scenarios)) {
  test(`in-memory: ${name}`, async () => {
    const fixture = await setup();
    try {
      await scenario(fixture);
    } finally {
      await fixture.close();
    }
  });
}
