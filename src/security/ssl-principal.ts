// The principal of a TLS client with a certificate, as Kafka builds it: the subject's distinguished name in the
// RFC 2253 form Java's X500Principal.getName() prints (most specific attribute first, "CN=client,OU=dev,O=acme"),
// passed through ssl.principal.mapping.rules (Kafka's SslPrincipalMapper: DEFAULT keeps the name whole,
// RULE:pattern/replacement/[LU] rewrites a matching name, the first rule that matches wins).
import type { X509Certificate } from 'crypto';
import { SecurityConfigError } from './listener-security';

/** OpenSSL's short names for the attributes Java prints by keyword; any other attribute prints as OID=#hex. */
const JAVA_KEYWORDS: Readonly<Record<string, string>> = { CN: 'CN', C: 'C', L: 'L', ST: 'ST', O: 'O', OU: 'OU', street: 'STREET', DC: 'DC', UID: 'UID' };
/** Attributes Java prints as OID=#<DER>, with the OID and ASN.1 string tag OpenSSL's certificates use for them. */
const OID_ATTRIBUTES: Readonly<Record<string, { readonly oid: string; readonly tag: number }>> = {
  emailAddress: { oid: '1.2.840.113549.1.9.1', tag: 0x16 },
  serialNumber: { oid: '2.5.4.5', tag: 0x13 },
};

function derHex(tag: number, value: string): string {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length > 127) return '';
  return Buffer.concat([Buffer.from([tag, bytes.length]), bytes]).toString('hex');
}

function javaAttribute(line: string): string {
  const eq = line.indexOf('=');
  if (eq <= 0) return line;
  const name = line.slice(0, eq);
  const value = line.slice(eq + 1);
  const keyword = JAVA_KEYWORDS[name];
  if (keyword !== undefined) return `${keyword}=${value}`;
  const oid = OID_ATTRIBUTES[name];
  return oid === undefined ? line : `${oid.oid}=#${derHex(oid.tag, value.replace(/\\(.)/g, '$1'))}`;
}

/** Node prints a subject one attribute per line in certificate order, values RFC 2253-escaped; Java reverses it. */
export function distinguishedName(certificate: X509Certificate): string {
  return certificate.subject
    .split('\n')
    .filter((line) => line.length > 0)
    .map(javaAttribute)
    .reverse()
    .join(',');
}

interface MappingRule {
  readonly text: string;
  apply(name: string): string | null;
}

const DEFAULT_RULE: MappingRule = { text: 'DEFAULT', apply: (name) => name };
const RULE_BODY = /^RULE:((?:\\.|[^\\/])*)\/((?:\\.|[^\\/])*)\/([LU]?)$/;

function parseRule(text: string): MappingRule {
  if (text === 'DEFAULT') return DEFAULT_RULE;
  const m = RULE_BODY.exec(text);
  if (m === null) throw new SecurityConfigError(`Invalid rule in ssl.principal.mapping.rules: ${text}`);
  let pattern: RegExp;
  try {
    pattern = new RegExp(`^(?:${m[1]})$`);
  } catch (err) {
    throw new SecurityConfigError(`Invalid pattern in ssl.principal.mapping.rules rule ${text}: ${(err as Error).message}`);
  }
  const replacement = m[2];
  const caseChange = m[3];
  return {
    text,
    apply: (name) => {
      if (!pattern.test(name)) return null;
      const mapped = name.replace(pattern, replacement);
      return caseChange === 'L' ? mapped.toLowerCase() : caseChange === 'U' ? mapped.toUpperCase() : mapped;
    },
  };
}

/** Splits the rule list on the commas between rules (a comma inside a RULE's pattern or replacement is escaped). */
function splitRules(rules: string): string[] {
  const parts: string[] = [];
  const splitter = /\s*(DEFAULT|RULE:(?:\\.|[^\\/])*\/(?:\\.|[^\\/])*\/[LU]?|[^,]*?)\s*(?:,\s*|$)/gy;
  const text = rules.trim();
  let m: RegExpExecArray | null;
  while (splitter.lastIndex < text.length && (m = splitter.exec(text)) !== null) {
    if (m[0].length === 0) break;
    if (m[1].length > 0) parts.push(m[1]);
  }
  return parts;
}

export type PrincipalMapper = (distinguishedName: string) => string;

/** Builds the mapper once per listener; throws on a malformed rule so a bad config fails the start. */
export function principalMapper(rules: string): PrincipalMapper {
  const parsed = splitRules(rules).map(parseRule);
  return (dn) => {
    for (const rule of parsed) {
      const name = rule.apply(dn);
      if (name !== null) return name;
    }
    throw new SecurityConfigError(`No rules apply to ${dn}, rules ${parsed.map((r) => r.text).join(',')}`);
  };
}
