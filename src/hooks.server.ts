import type { Handle, HandleServerError, RequestEvent, ServerInit } from '@sveltejs/kit';
import { errorResponse, fail } from '$lib/server/http/api-error';
import { DATABASE_UNAVAILABLE } from '$lib/server/health/health.service';
import { isCrossSiteRequest } from '$lib/server/http/same-origin';
import { readSessionCookie } from '$lib/server/http/session-cookie';
import { closeServerContext, getServerContext } from '$lib/server/context';
import { securityHeaders } from '$lib/server/http/security-headers.js';
import { scheduleHousekeeping } from '$lib/server/housekeeping';
import { announceServer } from '$lib/server/db/running-server';
import { sessionFromToken } from '$lib/server/accounts/auth.service';
import type { ServerContext } from '$lib/server/context';
import { API_PREFIX } from '$lib/protocol/api';
import { building } from '$app/environment';
import { logger } from '$lib/server/observability/logger';
import { metrics } from '$lib/server/observability/metrics';

const SECURITY_HEADERS = securityHeaders(process.env.ORIGIN);

/** Migrates the database, loads the signing key and seeds the demo data at start-up, not on first use. */
export const init: ServerInit = async () => {
	// Prerendering at build time runs this too: the build must not create a database.
	if (building) return;
	const { db, config } = await getServerContext();
	scheduleHousekeeping(db, { auditRetentionMs: config.auditRetentionMs });
	// `restore` refuses to replace the SQLite file under a running server.
	const withdraw = config.database.kind === 'sqlite' ? announceServer(config.dataDir) : () => {};
	// Sent by the server entry once the requests in flight are answered (graceful shutdown).
	process.once('sveltekit:shutdown', () => {
		withdraw();
		closeServerContext().catch((error: unknown) =>
			logger.error({ err: error }, 'closing the database failed')
		);
	});
};

/** The process's context, or null when it cannot be opened (the database does not answer). */
async function serverContext(): Promise<ServerContext | null> {
	try {
		return await getServerContext();
	} catch (error) {
		logger.error({ err: error }, 'the server cannot open its database');
		metrics.databaseErrors.inc({ kind: 'unavailable' });
		return null;
	}
}

/**
 * Whether the request is for the API, however its path is written: SvelteKit routes a path after
 * decoding its escapes (`/%61pi/v1/session` is `/api/v1/session`), so the checks must see it decoded.
 */
function isApiRequest(event: RequestEvent): boolean {
	if (event.route.id?.startsWith(`${API_PREFIX}/`)) return true;
	let path = event.url.pathname;
	try {
		path = decodeURI(path);
	} catch {
		// A malformed escape never reaches a route (the server entry answers it); keep the raw path.
	}
	return path.startsWith(`${API_PREFIX}/`);
}

/** The API's checks before any route: same origin, a database, who is signed in. */
async function answerApi(event: RequestEvent, resolve: Parameters<Handle>[0]['resolve']): Promise<Response> {
	if (isCrossSiteRequest(event.request, event.url)) {
		return fail('cross_site_request', 'This request came from another site and was refused.');
	}
	const server = await serverContext();
	if (!server) return errorResponse(DATABASE_UNAVAILABLE);
	event.locals.server = server;
	const token = readSessionCookie(event.cookies, event.url);
	if (token) {
		const session = await sessionFromToken(server.db, token, Date.now());
		event.locals.account = session?.account ?? null;
	}
	const response = await resolve(event);
	if (response.status === 405 && !response.headers.get('content-type')?.includes('json')) {
		// SvelteKit's own answer for a method a route does not have is text: the API answers in JSON.
		const allow = response.headers.get('allow') ?? '';
		return errorResponse(
			{
				code: 'method_not_allowed',
				message: `This address does not take ${event.request.method} requests (it takes ${allow}).`
			},
			{ allow }
		);
	}
	return response;
}

/** A proxy's request id is kept when it is a plain token; otherwise the server makes one. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

function requestIdOf(request: Request): string {
	const given = request.headers.get('x-request-id');
	return given && REQUEST_ID.test(given) ? given : crypto.randomUUID();
}

export const handle: Handle = async ({ event, resolve }) => {
	const started = performance.now();
	event.locals.account = null;
	event.locals.requestId = requestIdOf(event.request);
	const api = isApiRequest(event);
	const response = api ? await answerApi(event, resolve) : await resolve(event);
	for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
		if (!response.headers.has(name)) response.headers.set(name, value);
	}
	if (api) response.headers.set('cache-control', 'no-store');
	response.headers.set('x-request-id', event.locals.requestId);

	const seconds = (performance.now() - started) / 1000;
	// The route's id, not the path: a bounded set of labels, and no license number in them.
	const route = event.route.id ?? 'unmatched';
	const method = event.request.method;
	metrics.requests.inc({ route, method, status: response.status });
	metrics.requestSeconds.observe({ route, method }, seconds);
	logger.info(
		{
			requestId: event.locals.requestId,
			method,
			route,
			status: response.status,
			ms: Math.round(seconds * 1e4) / 10,
			client: clientAddressOf(event),
			account: signedInAccount(event.locals)
		},
		'request'
	);
	return response;
};

/** Read through a function: the compiler would keep `account` narrowed to the null set above. */
function signedInAccount(locals: App.Locals): string | undefined {
	return locals.account?.id;
}

function clientAddressOf(event: RequestEvent): string | undefined {
	try {
		return event.getClientAddress();
	} catch {
		return undefined;
	}
}

export const handleError: HandleServerError = ({ error, event, status }) => {
	if (status >= 500)
		logger.error(
			{ requestId: event.locals.requestId, method: event.request.method, route: event.route.id, err: error },
			'request failed'
		);
	return {
		message: status === 404 ? 'Not found' : 'Something went wrong on the server.',
		code: status === 404 ? 'not_found' : 'internal_error'
	};
};
