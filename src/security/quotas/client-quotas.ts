// Client quotas as the broker holds them: the stored quotas (DescribeClientQuotas, AlterClientQuotas) and their
// enforcement, built together at start from the data dir and the quota.window.* configs.
import type { Logger } from '../../logger';
import { ClientQuotaManager, type QuotaClient } from './client-quota-manager';
import { ClientQuotaStore } from './quota-store';
import type { RateWindows } from './sampled-rate';

export interface ClientQuotas {
  readonly store: ClientQuotaStore;
  readonly enforcement: ClientQuotaManager;
}

/** `dataDir` null keeps quotas in memory only. */
export function openClientQuotas(dataDir: string | null, windows: RateWindows, logger: Logger): ClientQuotas {
  const store = ClientQuotaStore.open(dataDir, logger);
  return { store, enforcement: new ClientQuotaManager(store, windows) };
}

/** Who a request counts against: the principal's name (Kafka's quotas ignore its type) and the header's client id. */
export function quotaClientOf(request: { readonly principal: { readonly name: string }; readonly clientId: string | null }): QuotaClient {
  return { user: request.principal.name, clientId: request.clientId };
}
