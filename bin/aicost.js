#!/usr/bin/env node
// Entry point: load the built CLI. Kept tiny so `aicost --help` starts fast.
import { main } from '../dist/cli.js';

process.exitCode = await main(process.argv);
