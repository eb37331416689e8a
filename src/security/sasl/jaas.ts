// Kafka's sasl.jaas.config values: `<LoginModule class> <flag> key="value" key2=value2;`. The broker takes the
// options of the module for a mechanism: PLAIN's user_<name>="<password>" entries, OAUTHBEARER's
// unsecuredValidator* options.
import { SecurityConfigError } from '../listener-security';

export interface JaasEntry {
  readonly loginModule: string;
  readonly options: ReadonlyMap<string, string>;
}

const FLAGS = new Set(['required', 'requisite', 'sufficient', 'optional']);
const TOKEN = /\s*("((?:\\.|[^"\\])*)"|[^\s=;"]+|=|;)/y;

function tokens(text: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const start = TOKEN.lastIndex;
    const m = TOKEN.exec(text);
    if (m === null) {
      if (text.slice(start).trim().length === 0) break;
      throw new SecurityConfigError('sasl.jaas.config could not be parsed: unbalanced quotes or stray characters');
    }
    out.push(m[2] !== undefined ? `\0${m[2].replace(/\\(.)/g, '$1')}` : m[1]);
  }
  return out;
}

/** Parses one or more login module entries. Values are never echoed in errors: they hold passwords. */
export function parseJaasConfig(text: string): JaasEntry[] {
  const parts = tokens(text);
  const entries: JaasEntry[] = [];
  let at = 0;
  const unquote = (t: string): string => (t.startsWith('\0') ? t.slice(1) : t);
  while (at < parts.length) {
    const loginModule = unquote(parts[at++]);
    const flag = parts[at++];
    if (flag === undefined || !FLAGS.has(flag.toLowerCase())) {
      throw new SecurityConfigError(`sasl.jaas.config: login module ${loginModule} needs a control flag (required, requisite, sufficient, optional)`);
    }
    const options = new Map<string, string>();
    while (at < parts.length && parts[at] !== ';') {
      const key = unquote(parts[at]);
      if (parts[at + 1] !== '=' || parts[at + 2] === undefined || parts[at + 2] === ';') {
        throw new SecurityConfigError(`sasl.jaas.config: option ${key} of ${loginModule} needs a value`);
      }
      options.set(key, unquote(parts[at + 2]));
      at += 3;
    }
    if (parts[at] !== ';') throw new SecurityConfigError(`sasl.jaas.config: the entry for ${loginModule} must end with ";"`);
    at++;
    entries.push({ loginModule, options });
  }
  return entries;
}

/** PLAIN's users: the user_<name>="<password>" options. */
export function plainUsers(entries: readonly JaasEntry[]): Map<string, string> {
  const users = new Map<string, string>();
  for (const entry of entries) {
    for (const [key, value] of entry.options) if (key.startsWith('user_')) users.set(key.slice('user_'.length), value);
  }
  return users;
}
