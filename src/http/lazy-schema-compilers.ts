// Fastify compiles every route's request validators (ajv) and response serializers (fast-json-stringify) when the
// application becomes ready: about a hundred generated functions, most of the ~20 MB the HTTP application added to
// the broker's memory and much of the time its first request waited, for routes a given user never calls (a
// Prometheus scraper calls one). These compiler factories hand fastify stand-ins that compile a route's function
// on its first call, with fastify's own compilers, so a route costs memory only once it is used and behaves as before.
import * as path from 'path';
import type { FastifyServerOptions } from 'fastify';

/** Fastify's option type; its function types are ajv's, which the stand-ins only forward. */
type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;

/** Fastify reads `errors` off the function after a call that returned false (ajv's convention). */
type ValidatorFunction = ((data: unknown) => unknown) & { errors?: unknown };
type SerializerFunction = (data: unknown) => string;

/** The route definition (schema, method, url, part or status) is passed through to fastify's compiler as it came. */
type ValidatorCompiler = (route: unknown) => ValidatorFunction;
type SerializerCompiler = (route: unknown) => SerializerFunction;
type ValidatorFactory = (externalSchemas: unknown, ajvOptions: unknown) => ValidatorCompiler;
type SerializerFactory = (externalSchemas: unknown, serializerOptions: unknown) => SerializerCompiler;

/**
 * Fastify's default compiler packages, resolved from fastify's own directory so that the versions are the ones it
 * would load itself (they are its dependencies, not Eddy's).
 */
function fastifyDependency<T>(name: string): T {
  const fastifyDir = path.dirname(require.resolve('fastify'));
  return require(require.resolve(name, { paths: [fastifyDir] })) as T;
}

/** A validator that compiles on its first call and forwards the compiled function's errors. */
export function lazyValidator(compile: () => ValidatorFunction): ValidatorFunction {
  let compiled: ValidatorFunction | undefined;
  const validate: ValidatorFunction = (data) => {
    compiled ??= compile();
    const result = compiled(data);
    validate.errors = compiled.errors;
    return result;
  };
  return validate;
}

/** A serializer that compiles on its first call. */
export function lazySerializer(compile: () => SerializerFunction): SerializerFunction {
  let compiled: SerializerFunction | undefined;
  return (data) => (compiled ??= compile())(data);
}

/** The `schemaController.compilersFactory` option of Fastify(): fastify's compilers, each route's run on first use. */
export function lazyCompilersFactory(): CompilersFactory {
  let validatorFactory: ValidatorFactory | undefined;
  let serializerFactory: SerializerFactory | undefined;
  const factory: { buildValidator: ValidatorFactory; buildSerializer: SerializerFactory } = {
    buildValidator: (externalSchemas, ajvOptions) => {
      let compiler: ValidatorCompiler | undefined;
      const real = (): ValidatorCompiler => {
        validatorFactory ??= fastifyDependency<() => ValidatorFactory>('@fastify/ajv-compiler')();
        return (compiler ??= validatorFactory(externalSchemas, ajvOptions));
      };
      return (route) => lazyValidator(() => real()(route));
    },
    buildSerializer: (externalSchemas, serializerOptions) => {
      let compiler: SerializerCompiler | undefined;
      const real = (): SerializerCompiler => {
        serializerFactory ??= fastifyDependency<() => SerializerFactory>('@fastify/fast-json-stringify-compiler')();
        return (compiler ??= serializerFactory(externalSchemas, serializerOptions));
      };
      return (route) => lazySerializer(() => real()(route));
    },
  };
  return factory as unknown as CompilersFactory;
}
