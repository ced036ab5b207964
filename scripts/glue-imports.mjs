// wasm-bindgen lists a JS snippet file once per imported function in the import object it
// hands to WebAssembly (`"./snippets/…/helpers.js": import1, … import19`, one key repeated),
// each `importN` being the same module. Bundlers warn on every repeated key (esbuild: 19
// "duplicate-object-key" warnings in a user's build); one key per module says the same.
/** `text` with each repeated key of the import object left out, after checking that the values are one module. */
export function dedupeImportKeys(text, file) {
  const specifierOf = new Map();
  for (const m of text.matchAll(/^(?:const (import\d+) = require\(("[^"]+")\);|import \* as (import\d+) from ("[^"]+"))$/gm)) {
    specifierOf.set(m[1] ?? m[3], m[2] ?? m[4]);
  }
  const firstOf = new Map();
  return text.replace(/^ {8}("[^"]+"): (import\d+),\n/gm, (line, key, name) => {
    if (name === 'import0') return line;
    if (!specifierOf.has(name)) throw new Error(`${file}: ${name} is not a snippet module import`);
    const first = firstOf.get(key);
    if (first === undefined) {
      firstOf.set(key, name);
      return line;
    }
    if (specifierOf.get(first) !== specifierOf.get(name)) throw new Error(`${file}: key ${key} names two modules`);
    return '';
  });
}
