/**
 * nunjucks' environment module: the runtime (Environment, Template, loaders, filters) that renders templates
 * compiled beforehand. Declared with only what the console uses, so a call that would need the compiler the
 * console's bundle leaves out (renderString, compile, precompile) does not type-check.
 */
declare module 'nunjucks/src/environment.js' {
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
}
