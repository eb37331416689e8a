// Small builders for the JSON schemas of the console API's routes. fastify validates requests against them and
// serialises answers through them, and @fastify/swagger turns them into the OpenAPI document, so each route's
// schema is the one description of its input and output.

/** A JSON schema as fastify and OpenAPI 3.1 read it. */
export type JsonSchema = Readonly<Record<string, unknown>>;

export const str: JsonSchema = { type: 'string' };
export const int: JsonSchema = { type: 'integer' };
export const bool: JsonSchema = { type: 'boolean' };
export const nullableStr: JsonSchema = { type: ['string', 'null'] };
export const nullableInt: JsonSchema = { type: ['integer', 'null'] };
export const anyJson: JsonSchema = {};

export function described(schema: JsonSchema, description: string): JsonSchema {
  return { ...schema, description };
}

export function arrayOf(items: JsonSchema): JsonSchema {
  return { type: 'array', items };
}

/** An object whose listed properties are all required unless named in `optional`. */
export function obj(properties: Readonly<Record<string, JsonSchema>>, optional: readonly string[] = []): JsonSchema {
  return { type: 'object', properties, required: Object.keys(properties).filter((k) => !optional.includes(k)) };
}

/** A request body or query: properties it does not name are dropped (fastify removes them) before a handler sees it. */
export function strictObj(properties: Readonly<Record<string, JsonSchema>>, optional: readonly string[] = []): JsonSchema {
  return { ...obj(properties, optional), additionalProperties: false };
}

export function stringEnum(values: readonly string[]): JsonSchema {
  return { type: 'string', enum: values };
}

/** Confluent's error body. */
export const errorBody: JsonSchema = obj({ error_code: int, message: str });

/** The error answers every route may give, for the OpenAPI document. */
export const errorResponses: Readonly<Record<string, JsonSchema>> = {
  '4xx': { ...errorBody, description: 'The request was refused: { error_code, message }' },
  '5xx': { ...errorBody, description: 'The broker could not answer: { error_code, message }' },
};
