// `npm run bench`: runs every benchmark, prints one table and writes it to docs/PERFORMANCE.md with
// the machine it ran on. Each figure is quoted next to a baseline measured in the same run, so the
// ratios hold on a busy machine. `--check` exits 1 when a target is missed; `--quick` runs shorter
// loads (for a first look; the written figures say which mode made them).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { activationBenchmarks, sizingModel } from './activation.bench';
import { clientBenchmarks } from './client.bench';
import { printTable, type Row } from './measure';
import { protocolBenchmarks } from './protocol.bench';
import { pwaBenchmarks } from './pwa.bench';
import { licenseListBenchmarks } from './license-list.bench';
import { busyDatabaseBenchmarks } from './busy-database.bench';
import { sdkBenchmarks } from './sdk.bench';

const check = process.argv.includes('--check');
const quick = process.argv.includes('--quick');
const started = performance.now();

function chromiumVersion(): string {
	try {
		const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
		return execFileSync(path, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
			.trim()
			.split('\n')[0]!;
	} catch {
		return 'Chromium (version unknown)';
	}
}

const rows: Row[] = [];
const groups: [string, () => Promise<Row[]>][] = [
	['protocol', () => protocolBenchmarks()],
	['pwa', () => pwaBenchmarks({ quick })],
	['client', () => clientBenchmarks()],
	['SDK', () => sdkBenchmarks()],
	['license list', () => licenseListBenchmarks()],
	['activation', () => activationBenchmarks({ connections: 50, seconds: quick ? 5 : 10 })],
	['busy database', () => busyDatabaseBenchmarks()]
];
for (const [name, run] of groups) {
	console.log(`Running the ${name} benchmarks…`);
	rows.push(...(await run()));
}

const cpu = cpus();
const machine = `${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM`;
const environment = [
	`- Date: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
	`- Machine: ${machine} (${process.platform} ${process.arch})`,
	`- Node ${process.version}; ${chromiumVersion()}`,
	`- Mode: ${quick ? '`--quick` (shorter loads)' : 'full'}; total run ${Math.round((performance.now() - started) / 1000)} s`
].join('\n');
const table = printTable(rows);
const missed = rows.filter((row) => row.met === false);

console.log(`\nAirlock benchmarks\n${environment}\n`);
console.log(table);
if (missed.length > 0) console.log(`\nMissed: ${missed.map((row) => row.what).join('; ')}`);

const document = `# Performance

Written by \`npm run bench\` (do not edit by hand; run it again). Each figure is measured next to its
baseline in the same run — the physical limit of this machine for that job — and quoted as a ratio to
it, so the figures hold on a busy machine. \`npm run bench -- --check\` exits non-zero when a target is
missed. Benchmarks are not tests: \`npm test\` has no timed assertions.

${environment}

${table}

## What each row measures

- **Ed25519 sign / verify**: the native path against tweetnacl, the fallback — in Node (the
  server's \`node:crypto\` key objects) and in Chromium (WebCrypto, through the backend the
  License Manager itself picks: the row also checks that it picked the native one).
- **reg.txt + its QR code**: creating and signing a registration request for 4 licenses, formatting
  reg.txt and rendering its QR code as SVG.
- **Offline cold start**: the installed License Manager with the network off; a new page until the
  Active Licenses list is on screen (its heading, and the licenses read from the device: the
  section is no longer aria-busy). Baseline: a static page served by the same service worker.
- **JavaScript for the home page**: every script requested before the first view is painted (the
  app's own list, read from the device, on screen; a first visit, so no snapshot), gzip-compressed.
  Next to it, what the app loads once the list shows (Dexie, the client core), counted apart.
- **Import 1,000 license files**: the License Manager's own import code in Chromium (verify each
  file's signature, decide against what is stored, store in IndexedDB). Baseline: the same 1,000
  records written to IndexedDB in one bare transaction, plus the same signatures verified with bare
  WebCrypto.
- **Flush 10,000 queued operations**: the outbox of a License Manager in Chromium holding 10,000
  queued activations goes online; the time until the server has acknowledged all of them, and the
  server's own count of applied requests (none lost, none doubled).
- **Activations per second**: autocannon, 50 connections, distinct devices with real signed requests,
  through the real HTTP route of the built server (\`POST /api/v1/activations\`, signed in). Baseline:
  a bare \`node:http\` server that only reads the body and signs, same run. Next to it, the same
  server's lightest endpoint (\`GET /api/v1/keys\`) under the same load: the most any route of a
  SvelteKit server can answer on this machine, which bounds what an activation (which also verifies
  the request's signature, writes it to the database and signs the files) can reach.
  On PostgreSQL, two spreads of licenses: 20 licenses of 10,000 seats (every activation contends
  for the same few license rows) and 10,000 licenses of 5 seats (a vendor's usual catalogue).
- **License list with 10,000 licenses**: the store's License list page in Chromium holding 10,000
  licenses; a keystroke in the search until the list on screen shows the result (median and p95),
  against the same page with 100 licenses.
- **check() median**: the SDK's \`check({ product: 'SRV', expansion: 'CLX' })\` with the store open and
  22 licenses on the computer (one with its expansion), 2,000 calls after a warm-up — in Node over the
  license folder (\`nodePlatform\`), in Chromium over IndexedDB (\`browserPlatform\`). Baseline: one
  Ed25519 verification, what a check would cost if it verified the file every time (it verifies each
  file once and keeps the verdict until the file changes).
- **JavaScript for a page that only checks**: a page importing \`openLicenseCheck\` from
  \`airlock/sdk/check\` and \`indexedDbReader\` from \`airlock/sdk/browser\` in the packaged library,
  bundled and minified by esbuild as a vendor's bundler would, gzip-compressed.
- **Busy database**: autocannon with 100 connections for 30 s against activation on SQLite while
  another process takes the write lock every 20 ms: no server error, no \`SQLITE_BUSY\`.
- **Server resident memory**: the server process's resident set (\`VmRSS\`) right after the
  50-connection activation load.

## Sizing model

${sizingModel()}
`;
writeFileSync(fileURLToPath(new URL('../../docs/PERFORMANCE.md', import.meta.url)), document);
console.log('\nWritten to docs/PERFORMANCE.md');
if (check && missed.length > 0) process.exit(1);
