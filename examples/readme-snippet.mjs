import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { InMemoryTaskStore } from 'mcp-task-store-wasm';
import { z } from 'zod';

// The server: our store and its linked message queue replace the SDK's.
const taskStore = new InMemoryTaskStore({ defaultPollInterval: 100 });
const server = new McpServer(
  { name: 'example-server', version: '1.0.0' },
  {
    capabilities: { tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } } },
    taskStore,
    taskMessageQueue: taskStore.messageQueue(),
  },
);

// A tool that runs as a task: answer at once with the task, do the work in the background.
server.experimental.tasks.registerToolTask(
  'slow-add',
  { description: 'Adds two numbers, slowly', inputSchema: { a: z.number(), b: z.number() } },
  {
    // `taskStore` here is the request's view of the store, bound to the client's session.
    async createTask({ a, b }, { taskStore, taskRequestedTtl }) {
      const task = await taskStore.createTask({ ttl: taskRequestedTtl });
      setTimeout(() => {
        taskStore.storeTaskResult(task.taskId, 'completed', {
          content: [{ type: 'text', text: `${a} + ${b} = ${a + b}` }],
        });
      }, 300);
      return { task };
    },
    getTask: (_args, { taskId, taskStore }) => taskStore.getTask(taskId),
    getTaskResult: (_args, { taskId, taskStore }) => taskStore.getTaskResult(taskId),
  },
);

// The client, connected in-process.
const client = new Client({ name: 'example-client', version: '1.0.0' });
const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
await Promise.all([server.connect(serverTransport), client.connect(clientTransport)]);

// Call the tool as a task and follow it to its result.
const stream = client.experimental.tasks.callToolStream(
  { name: 'slow-add', arguments: { a: 2, b: 3 } },
  CallToolResultSchema,
  { task: { ttl: 60_000 } },
);
for await (const message of stream) {
  if (message.type === 'taskCreated') console.log('created ', message.task.taskId);
  if (message.type === 'taskStatus') console.log('status  ', message.task.status);
  if (message.type === 'result') console.log('result  ', message.result.content[0].text);
  if (message.type === 'error') throw message.error;
}

await client.close();
await server.close();
taskStore.cleanup();
