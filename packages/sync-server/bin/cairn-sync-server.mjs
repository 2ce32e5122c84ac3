#!/usr/bin/env node
// The `cairn-sync-server` command (see `cairn-sync-server --help`). Runs the built package.
import { runCli } from '../dist/cli.js'

await runCli(process.argv.slice(2))
