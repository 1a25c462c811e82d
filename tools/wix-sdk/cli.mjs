#!/usr/bin/env node
// Command line of the Wix SDK tool (see README.md):
//   node cli.mjs extract --package DIR [--package DIR ...]
//   node cli.mjs apply --spec PATH --edits FILE [--out PATH]
// Exit code 0 with JSON (extract) on stdout; exit code 2 with one message on stderr otherwise.

import { ToolError } from './lib/errors.mjs';

const USAGE = 'usage: cli.mjs extract --package DIR [--package DIR ...] | cli.mjs apply --spec PATH --edits FILE [--out PATH]';

/** Parses `--name value` pairs; `repeatable` names collect arrays. */
function parseFlags(args, allowed, repeatable = []) {
  const out = {};
  for (let i = 0; i < args.length; i += 1) {
    const a = args[i];
    const name = a.startsWith('--') ? a.slice(2) : null;
    if (!name || !allowed.includes(name)) throw new ToolError(`unknown argument \`${a}\`; ${USAGE}`);
    if (i + 1 >= args.length) throw new ToolError(`argument --${name} needs a value; ${USAGE}`);
    const v = args[i + 1];
    i += 1;
    if (repeatable.includes(name)) (out[name] ||= []).push(v);
    else if (name in out) throw new ToolError(`argument --${name} given twice`);
    else out[name] = v;
  }
  return out;
}

async function main(argv) {
  const [command, ...rest] = argv;
  if (command === 'extract') {
    const flags = parseFlags(rest, ['package'], ['package']);
    const { extract } = await import('./lib/extract.mjs');
    const result = extract(flags.package || []);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  if (command === 'apply') {
    const flags = parseFlags(rest, ['spec', 'edits', 'out']);
    if (!flags.spec || !flags.edits) throw new ToolError(`apply needs --spec and --edits; ${USAGE}`);
    const { applyFile } = await import('./lib/apply.mjs');
    applyFile(flags.spec, flags.edits, flags.out ?? flags.spec);
    return;
  }
  throw new ToolError(command ? `unknown command \`${command}\`; ${USAGE}` : USAGE);
}

main(process.argv.slice(2)).then(
  () => { process.exitCode = 0; },
  (e) => {
    const msg = e instanceof ToolError ? e.message : `internal error: ${e && e.stack ? e.stack : e}`;
    process.stderr.write(`wix-sdk: ${msg}\n`);
    process.exitCode = 2;
  },
);
