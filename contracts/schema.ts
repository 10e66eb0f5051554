// How every contract module declares a schema, so that a Lambda bundle carries, and builds at import, only
// the schemas its function uses (issue 11, cold start). Building zod schemas is most of what importing the
// contracts costs, and a function uses few of them: create-alert parses CreateAlertRequest, never the
// responses, the other routes' requests or the meetings' schemas.
//
// esbuild keeps a top-level `const X = z.object(...)` whether or not X is used, because it cannot know that
// calling zod has no side effects. A call marked /* @__PURE__ */ whose arguments have none (a function
// expression has none) it drops when the result is unused. So each schema is written
//
//     export const Name = /* @__PURE__ */ schema(() => z.object({ ... }));
//
// and esbuild's tree shaking leaves out every schema that no code of the function reaches, directly or
// through another schema. The schema is built as before, where it is declared, and is the same zod object:
// the handlers, the OpenAPI document and the HTTP tests' contract check see no difference.
//
// The rule for a contracts file: every top-level declaration whose value calls anything (zod, or a helper
// that builds a schema) is wrapped so; plain constants (`['A', 'B'] as const`, template text) and helper
// functions (`const text = (max: number) => ...`) are not. test/bench/bundle-contents.test.ts holds the
// bundles to it: a handler's bundle carries no schema of another route.

/** Returns what `build` returns: a place for the pure annotation, which esbuild reads on calls only. */
export function schema<T>(build: () => T): T {
  return build();
}
