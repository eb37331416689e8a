// Everything security the broker sets up at start, per listener: its protocol, its TLS context and client-auth
// mode, its SASL mechanisms, and how a client certificate becomes a principal; plus the SCRAM credential store the
// SCRAM APIs and logins share. Reading it all at start means a missing file or a bad rule stops the start with a
// message instead of failing the first client.
import type { BrokerConfig } from '../config/broker-config';
import { BrokerConfigKeys as K } from '../config/broker-config';
import type { Logger } from '../logger';
import { isSasl, isTls, listenerSetting, securityProtocolOf, type SecurityProtocol } from './listener-security';
import { listenerSasl, type ListenerSasl } from './listener-sasl';
import { credentialFromPassword, type ScramMechanism } from './sasl/scram-crypto';
import { ScramCredentialStore } from './scram-store';
import { AclAuthorizer } from './authorizer';
import { principalMapper, type PrincipalMapper } from './ssl-principal';
import { listenerTls, type ListenerTls } from './tls-options';
import { readUsersFile, USERS_FILE_CONFIG } from './users-file';
import { openClientQuotas, type ClientQuotas } from './quotas/client-quotas';

export interface ListenerSecurity {
  readonly name: string;
  readonly protocol: SecurityProtocol;
  /** For SSL and SASL_SSL listeners. */
  readonly tls: ListenerTls | null;
  /** For SASL_PLAINTEXT and SASL_SSL listeners. */
  readonly sasl: ListenerSasl | null;
  /** Turns a client certificate's subject into a principal name (ssl.principal.mapping.rules). */
  readonly certificatePrincipal: PrincipalMapper;
}

const SCRAM_MECHANISMS: readonly ScramMechanism[] = ['SCRAM-SHA-256', 'SCRAM-SHA-512'];

export class BrokerSecurity {
  private constructor(
    readonly scram: ScramCredentialStore,
    /** Client quotas, stored in the data dir beside the SCRAM credentials. */
    readonly quotas: ClientQuotas,
    /** The ACL authorizer authorizer.class.name asks for; null when it names none. */
    readonly authorizer: AclAuthorizer | null,
    private readonly byName: ReadonlyMap<string, ListenerSecurity>,
  ) {}

  /** `dataDir` null keeps SCRAM credentials in memory only. */
  static build(config: BrokerConfig, listenerNames: readonly string[], dataDir: string | null, logger: Logger): BrokerSecurity {
    const scram = ScramCredentialStore.open(dataDir, logger);
    const usersFile = config.explicit(USERS_FILE_CONFIG);
    const fileUsers = usersFile === undefined ? new Map<string, string>() : readUsersFile(usersFile);
    for (const [user, password] of fileUsers) {
      for (const mechanism of SCRAM_MECHANISMS) scram.addFileUser(user, mechanism, credentialFromPassword(mechanism, password));
    }
    const byName = new Map<string, ListenerSecurity>();
    for (const name of listenerNames) {
      const protocol = securityProtocolOf(config, name);
      byName.set(name, {
        name,
        protocol,
        tls: isTls(protocol) ? listenerTls(config, name) : null,
        sasl: isSasl(protocol) ? listenerSasl(config, name, scram, fileUsers) : null,
        certificatePrincipal: principalMapper(listenerSetting(config, name, K.SSL_PRINCIPAL_MAPPING_RULES) ?? 'DEFAULT'),
      });
    }
    if (fileUsers.size > 0) logger.info({ users: fileUsers.size, file: usersFile }, 'users file read');
    const windows = { samples: config.get(K.QUOTA_WINDOW_NUM), windowMs: config.get(K.QUOTA_WINDOW_SIZE_SECONDS) * 1000 };
    return new BrokerSecurity(scram, openClientQuotas(dataDir, windows, logger), AclAuthorizer.fromConfig(config, dataDir, logger), byName);
  }

  listener(name: string): ListenerSecurity {
    const found = this.byName.get(name);
    if (found === undefined) throw new Error(`no security set up for listener ${name}`);
    return found;
  }
}
