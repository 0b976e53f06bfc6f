import { AjvCompiler } from '@fastify/ajv-compiler';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';

/*
 * Route schemas compiled once per process instead of once per app instance. Fastify gives every
 * instance fresh compilers, so each one compiled every route's validators and serializers again,
 * about a second of CPU, and many schemas are built afresh per instance (inline `Type.Object`s).
 * Compiled code depends only on a schema's JSON content and the compiler's options, so those
 * are the keys: an instance after the first (the suite builds hundreds) reuses the functions,
 * and a schema whose content differs (a limit from the configuration) gets its own.
 */

type CompilerFactory<Args extends unknown[], Route extends { schema?: unknown }, Compiled> = (
  ...args: Args
) => (route: Route) => Compiled;

function sharedByContent<Args extends unknown[], Route extends { schema?: unknown }, Compiled>(
  factory: CompilerFactory<Args, Route, Compiled>,
): CompilerFactory<Args, Route, Compiled> {
  const byOptions = new Map<string, Map<string, Compiled>>();
  return (...args) => {
    const compile = factory(...args);
    const optionsKey = JSON.stringify(args);
    let compiled = byOptions.get(optionsKey);
    if (compiled === undefined) {
      compiled = new Map();
      byOptions.set(optionsKey, compiled);
    }
    const cache = compiled;
    return (route) => {
      const content = JSON.stringify(route.schema);
      if (content === undefined) return compile(route);
      let result = cache.get(content);
      if (result === undefined) {
        result = compile(route);
        cache.set(content, result);
      }
      return result;
    };
  };
}

/** Fastify's `schemaController.compilersFactory`: its own compilers, shared by the process. */
export const processWideCompilers = {
  buildValidator: sharedByContent(AjvCompiler()),
  buildSerializer: sharedByContent(SerializerSelector()),
};
