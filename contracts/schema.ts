// How every contract module declares a schema, so that a Lambda function carries only the schemas it uses
// and builds each on its first use, not at import (issue 11, cold start). Building zod schemas was most of
// what importing a function cost beyond its AWS clients, and a function uses few of them, none of them
// before its first request.
//
//     export const Name = /* @__PURE__ */ schema(() => z.object({ ... }));
//
// Two things follow from writing a schema so:
// - esbuild keeps a top-level `const X = z.object(...)` whether or not X is used, because it cannot know that
//   calling zod has no side effects. A call marked /* @__PURE__ */ whose arguments have none (a function
//   expression has none) it drops when the result is unused: a bundle carries only the schemas its code
//   reaches, directly or through another schema.
// - schema() returns a stand-in that becomes the schema the first time anything touches it (a parse, a
//   property, another schema being built around it). Everything a schema does and is, the stand-in then does
//   and is, the same object throughout: the handlers, the OpenAPI document (z.toJSONSchema, which tells
//   schemas apart by identity) and the HTTP tests' contract check see no difference, and the exported names
//   and types stay what they were.
//
// The rule for a contracts file: every top-level declaration whose value calls anything (zod, or a helper
// that builds a schema) is wrapped so; plain constants (`['A', 'B'] as const`, template text) and helper
// functions (`const text = (max: number) => ...`) are not. test/bench/bundle-contents.test.ts holds the
// bundles to it.

import { en } from 'zod/locales';
import { config } from 'zod/mini';

// The contracts are written with zod/mini (functions, `z.optional(X)`, `X.check(z.minLength(1))`) rather
// than zod's classic API (methods, `X.optional()`): a classic schema carries every method of every kind of
// schema, so a bundle that uses one carries all of classic zod (about 100 KB minified, a quarter of what a
// function's import cost beyond its AWS clients), where zod/mini's functions are left out when unused
// (issue 11, cold start). The schemas, their parsing and their issues are zod's core either way. Classic
// zod sets English messages when it loads; zod/mini does not, so it is done here, before any contract is
// built, and the problem responses and the console's error summaries read as before.
config(en());

/** What zod keeps on every schema: the constructor that made it and the definition it made it from. */
type ZodInternals = { readonly _zod: { readonly constr: (this: object, def: unknown) => object; readonly def: unknown } };

function isZodSchema(value: object): value is ZodInternals {
  return '_zod' in value && typeof (value as ZodInternals)._zod?.constr === 'function';
}

/** A stand-in for what `build` returns, made into it on first use; see above. */
export function schema<T extends object>(build: () => T): T {
  const target = {} as T;
  let state: 'waiting' | 'building' | 'built' = 'waiting';
  /** The target, made the schema first if nothing has touched it yet. */
  const ready = (): T => {
    if (state !== 'waiting') return target;
    state = 'building';
    let built: T;
    try {
      built = build();
    } catch (error) {
      state = 'waiting';
      throw error;
    }
    Object.setPrototypeOf(target, Object.getPrototypeOf(built));
    if (isZodSchema(built)) {
      // zod's constructors are plain functions that initialise `this` (its own clone() is `new constr(def)`):
      // run on the stand-in, they make it that schema, so the closures zod keeps refer to the stand-in itself.
      Reflect.apply(built._zod.constr, stand, [built._zod.def]);
    } else {
      // A plain object of schemas (a shape spread into others): its properties are all it is.
      Object.defineProperties(target, Object.getOwnPropertyDescriptors(built));
    }
    state = 'built';
    return target;
  };
  const stand: T = new Proxy(target, {
    get: (_, key, receiver) => Reflect.get(ready(), key, receiver),
    set: (_, key, value, receiver) => Reflect.set(ready(), key, value, receiver),
    has: (_, key) => Reflect.has(ready(), key),
    ownKeys: () => Reflect.ownKeys(ready()),
    getOwnPropertyDescriptor: (_, key) => Reflect.getOwnPropertyDescriptor(ready(), key),
    defineProperty: (_, key, descriptor) => Reflect.defineProperty(ready(), key, descriptor),
    deleteProperty: (_, key) => Reflect.deleteProperty(ready(), key),
    getPrototypeOf: () => Reflect.getPrototypeOf(ready()),
  });
  return stand;
}
