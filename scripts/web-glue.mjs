// Adapts wasm-bindgen's `web` glue (an ES module) to the package's loaders:
// - its own default location of the .wasm (`new URL('…_bg.wasm', import.meta.url)`) goes:
//   init.mjs names the file itself (so bundlers see one reference to it), and the entries that
//   never fetch it (inline.mjs, init.mjs used with a module) then hold no `import.meta`, which
//   esbuild's iife and CommonJS outputs cannot carry;
// - the import object's repeated keys go (see glue-imports.mjs);
// - each class's constructor, called before the module is loaded, throws an error that says
//   what to do instead of wasm-bindgen's "Cannot read properties of undefined".
// Every edit must match exactly where expected; anything else fails here, not at a user's.
//
// usage: node scripts/web-glue.mjs <glue.mjs>
import { readFileSync, writeFileSync } from 'node:fs';
import { dedupeImportKeys } from './glue-imports.mjs';

const [file] = process.argv.slice(2);
let text = dedupeImportKeys(readFileSync(file, 'utf8'), file);

function replaceOnce(pattern, replacement, what) {
  const matches = text.match(new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`)) ?? [];
  if (matches.length !== 1) throw new Error(`${file}: expected one ${what}, found ${matches.length}`);
  text = text.replace(pattern, replacement);
}

replaceOnce(
  /\n *if \(module_or_path === undefined\) \{\n *module_or_path = new URL\('[\w.]+_bg\.wasm', import\.meta\.url\);\n *\}\n/,
  '\n',
  'default .wasm location',
);
if (text.includes('import.meta')) throw new Error(`${file}: import.meta is still used`);

const constructors = text.match(/^ {4}constructor\([^)]*\) \{$/gm) ?? [];
if (constructors.length !== 3) throw new Error(`${file}: expected 3 class constructors (the two stores and TaskRules), found ${constructors.length}`);
text = text.replace(/^( {4}constructor\([^)]*\) \{)$/gm, '$1\n        if (wasm === undefined) throw notLoaded();');
text += `
function notLoaded() {
    const error = new Error('mcp-task-store-wasm: the WebAssembly module is not loaded yet: await init() (or call initSync({ module })) from mcp-task-store-wasm/init first');
    error.code = -32603;
    return error;
}
`;
writeFileSync(file, text);
