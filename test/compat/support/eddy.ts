// One broker per compat suite, on a free port with a fresh data directory: in-process (fast), or as a child
// process for clients whose synchronous calls block the JavaScript thread (librdkafka's commitSync and friends
// would otherwise wait on a broker that shares their event loop).
import { removeDir, startChild, startInProcess, tempDataDir } from '../../helpers/broker';

export interface RunningEddy {
  readonly nodeId: number;
  readonly port: number;
  readonly bootstrap: string;
  stop(): Promise<void>;
}

export async function startEddy(overrides: Record<string, string> = {}): Promise<RunningEddy> {
  const { broker, dataDir, bootstrap } = await startInProcess(undefined, overrides);
  return {
    nodeId: broker.identity.nodeId,
    port: broker.port,
    bootstrap,
    stop: async () => {
      await broker.stop();
      removeDir(dataDir);
    },
  };
}

/** The node id Eddy uses unless told otherwise (`node.id`). */
const DEFAULT_NODE_ID = 1;

export async function startEddyProcess(): Promise<RunningEddy> {
  const dataDir = tempDataDir('eddy-compat-');
  const child = await startChild(dataDir);
  return {
    nodeId: DEFAULT_NODE_ID,
    port: child.port,
    bootstrap: child.bootstrap,
    stop: async () => {
      await child.stop();
      removeDir(dataDir);
    },
  };
}
