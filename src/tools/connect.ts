// Opening the client a network tool uses, from -b/--bootstrap-server (or EDDY_BOOTSTRAP_SERVER), and closing it
// whatever the command's outcome, so that the process exits once its work is done.
import { parseAddress, type BrokerAddress } from '../client/connection';
import { KafkaClient } from '../client/kafka-client';
import type { ToolArgs } from './args';
import { UsageError } from './tool-io';

export function bootstrapAddresses(text: string): BrokerAddress[] {
  return text
    .split(',')
    .filter((part) => part.trim() !== '')
    .map((part) => {
      try {
        return parseAddress(part);
      } catch (err) {
        throw new UsageError(`--bootstrap-server: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
}

export async function withClient<T>(args: ToolArgs, body: (client: KafkaClient) => Promise<T>): Promise<T> {
  const client = await KafkaClient.connect(bootstrapAddresses(args.bootstrap), { timeoutMs: args.integer('timeout', 1) });
  try {
    return await body(client);
  } finally {
    client.close();
  }
}
