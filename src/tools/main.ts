// Entry point of the `eddy` tools: parses the command line, runs the command and turns any failure into one line
// on stderr and an exit code (tool-io.ts's ExitCode). src/cli.ts requires this module only for a tool command, so
// `eddy start` never loads it.
import { parseToolCommandLine, type ToolArgs } from './args';
import { clusterInfo } from './cluster';
import { consume } from './consume';
import { deleteGroups, describeGroupCommand, listGroups, resetGroupOffsets } from './group';
import { addFaults, clearFaults, faultRequests, listFaults, releaseFaults } from './faults';
import { logDump } from './log-dump';
import { produce } from './produce';
import { describeFailure, ExitCode } from './tool-io';
import { alterTopicConfig, createTopic, deleteTopics, describeTopics, listTopics } from './topic';

const COMMANDS: Readonly<Record<string, (args: ToolArgs) => Promise<void>>> = {
  'topic create': createTopic,
  'topic list': listTopics,
  'topic describe': describeTopics,
  'topic delete': deleteTopics,
  'topic alter-config': alterTopicConfig,
  produce: (args) => produce(args),
  consume,
  'group list': listGroups,
  'group describe': describeGroupCommand,
  'group reset-offsets': resetGroupOffsets,
  'group delete': deleteGroups,
  'cluster info': clusterInfo,
  'log dump': logDump,
  'faults add': addFaults,
  'faults list': listFaults,
  'faults clear': clearFaults,
  'faults release': releaseFaults,
  'faults requests': faultRequests,
};

/** Runs a tool command line; resolves with the exit code. */
export async function runTool(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  // A reader that stops early (`eddy consume t | head`) is not a failure of the tool: end quietly.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(ExitCode.OK);
    throw err;
  });
  const parsed = parseToolCommandLine(argv, env);
  if (parsed.kind === 'help') {
    process.stdout.write(parsed.text);
    return ExitCode.OK;
  }
  if (parsed.kind === 'error') {
    process.stderr.write(`${parsed.help}\n\neddy: ${parsed.message}\n`);
    return ExitCode.USAGE;
  }
  const command = COMMANDS[parsed.command];
  if (command === undefined) {
    process.stderr.write(`eddy: unknown command "${parsed.command}"; see eddy --help\n`);
    return ExitCode.USAGE;
  }
  try {
    await command(parsed.args);
    return ExitCode.OK;
  } catch (err) {
    const failure = describeFailure(err);
    process.stderr.write(`eddy ${parsed.command}: ${failure.message}\n`);
    return failure.exitCode;
  }
}
