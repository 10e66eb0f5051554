// Loaded as a module: browsers without module support get the page as HTML and CSS alone, which works.
import { initAll } from './govuk-frontend.min.js';
import { startTimeoutWarning } from './timeout-warning.mjs';

initAll();
startTimeoutWarning(document);
