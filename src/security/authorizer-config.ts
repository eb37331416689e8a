// The ACL authorizer's config keys, apart from the authorizer (authorizer.ts): the broker reads
// authorizer.class.name at start to know whether it needs the authorizer, and loads the ACL code only then.
export const AUTHORIZER_CLASS_CONFIG = 'authorizer.class.name';
export const SUPER_USERS_CONFIG = 'super.users';
export const ALLOW_EVERYONE_CONFIG = 'allow.everyone.if.no.acl.found';
/** The class names that turn the authorizer on: KRaft's standard one, and ZooKeeper-era Kafka's. */
export const AUTHORIZER_CLASSES: readonly string[] = ['org.apache.kafka.metadata.authorizer.StandardAuthorizer', 'kafka.security.authorizer.AclAuthorizer'];
