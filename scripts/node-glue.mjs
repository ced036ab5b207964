// Makes wasm-bindgen's `nodejs` glue (CommonJS) work bundled as well as installed. As
// generated, it reads the .wasm from `${__dirname}`: a bundle (esbuild, tsup, rollup, webpack
// for Node) moves the glue into another file, where no .wasm sits beside it (or, in an ES
// module bundle, no __dirname exists). Installed, it still reads the .wasm file beside it; any
// other place takes the copy inlined in <base64 module>, which bundlers include from the
// require below, so a bundle is self-contained with no configuration. The import object's
// repeated keys go too (see glue-imports.mjs).
//
// usage: node scripts/node-glue.mjs <glue.cjs> <base64 module, relative to the glue>
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { dedupeImportKeys } from './glue-imports.mjs';

const [file, base64Module] = process.argv.slice(2);
const source = dedupeImportKeys(readFileSync(file, 'utf8'), file);
const pattern = /^const wasmPath = `\$\{__dirname\}\/([\w.]+_bg\.wasm)`;\nconst wasmBytes = require\('fs'\)\.readFileSync\(wasmPath\);$/m;
const match = source.match(pattern);
if (!match) throw new Error(`${file}: wasm-bindgen's read of the .wasm was not found`);
const glueName = basename(file).replace(/[.]/g, '\\.');
const loader = `// Installed, this file is ${basename(file)} and reads the .wasm beside it; bundled (no
// .wasm beside the bundle, maybe no __dirname), it takes the copy inlined in ${base64Module}.
const wasmBytes = (() => {
    if (typeof __filename === 'string' && /(^|[\\\\/])${glueName}$/.test(__filename)) {
        try {
            return require('fs').readFileSync(require('path').join(__dirname, '${match[1]}'));
        } catch {
            // Not where it should be: the inlined copy below.
        }
    }
    return Buffer.from(require('${base64Module}').base64, 'base64');
})();`;
writeFileSync(file, source.replace(pattern, () => loader));
