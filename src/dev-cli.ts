// Development entry: `npx tsx src/dev-cli.ts ...` runs the CLI from source without a build.
import { main } from './cli.js';

process.exitCode = await main(process.argv);
