import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../../contracts/openapi.js';
import { ROUTE_LIST } from '../../../functions/routes.js';

describe('OpenAPI document', () => {
  it('documents every route the API has, and no route it lacks', () => {
    // Prepare
    // The catch-alls (the console's pages, the API's 404) are no operations of the API.
    const routeKeys = ROUTE_LIST.filter((route) => route.operation !== null).map((route) => route.routeKey);

    // Act
    const paths = (openApiDocument() as { paths: Record<string, Record<string, unknown>> }).paths;
    const documented = Object.entries(paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );

    // Assess
    expect(documented.sort()).toEqual(routeKeys.sort());
  });

  it('is the committed docs/openapi.json: regenerate with npm run openapi after changing a contract', async () => {
    // Prepare
    const committed = JSON.parse(await readFile(new URL('../../../docs/openapi.json', import.meta.url), 'utf8'));

    // Act
    const generated = JSON.parse(JSON.stringify(openApiDocument()));

    // Assess
    expect(committed).toEqual(generated);
  });

  it('rejects unknown fields in request bodies, as the handlers do', () => {
    // Act
    const document = openApiDocument() as { paths: Record<string, Record<string, any>> };
    const create = document.paths['/v1/alerts']?.['post'];

    // Assess
    expect(create.requestBody.content['application/json'].schema.additionalProperties).toBe(false);
    expect(document.paths['/health']?.['get'].security).toEqual([]);
  });
});
