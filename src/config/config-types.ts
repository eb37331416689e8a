// The config-definition types the broker shares with storage, which defines them (storage/config-def.ts), under
// the names src/ has always used.
export type { ConfigKey, ConfigType } from '../../storage';
export { InvalidConfigError as InvalidConfigValueError } from '../../storage';
