// The command line of the `eddy` tools (topic, produce, consume, group, cluster, log), parsed by yargs into the
// command's words and its options; main.ts picks the command to run from the words. Kept apart from
// src/cli-args.ts (`eddy start`) so that the broker's start path never loads the tools.
import yargs from 'yargs/yargs';
import type { Argv } from 'yargs';
import { TOOL_COMMANDS } from './commands';
import { UsageError } from './tool-io';

export const DEFAULT_BOOTSTRAP = 'localhost:9092';

const EPILOGUE =
  'The broker is -b/--bootstrap-server host:port (default localhost:9092, or EDDY_BOOTSTRAP_SERVER). Exit codes: 0 done, ' +
  '1 the broker answered with an error (its Kafka name starts the message on stderr), 2 bad command line or input, 3 no broker reachable.';

function withConnection(y: Argv): Argv {
  return y
    .option('bootstrap-server', {
      alias: 'b',
      type: 'string',
      requiresArg: true,
      describe: `Broker to bootstrap from, host:port; several separated by commas (default ${DEFAULT_BOOTSTRAP}) [EDDY_BOOTSTRAP_SERVER]`,
    })
    .option('timeout', { type: 'number', requiresArg: true, default: 10000, describe: 'Milliseconds to wait for a connection or an answer' })
    .option('json', { type: 'boolean', default: false, describe: 'Print JSON for scripts instead of a table' });
}

function topicCommands(y: Argv): Argv {
  return y
    .command('create <topic>', 'Create a topic', (c) =>
      withConnection(c)
        .positional('topic', { type: 'string' })
        .option('partitions', { alias: 'p', type: 'number', requiresArg: true, describe: "Partition count (default: the broker's num.partitions)" })
        .option('replication-factor', { alias: 'r', type: 'number', requiresArg: true, describe: "Replicas per partition (default: the broker's)" })
        .option('config', { alias: 'c', type: 'string', array: true, describe: 'Topic config key=value (repeatable), e.g. --config retention.ms=60000' })
        .option('if-not-exists', { type: 'boolean', default: false, describe: 'Succeed when the topic already exists' }),
    )
    .command('list', 'List topics', (c) =>
      withConnection(c).option('exclude-internal', { type: 'boolean', default: false, describe: 'Leave out internal topics' }),
    )
    .command('describe [topics..]', 'Partitions, leaders, replicas and non-default configs of topics (all by default)', (c) =>
      withConnection(c).positional('topics', { type: 'string', array: true }),
    )
    .command('delete <topics..>', 'Delete topics', (c) =>
      withConnection(c)
        .positional('topics', { type: 'string', array: true })
        .option('if-exists', { type: 'boolean', default: false, describe: 'Succeed when a topic does not exist' }),
    )
    .command('alter-config <topic>', "Set or remove a topic's configs", (c) =>
      withConnection(c)
        .positional('topic', { type: 'string' })
        .option('config', { alias: 'c', type: 'string', array: true, describe: 'Config key=value to set (repeatable)' })
        .option('delete-config', { type: 'string', array: true, describe: 'Config key to return to its default (repeatable)' }),
    )
    .demandCommand(1, 'Say what to do with topics, e.g. `eddy topic list`');
}

function produceCommand(c: Argv): Argv {
  return withConnection(c)
    .positional('topic', { type: 'string' })
    .option('key-separator', { alias: 'K', type: 'string', requiresArg: true, describe: 'Each line is key<separator>value (a line without it has no key)' })
    .option('header', { alias: 'H', type: 'string', array: true, describe: 'Header key=value added to every record (repeatable)' })
    .option('partition', {
      alias: 'p',
      type: 'number',
      requiresArg: true,
      describe: "Write every record to this partition (default: by the key's murmur2 hash as Kafka's clients do, else spread)",
    })
    .option('acks', { type: 'string', requiresArg: true, default: 'all', describe: 'all (or -1), 1 or 0' })
    .option('compression', { alias: 'z', type: 'string', requiresArg: true, default: 'none', describe: 'none, gzip, snappy, lz4 or zstd' })
    .option('batch-size', { type: 'number', requiresArg: true, default: 524288, describe: 'Largest record batch in bytes (before compression)' })
    .option('idempotent', {
      type: 'boolean',
      default: false,
      describe: 'Idempotent producer (needs --acks all): a batch resent after a lost answer is written once',
    })
    .option('progress', { type: 'boolean', default: true, describe: 'Show a progress line on a terminal (--no-progress hides it)' });
}

function consumeCommand(c: Argv): Argv {
  return withConnection(c)
    .positional('topic', { type: 'string' })
    .option('offset', { alias: 'o', type: 'string', requiresArg: true, describe: 'Where to start: earliest (default), latest, or an offset' })
    .option('timestamp', { type: 'string', requiresArg: true, describe: 'Start at the first record at or after this time (ms since the epoch or an ISO date)' })
    .option('group', {
      alias: 'g',
      type: 'string',
      requiresArg: true,
      describe: 'Join the group as a consumer: read the partitions it assigns, from its committed offsets, and commit as it goes and where it stops',
    })
    .option('group-protocol', {
      type: 'string',
      requiresArg: true,
      describe:
        "With --group: consumer (KIP-848) or classic (JoinGroup/SyncGroup, range assignor), as Kafka's group.protocol; default consumer when the broker serves it, else classic",
    })
    .option('partition', { alias: 'p', type: 'number', array: true, describe: 'Read only these partitions (repeatable)' })
    .option('format', {
      type: 'string',
      requiresArg: true,
      default: 'text',
      describe: 'text (the value), json (one object per record, as --json) or hex (the value in hex)',
    })
    .option('print-key', { type: 'boolean', default: false, describe: 'With text or hex: print key<separator>value' })
    .option('key-separator', { type: 'string', requiresArg: true, default: '\t', describe: 'Separator for --print-key (default a tab)' })
    .option('follow', { alias: 'f', type: 'boolean', default: false, describe: 'Keep waiting for new records instead of exiting at the end' })
    .option('max', { alias: 'n', type: 'number', requiresArg: true, describe: 'Exit after this many records' })
    .option('isolation-level', { type: 'string', requiresArg: true, default: 'read_uncommitted', describe: 'read_uncommitted or read_committed' })
    .option('progress', { type: 'boolean', default: true, describe: 'Show a progress line on a terminal (--no-progress hides it)' });
}

function groupCommands(y: Argv): Argv {
  return y
    .command('list', 'List consumer groups', (c) => withConnection(c))
    .command('describe <group>', 'State, members and per-partition offsets and lag of a group', (c) =>
      withConnection(c).positional('group', { type: 'string' }),
    )
    .command('reset-offsets <group>', "Move an empty group's committed offsets", (c) =>
      withConnection(c)
        .positional('group', { type: 'string' })
        .option('topic', { alias: 't', type: 'string', array: true, describe: 'Topic to reset (repeatable; default: every topic the group has offsets for)' })
        .option('to-earliest', { type: 'boolean', describe: 'To the log start offset' })
        .option('to-latest', { type: 'boolean', describe: 'To the log end offset' })
        .option('to-offset', { type: 'string', requiresArg: true, describe: 'To this offset (clamped to the log, as Kafka does)' })
        .option('to-datetime', { type: 'string', requiresArg: true, describe: 'To the first offset at or after this time (ISO date or ms)' })
        .option('dry-run', { type: 'boolean', default: false, describe: 'Show the new offsets without committing them' }),
    )
    .command('delete <groups..>', 'Delete empty groups', (c) => withConnection(c).positional('groups', { type: 'string', array: true }))
    .demandCommand(1, 'Say what to do with groups, e.g. `eddy group list`');
}

function logCommands(y: Argv): Argv {
  return y
    .command('dump <paths..>', 'Print segment (.log), .index, .timeindex, .txnindex and .snapshot files, or every one in a directory', (c) =>
      c
        .positional('paths', { type: 'string', array: true })
        .option('print-data-log', {
          alias: 'd',
          type: 'boolean',
          default: false,
          describe: "Print each record (key, value, headers), not only the batches' headers",
        })
        .option('json', { type: 'boolean', default: false, describe: 'Print JSON for scripts' }),
    )
    .demandCommand(1, 'Say what to do, e.g. `eddy log dump ./eddy-data/orders-0`');
}

function faultCommands(y: Argv): Argv {
  const admin = (c: Argv): Argv =>
    c
      .option('broker', {
        type: 'string',
        requiresArg: true,
        describe: "The broker's HTTP admin address, host:port (default 127.0.0.1:8082) [EDDY_FAULTS_BROKER]",
      })
      .option('timeout', { type: 'number', requiresArg: true, default: 10000, describe: 'Milliseconds to wait for an answer' })
      .option('json', { type: 'boolean', default: false, describe: 'Print JSON for scripts instead of a table' });
  return y
    .command('add [rules]', 'Add fault rules given as JSON (one rule, a list, or {"rules": [...]})', (c) =>
      admin(c)
        .positional('rules', { type: 'string' })
        .option('file', { alias: 'f', type: 'string', requiresArg: true, describe: 'Read the rules from this JSON file' }),
    )
    .command('list', 'List the rules in force, with how often each fired', (c) => admin(c))
    .command('clear [id]', 'Remove one rule, or all of them', (c) => admin(c).positional('id', { type: 'string' }))
    .command('release [id]', 'Let requests held by a rule (or by any) go on', (c) => admin(c).positional('id', { type: 'string' }))
    .command('requests', 'The requests the broker received, in order, while tracking is on', (c) =>
      admin(c)
        .option('tracking', { type: 'string', requiresArg: true, describe: 'start or stop request tracking first' })
        .option('client-id', { type: 'string', requiresArg: true, describe: 'Only requests of this client id' })
        .option('api', { type: 'string', requiresArg: true, describe: 'Only requests of this API (name or key)' }),
    )
    .demandCommand(1, 'Say what to do with fault rules, e.g. `eddy faults list`');
}

function toolParser(): Argv {
  return yargs()
    .scriptName('eddy')
    .command('topic', TOOL_COMMANDS[0][1], topicCommands)
    .command('produce <topic>', TOOL_COMMANDS[1][1], produceCommand)
    .command('consume <topic>', TOOL_COMMANDS[2][1], consumeCommand)
    .command('group', TOOL_COMMANDS[3][1], groupCommands)
    .command('cluster', TOOL_COMMANDS[4][1], (y) =>
      y.command('info', TOOL_COMMANDS[4][1], (c) => withConnection(c)).demandCommand(1, 'Try `eddy cluster info`'),
    )
    .command('log', TOOL_COMMANDS[5][1], logCommands)
    .command('faults', TOOL_COMMANDS[6][1], faultCommands)
    .strict()
    .epilogue(EPILOGUE)
    .help()
    .version(false)
    .wrap(Math.min(120, process.stdout.columns ?? 120))
    .exitProcess(false);
}

export type ToolParse =
  | { readonly kind: 'run'; readonly command: string; readonly args: ToolArgs }
  | { readonly kind: 'help'; readonly text: string }
  | { readonly kind: 'error'; readonly message: string; readonly help: string };

/** Parses a tool command line; `command` is its words, e.g. "topic create". */
export function parseToolCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv): ToolParse {
  let outcome: { error: Error | null; args: Record<string, unknown>; output: string } | undefined;
  void toolParser().parse([...argv], {}, (error, args, output) => {
    outcome = { error: error ?? null, args: args, output };
  });
  if (outcome === undefined) throw new Error('yargs did not parse the command line synchronously');
  const { error, args, output } = outcome;
  if (error !== null) {
    const at = output.lastIndexOf(error.message);
    return { kind: 'error', message: error.message, help: (at > 0 ? output.slice(0, at) : output).trimEnd() };
  }
  if (args.help === true) return { kind: 'help', text: output.endsWith('\n') ? output : `${output}\n` };
  const words = Array.isArray(args._) ? args._.map(String) : [];
  return { kind: 'run', command: words.join(' '), args: new ToolArgs(args, env) };
}

/** Typed access to the parsed options, with the checks yargs does not make (integers, key=value pairs). */
export class ToolArgs {
  constructor(
    private readonly values: Record<string, unknown>,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  string(name: string): string | undefined {
    const v = this.values[name];
    return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
  }

  requiredString(name: string): string {
    const v = this.string(name);
    if (v === undefined || v === '') throw new UsageError(`--${name} is required`);
    return v;
  }

  flag(name: string): boolean {
    return this.values[name] === true;
  }

  strings(name: string): string[] {
    const v = this.values[name];
    if (v === undefined) return [];
    return (Array.isArray(v) ? v : [v]).map(String);
  }

  /** An integer option, or undefined when absent; `min` bounds it from below. */
  integer(name: string, min = Number.MIN_SAFE_INTEGER): number | undefined {
    const v = this.values[name];
    if (v === undefined) return undefined;
    const text = typeof v === 'string' || typeof v === 'number' ? String(v) : '';
    const n = Number(text);
    if (text.trim() === '' || !Number.isSafeInteger(n) || n < min) {
      throw new UsageError(`--${name} must be an integer${min > Number.MIN_SAFE_INTEGER ? ` of at least ${min}` : ''}, got "${text}"`);
    }
    return n;
  }

  integers(name: string, min = 0): number[] {
    return this.strings(name).map((s) => {
      const n = Number(s);
      if (s.trim() === '' || !Number.isSafeInteger(n) || n < min) throw new UsageError(`--${name} must be an integer of at least ${min}, got "${s}"`);
      return n;
    });
  }

  /** key=value pairs of a repeatable option, in order. */
  pairs(name: string): [string, string][] {
    return this.strings(name).map((pair) => {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new UsageError(`--${name} expects key=value, got "${pair}"`);
      return [pair.slice(0, eq), pair.slice(eq + 1)];
    });
  }

  get json(): boolean {
    return this.flag('json');
  }

  /** An environment variable's value, '' when it is unset. */
  variable(name: string): string {
    return this.env[name] ?? '';
  }

  /** -b/--bootstrap-server, else EDDY_BOOTSTRAP_SERVER, else localhost:9092. */
  get bootstrap(): string {
    return this.string('bootstrap-server') ?? (this.env.EDDY_BOOTSTRAP_SERVER || DEFAULT_BOOTSTRAP);
  }
}
