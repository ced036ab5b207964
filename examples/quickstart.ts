import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { CallToolResultSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { InMemoryTaskStore, runTask } from 'mcp-task-store-wasm';
import { z } from 'zod';

// The server: this package's store and its linked message queue replace the SDK's.
const taskStore = new InMemoryTaskStore({ defaultPollInterval: 100 });
const server = new McpServer(
  { name: 'quickstart', version: '1.0.0' },
  {
    capabilities: { tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } } },
    taskStore,
    taskMessageQueue: taskStore.messageQueue(),
  },
);

// A tool that runs as a task: answer at once with the task, do the work with runTask.
server.experimental.tasks.registerToolTask(
  'slow-add',
  { description: 'Adds two numbers, slowly', inputSchema: { a: z.number(), b: z.number() } },
  {
    async createTask({ a, b }, extra) {
      const task = await extra.taskStore.createTask({ ttl: extra.taskRequestedTtl });
      void runTask(taskStore, task.taskId, async (ctx) => {
        await ctx.setStatus('adding');
        await new Promise((resolve) => setTimeout(resolve, 200));
        return { content: [{ type: 'text', text: `${a} + ${b} = ${a + b}` }] };
      }, { sessionId: extra.sessionId });
      return { task };
    },
    getTask: (_args, extra) => extra.taskStore.getTask(extra.taskId),
    // The store returns a plain JSON object; the SDK's handler type wants a CallToolResult.
    getTaskResult: async (_args, extra) => (await taskStore.getTaskResult(extra.taskId, extra.sessionId)) as CallToolResult,
  },
);

// The client, connected in-process; it calls the tool as a task and follows it.
const client = new Client({ name: 'quickstart-client', version: '1.0.0' });
const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
await Promise.all([server.connect(serverTransport), client.connect(clientTransport)]);
const stream = client.experimental.tasks.callToolStream(
  { name: 'slow-add', arguments: { a: 2, b: 3 } },
  CallToolResultSchema,
  { task: { ttl: 60_000 } },
);
for await (const message of stream) {
  if (message.type === 'taskCreated') console.log('created', message.task.taskId);
  if (message.type === 'taskStatus') console.log('status ', message.task.status);
  if (message.type === 'result') console.log('result ', JSON.stringify(message.result.content));
  if (message.type === 'error') throw message.error;
}
await client.close();
await server.close();
taskStore.cleanup();
