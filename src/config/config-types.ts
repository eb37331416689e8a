// Shared shapes for Kafka-style configuration definitions (broker and topic). DescribeConfigs reports from
// these tables, so names, types and defaults follow Apache Kafka.

export type ConfigType = 'boolean' | 'string' | 'int' | 'short' | 'long' | 'double' | 'list' | 'class' | 'password';

export interface ConfigDefinition {
  readonly name: string;
  readonly type: ConfigType;
  /** Kafka's default as DescribeConfigs shows it; null when Kafka has none. */
  readonly defaultValue: string | null;
  readonly readOnly: boolean;
  readonly sensitive?: boolean;
  /** Accepted values for enumerations, checked on alter. */
  readonly validValues?: readonly string[];
  readonly min?: number;
}

export class InvalidConfigValueError extends Error {
  constructor(
    readonly configName: string,
    message: string,
  ) {
    super(message);
  }
}

/** Checks a raw string against the definition's type and constraints; throws InvalidConfigValueError. */
export function validateConfigValue(def: ConfigDefinition, value: string): void {
  const fail = (why: string): never => {
    throw new InvalidConfigValueError(def.name, `Invalid value ${value} for configuration ${def.name}: ${why}`);
  };
  switch (def.type) {
    case 'boolean':
      if (value !== 'true' && value !== 'false') fail('Expected value to be either true or false');
      break;
    case 'int':
    case 'short':
    case 'long': {
      if (!/^-?\d+$/.test(value.trim())) fail('Not a number of type ' + def.type.toUpperCase());
      const n = Number(value);
      if (def.type === 'int' && (n < -2147483648 || n > 2147483647)) fail('Not a number of type INT');
      if (def.min !== undefined && n < def.min) fail(`Value must be at least ${def.min}`);
      break;
    }
    case 'double':
      if (Number.isNaN(Number(value))) fail('Not a number of type DOUBLE');
      if (def.min !== undefined && Number(value) < def.min) fail(`Value must be at least ${def.min}`);
      break;
    default:
      break;
  }
  if (def.validValues) {
    const parts = def.type === 'list' ? value.split(',').map((s) => s.trim()) : [value];
    for (const part of parts) {
      if (!def.validValues.includes(part)) fail(`String must be one of: ${def.validValues.join(', ')}`);
    }
  }
}
