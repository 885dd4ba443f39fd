// zod, as the protocol's schemas use it. zod compiles fast validators with `new Function` when it
// may; in a browser, under a Content-Security-Policy without 'unsafe-eval' (the License Manager's
// pages, and a vendor's), its probe would be reported as a violation, so there it is told not to try.
// Set here, where the schemas load, rather than at a page's start: a page that parses nothing with
// zod (the home page's first view) then loads none of it. Node keeps the compiled validators.
import { config, z } from 'zod';

const inBrowser =
	typeof (globalThis as { document?: unknown }).document !== 'undefined' ||
	typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined';
if (inBrowser) config({ jitless: true });

export { z };
