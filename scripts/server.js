// The production server: SvelteKit's request handler (adapter-node's `build/handler.js`) in a plain
// node:http server, so that every answer — prerendered pages and static files too, which never reach
// the app's hooks — carries the security headers. It keeps the adapter's settings: PORT, HOST,
// KEEP_ALIVE_TIMEOUT, HEADERS_TIMEOUT (seconds) and SHUTDOWN_TIMEOUT (seconds: on SIGTERM or SIGINT it
// stops accepting, lets the requests in flight finish, then closes the database).
import { createServer } from 'node:http';
import process from 'node:process';
import { pathToFileURL } from 'node:url';
import { join, resolve } from 'node:path';
import { hostname } from 'node:os';
import { pino } from 'pino';
import { securityHeaders } from '../src/lib/server/http/security-headers.js';

// The same JSON lines as the app's own logger (src/lib/server/observability/logger.ts).
const log = pino({
	level: process.env.LOG_LEVEL ?? 'info',
	base: { node: process.env.NODE_NAME?.trim() || hostname() },
	timestamp: pino.stdTimeFunctions.isoTime
});

const root = resolve(import.meta.dirname, '..');
const buildDir = resolve(root, process.env.AIRLOCK_BUILD_DIR ?? 'build');
const { handler } = await import(pathToFileURL(join(buildDir, 'handler.js')).href);

const headers = Object.entries(securityHeaders(process.env.ORIGIN));
/** @param {string | undefined} value @param {number} fallback */
const seconds = (value, fallback) => {
	const parsed = Number(value);
	return Number.isFinite(parsed) && parsed >= 0 ? parsed : fallback;
};

/** Whether the path's %-escapes decode, as SvelteKit decodes them to find the route. */
function pathDecodes(/** @type {string} */ url) {
	try {
		url
			.split('?')[0]
			.split('%25')
			.forEach((part) => decodeURI(part));
		return true;
	} catch {
		return false;
	}
}

const server = createServer((req, res) => {
	// Set before the handler writes its own: the app's hooks may set a header of the same name, and
	// writeHead merges these with its own (its own win).
	for (const [name, value] of headers) res.setHeader(name, value);
	if (!pathDecodes(req.url ?? '/')) {
		// SvelteKit would answer this in text before any of the app's checks: answer as the API does.
		res.writeHead(400, { 'content-type': 'application/json', 'cache-control': 'no-store' });
		res.end(
			JSON.stringify({
				error: { code: 'malformed_path', message: 'The address holds a malformed %-escape. Check the link.' }
			})
		);
		return;
	}
	handler(req, res, () => {
		res.statusCode = 404;
		res.end('Not found');
	});
});
server.keepAliveTimeout = seconds(process.env.KEEP_ALIVE_TIMEOUT, 5) * 1000;
server.headersTimeout = seconds(process.env.HEADERS_TIMEOUT, 60) * 1000;

const host = process.env.HOST ?? '0.0.0.0';
const port = Number(process.env.PORT ?? 3000);
server.listen({ host, port }, () => log.info({ host, port }, `listening on http://${host}:${port}`));

let stopping = false;
/** @param {NodeJS.Signals} signal */
function shutDown(signal) {
	if (stopping) return;
	stopping = true;
	log.info({ signal }, 'stopping: finishing the requests in flight, then closing the database');
	// Idle kept-alive connections would hold close() open until they time out.
	server.closeIdleConnections();
	const force = setTimeout(
		() => server.closeAllConnections(),
		seconds(process.env.SHUTDOWN_TIMEOUT, 30) * 1000
	);
	force.unref();
	server.close(() => {
		// The app closes its database on this event (src/hooks.server.ts), as with adapter-node's entry;
		// the process then ends by itself. Should anything still hold it, it ends anyway.
		process.emit(/** @type {NodeJS.Signals} */ ('sveltekit:shutdown'), signal);
		setTimeout(() => process.exit(0), 10_000).unref();
	});
}
// Connections that become idle while stopping are closed at once, so they take no new request.
server.on('request', (req) => req.on('close', () => stopping && server.closeIdleConnections()));
process.on('SIGTERM', shutDown);
process.on('SIGINT', shutDown);
