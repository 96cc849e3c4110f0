import { DuckDBInstance } from '@duckdb/node-api';
const i = await DuckDBInstance.create(':memory:'); const c = await i.connect();
const r = await c.runAndReadAll(process.argv[2]); console.log(JSON.stringify(r.getRowObjectsJson(), null, 1).slice(0, 4000));
