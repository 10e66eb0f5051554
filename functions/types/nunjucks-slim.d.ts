/**
 * nunjucks' slim build: the runtime (Environment, Template, loaders, filters) without the lexer, parser and
 * compiler, which renders only templates compiled beforehand. Same API as the full package for what it has.
 */
declare module 'nunjucks/browser/nunjucks-slim.js' {
  import nunjucks from 'nunjucks';
  export default nunjucks;
}
