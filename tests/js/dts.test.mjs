// One source for the types: the Rust attributes (`unchecked_param_type` /
// `unchecked_return_type`) give the signatures wasm-bindgen writes into its generated
// declarations; the shipped index.d.ts is written by hand (with docs and the shared types
// those signatures name). These tests tie the three together: every member the classes have
// at run time (symbol members included) is declared in index.d.ts and nothing else is, and
// every declared signature is the generated one, so neither file can drift from the code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { InMemoryTaskStore, InMemoryTaskMessageQueue } from 'mcp-task-store-wasm';

const require = createRequire(import.meta.url);
const shipped = readFileSync(require.resolve('mcp-task-store-wasm/package.json').replace(/package\.json$/, 'index.d.ts'), 'utf8');
const generatedPath = fileURLToPath(new URL('../../target/bindgen/web/mcp_task_store_wasm.d.ts', import.meta.url));

/** `name?: T` and `name: T | undefined` mean the same for a trailing parameter. */
function normalize(signature) {
  return signature
    .replace(/\s+/g, ' ')
    .replace(/(\w+)\?: ([^,)]+)/g, (_, name, type) => `${name}: ${type.trim()} | undefined`)
    .replace(/ \| undefined \| undefined/g, ' | undefined')
    .trim();
}

/** Members of `export class <name> { ... }` in `source`: name → normalized declaration. */
function members(source, name) {
  const start = source.indexOf(`export class ${name} {`);
  assert.ok(start >= 0, `declares class ${name}`);
  const body = source.slice(start, source.indexOf('\n}', start));
  const out = new Map();
  for (const [, line] of body.matchAll(/^ +((?:readonly )?(?:\[Symbol\.\w+\]|\w+)[(?:].*);$/gm)) {
    const member = line.replace(/^readonly /, '').match(/^(\[Symbol\.\w+\]|\w+)/)[1];
    out.set(member, normalize(line));
  }
  return out;
}

/** Member names the class has at run time: string keys and well-known symbols. */
function actual(cls) {
  const names = Object.getOwnPropertyNames(cls.prototype).filter((n) => n !== 'constructor' && !n.startsWith('__'));
  const wellKnown = new Map([[Symbol.dispose, '[Symbol.dispose]'], [Symbol.asyncDispose, '[Symbol.asyncDispose]']]);
  for (const symbol of Object.getOwnPropertySymbols(cls.prototype)) {
    names.push(wellKnown.get(symbol) ?? `[${String(symbol)}]`);
  }
  return names.sort();
}

for (const cls of [InMemoryTaskStore, InMemoryTaskMessageQueue]) {
  test(`index.d.ts declares exactly the members of ${cls.name}, symbol members included`, () => {
    const declared = members(shipped, cls.name);
    declared.delete('constructor');
    assert.deepStrictEqual(actual(cls), [...declared.keys()].sort());
    assert.ok(actual(cls).includes('[Symbol.dispose]'));
  });

  test(`index.d.ts signatures of ${cls.name} are the ones the Rust attributes generate`, () => {
    assert.ok(existsSync(generatedPath), `${generatedPath} (made by make pkg)`);
    const generated = members(readFileSync(generatedPath, 'utf8'), cls.name);
    const declared = members(shipped, cls.name);
    assert.deepStrictEqual([...declared.keys()].sort(), [...generated.keys()].sort());
    for (const [member, signature] of declared) {
      assert.equal(signature, generated.get(member), `${cls.name}.${member}`);
    }
  });
}

test('every type a generated signature names is exported by index.d.ts', () => {
  const builtIn = new Set(['Promise', 'Symbol', 'AsyncIterableIterator']);
  const generated = readFileSync(generatedPath, 'utf8');
  for (const cls of ['InMemoryTaskStore', 'InMemoryTaskMessageQueue']) {
    for (const signature of members(generated, cls).values()) {
      for (const [name] of signature.matchAll(/\b[A-Z]\w*/g)) {
        if (builtIn.has(name)) continue;
        assert.match(shipped, new RegExp(`export (?:type|interface|class) ${name}\\b`), `index.d.ts exports ${name} (${signature})`);
      }
    }
  }
});
