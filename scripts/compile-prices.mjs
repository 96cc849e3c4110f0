// Build step (run by `npm run build` after tsc): compiles the bundled price book's DuckDB tables into
// prices/.compiled/ so commands load them instead of parsing prices/book.yaml (src/prices/install.ts).

import { COMPILED_DIR, compilePrices } from '../dist/prices/install.js';
import { withDb } from '../dist/store/duckdb.js';

await withDb({}, (db) => compilePrices(db));
console.log(`price tables compiled into ${COMPILED_DIR}`);
