/**
 * nunjucks' slim build: the runtime (Environment, Template, loaders, filters) without the lexer, parser and
 * compiler, which renders only templates compiled beforehand. Declared with only what it has and the console
 * uses, so a call the slim build cannot make (renderString, compile, precompile) does not type-check.
 */
declare module 'nunjucks/browser/nunjucks-slim.js' {
  import type { ConfigureOptions } from 'nunjucks';

  /** A loader of compiled templates: each source is the compiled code's root object, not template text. */
  export type CompiledLoader = {
    getSource(name: string): { src: { type: 'code'; obj: unknown }; path: string; noCache: boolean } | null;
    isRelative(name: string): boolean;
    resolve(from: string, to: string): string;
  };

  export class Environment {
    constructor(loader: CompiledLoader, options?: ConfigureOptions);
    addGlobal(name: string, value: unknown): this;
    addFilter(name: string, filter: (...args: never[]) => unknown): this;
    render(name: string, context?: object): string;
  }

  const nunjucks: { readonly Environment: typeof Environment };
  export default nunjucks;
}
