// Error type shared by the commands: the CLI prints `message` on stderr and exits with code 2.

/** An input problem; the message names the file (and line:col where known) and what was wrong. */
export class ToolError extends Error {
  constructor(message) {
    super(message);
    this.name = 'ToolError';
  }
}

/** Builds a ToolError for `file` at an optional 1-based `line`/`col`. */
export function errorAt(file, line, col, what) {
  const where = line ? `${file}:${line}:${col}` : file;
  return new ToolError(`${where}: ${what}`);
}
