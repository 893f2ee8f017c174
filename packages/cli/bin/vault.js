#!/usr/bin/env node
// Launcher committed with its run bit so npm links the `vault` bin at install time;
// the CLI itself is built to dist/ by the root `prepare` script.
import { main } from '../dist/main.js';

process.exitCode = await main(process.argv.slice(2));
