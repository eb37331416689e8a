// The users file (--users-file, EDDY_USERS_FILE): one `name=password` a line, `#` comments, for dev setups that
// want a few users without writing JAAS. Its users log in with PLAIN on every SASL listener and with SCRAM-SHA-256
// and SCRAM-SHA-512 (credentials salted in memory at start; ones set through AlterUserScramCredentials win).
import * as fs from 'fs';
import { SecurityConfigError } from './listener-security';

/** The broker config key that carries the file's path (not a Kafka key: Kafka has no users file). */
export const USERS_FILE_CONFIG = 'eddy.users.file';

export function parseUsersFile(text: string, source: string): Map<string, string> {
  const users = new Map<string, string>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line.length === 0 || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new SecurityConfigError(`${source} line ${index + 1}: expected name=password`);
    users.set(line.slice(0, eq).trim(), line.slice(eq + 1));
  });
  return users;
}

export function readUsersFile(file: string): Map<string, string> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new SecurityConfigError(`Cannot read the users file ${file}: ${(err as Error).message}`);
  }
  return parseUsersFile(text, file);
}
