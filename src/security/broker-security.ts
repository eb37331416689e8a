// Everything security the broker sets up at start, per listener: its protocol, its TLS context and client-auth
// mode, its SASL mechanisms, and how a client certificate becomes a principal; plus the SCRAM credential store the
// SCRAM APIs and logins share. Reading it all at start means a missing file or a bad rule stops the start with a
// message instead of failing the first client. The SASL, TLS and ACL modules are required only when a listener or
// the config asks for them: a PLAINTEXT broker, the common case, starts without compiling or running them.
import type { BrokerConfig } from '../config/broker-config';
import { BrokerConfigKeys as K } from '../config/broker-config';
import type { Logger } from '../logger';
import { isSasl, isTls, listenerSetting, securityProtocolOf, type SecurityProtocol } from './listener-security';
import type { ListenerSasl } from './listener-sasl';
import { credentialFromPassword, type ScramMechanism } from './sasl/scram-crypto';
import { ScramCredentialStore } from './scram-store';
import type { AclAuthorizer } from './authorizer';
import { AUTHORIZER_CLASS_CONFIG } from './authorizer-config';
import { principalMapper, type PrincipalMapper } from './ssl-principal';
import type { ListenerTls } from './tls-options';
import { readUsersFile, USERS_FILE_CONFIG } from './users-file';
import { openClientQuotas, type ClientQuotas } from './quotas/client-quotas';

function loadSasl(): typeof import('./listener-sasl') {
  return require('./listener-sasl') as typeof import('./listener-sasl');
}

function loadTls(): typeof import('./tls-options') {
  return require('./tls-options') as typeof import('./tls-options');
}

function loadAuthorizer(): typeof import('./authorizer') {
  return require('./authorizer') as typeof import('./authorizer');
}

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
        tls: isTls(protocol) ? loadTls().listenerTls(config, name) : null,
        sasl: isSasl(protocol) ? loadSasl().listenerSasl(config, name, scram, fileUsers) : null,
        certificatePrincipal: principalMapper(listenerSetting(config, name, K.SSL_PRINCIPAL_MAPPING_RULES) ?? 'DEFAULT'),
      });
    }
    if (fileUsers.size > 0) logger.info({ users: fileUsers.size, file: usersFile }, 'users file read');
    const windows = { samples: config.get(K.QUOTA_WINDOW_NUM), windowMs: config.get(K.QUOTA_WINDOW_SIZE_SECONDS) * 1000 };
    // authorizer.class.name unset (fromConfig's null) needs no ACL code; set, fromConfig checks and loads it.
    const authorizer =
      (config.explicit(AUTHORIZER_CLASS_CONFIG)?.trim() ?? '') === '' ? null : loadAuthorizer().AclAuthorizer.fromConfig(config, dataDir, logger);
    return new BrokerSecurity(scram, openClientQuotas(dataDir, windows, logger), authorizer, byName);
  }

  listener(name: string): ListenerSecurity {
    const found = this.byName.get(name);
    if (found === undefined) throw new Error(`no security set up for listener ${name}`);
    return found;
  }
}
