/**
 * Stands in for nunjucks' compiler (and its Express helper) in the console's Lambda bundle (scripts/bundle.ts,
 * NUNJUCKS_RUNTIME_ONLY). nunjucks' environment module requires both, for templates given as text and for
 * Express apps; the console renders only templates compiled before it starts (templates.ts) and has no
 * Express app, so the bundle carries neither the compiler nor its lexer and parser. A template given as
 * text fails with the error below; `express()`, which nothing calls, would fail as not a function.
 */
export function compile(): never {
  throw new Error("The console renders only compiled templates: nunjucks' compiler is not in its bundle");
}
