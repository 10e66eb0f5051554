/** `npm run openapi`: writes docs/openapi.json from the zod contracts. */
import { writeFile } from 'node:fs/promises';
import { openApiDocument } from '../contracts/openapi.js';

await writeFile(new URL('../docs/openapi.json', import.meta.url), `${JSON.stringify(openApiDocument(), null, 2)}\n`);
process.stdout.write('docs/openapi.json written\n');
