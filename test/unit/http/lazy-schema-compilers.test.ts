// The HTTP app compiles a route's validators and serializers on first use (src/http/lazy-schema-compilers.ts):
// requests must be validated, refused and answered exactly as with fastify's eager compilers.
import Fastify, { type FastifyInstance } from 'fastify';
import { lazyCompilersFactory, lazySerializer, lazyValidator } from '../../../src/http/lazy-schema-compilers';

async function appWithLazyCompilers(): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, schemaController: { compilersFactory: lazyCompilersFactory() } });
  app.post(
    '/items/:id',
    {
      schema: {
        params: { type: 'object', properties: { id: { type: 'integer', minimum: 0 } }, required: ['id'] },
        body: { type: 'object', properties: { name: { type: 'string', maxLength: 5 } }, required: ['name'], additionalProperties: false },
        response: { 200: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' } } } },
      },
    },
    (request) => {
      const { id } = request.params as { id: number };
      const { name } = request.body as { name: string };
      // `secret` is not in the response schema: the serializer must drop it.
      return { id, name, secret: 'not serialized' };
    },
  );
  await app.ready();
  return app;
}

/** A POST over a real socket (app.inject loads an ES module jest's CommonJS runtime cannot). */
async function post(url: string, body: unknown): Promise<{ statusCode: number; json: Record<string, unknown> }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { statusCode: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('lazy schema compilers', () => {
  let app: FastifyInstance;
  let url: string;
  beforeAll(async () => {
    app = await appWithLazyCompilers();
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app.close();
  });

  test('a valid request is coerced, handled and serialized by the response schema', async () => {
    const response = await post(`${url}/items/7`, { name: 'abc' });
    expect(response.statusCode).toBe(200);
    expect(response.json).toEqual({ id: 7, name: 'abc' });
  });

  test('an invalid body or parameter is refused with 400 and the validator’s message', async () => {
    const badBody = await post(`${url}/items/7`, { name: 'too long' });
    expect(badBody.statusCode).toBe(400);
    expect(badBody.json.message).toContain('body/name must NOT have more than 5 characters');
    const badParam = await post(`${url}/items/x`, { name: 'a' });
    expect(badParam.statusCode).toBe(400);
    expect(badParam.json.message).toContain('params/id must be integer');
  });

  test('nothing is compiled before the first call, and only once', () => {
    let compiles = 0;
    const validate = lazyValidator(() => {
      compiles++;
      const real = (data: unknown): boolean => {
        real.errors = data === 1 ? null : [{ message: 'not one' }];
        return data === 1;
      };
      real.errors = null as unknown;
      return real;
    });
    const serialize = lazySerializer(() => {
      compiles++;
      return (data) => JSON.stringify(data);
    });
    expect(compiles).toBe(0);
    expect(validate(2)).toBe(false);
    expect(validate.errors).toEqual([{ message: 'not one' }]);
    expect(validate(1)).toBe(true);
    expect(validate.errors).toBeNull();
    expect(serialize({ a: 1 })).toBe('{"a":1}');
    expect(serialize({ a: 2 })).toBe('{"a":2}');
    expect(compiles).toBe(2);
  });
});
