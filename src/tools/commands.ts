// The top-level words of the `eddy` tools, with the line `eddy --help` shows for each. Apart from args.ts so that
// src/cli-args.ts can list and recognise them without loading the tools' parser.
import type { Argv } from 'yargs';

export const TOOL_COMMANDS: readonly (readonly [string, string])[] = [
  ['topic', 'Create, list, describe and delete topics, and alter their configs'],
  ['produce', 'Write stdin lines to a topic as records'],
  ['consume', 'Print the records of a topic'],
  ['group', 'List, describe, reset the offsets of and delete consumer groups'],
  ['cluster', 'Show the cluster id, controller, brokers and API versions'],
  ['log', 'Read segment, index and snapshot files offline (no broker needed)'],
  ['faults', 'Add, list, clear and release fault rules, and list requests, on a running Eddy (its HTTP admin endpoint)'],
];

/** Whether a command line is a tool's (its first word is one of theirs). */
export function isToolCommand(argv: readonly string[]): boolean {
  return TOOL_COMMANDS.some(([name]) => name === argv[0]);
}

/**
 * Lists the tools in `eddy --help`. They never run through this parser: parseCommandLine hands their command lines
 * to src/tools/main.ts, which has its own.
 */
export function withToolCommands(parser: Argv): Argv {
  return parser.command(TOOL_COMMANDS.map(([command, describe]) => ({ command, describe, handler: () => undefined })));
}
