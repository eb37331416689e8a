// One in-process broker per compat suite, on a free port with a fresh data directory.
import type { Broker } from '../../../src/broker';
import { removeDir, startInProcess } from '../../helpers/broker';

export interface RunningEddy {
  readonly broker: Broker;
  readonly bootstrap: string;
  stop(): Promise<void>;
}

export async function startEddy(overrides: Record<string, string> = {}): Promise<RunningEddy> {
  const { broker, dataDir, bootstrap } = await startInProcess(undefined, overrides);
  return {
    broker,
    bootstrap,
    stop: async () => {
      await broker.stop();
      removeDir(dataDir);
    },
  };
}
