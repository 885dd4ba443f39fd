// The License Manager's HTTP client for /api/v1. Every call ends in one of three outcomes, because
// the UI must tell them apart: the server answered (ok), the server refused with a specific error,
// or the server could not be reached (offline: queue the work, suggest Deferred Activation).
import { apiErrorSchema, type ApiError } from '$lib/protocol/api-error.js';

export type ApiOutcome<T> =
	| { kind: 'ok'; value: T }
	| { kind: 'refused'; status: number; error: ApiError }
	| { kind: 'unreachable'; reason: string };

export interface ApiClientOptions {
	/** The server origin; the page's own origin by default. */
	origin?: string;
	fetch?: typeof globalThis.fetch;
	/** Told after every call whether the server was reachable (for the connectivity indicator). */
	onReachability?: (reachable: boolean) => void;
	timeoutMs?: number;
}

/** What checks an answer: a zod schema or a shape.ts parser. */
export interface ResponseSchema<T> {
	safeParse(value: unknown): { success: true; data: T } | { success: false };
}

/**
 * A schema, or how to load it: most answers are checked with zod schemas, loaded only once an answer
 * arrives, so a page pays for zod when it calls the server for more than its health and keys.
 */
export type SchemaSource<T> = ResponseSchema<T> | (() => Promise<ResponseSchema<T>>);

const DEFAULT_TIMEOUT_MS = 15_000;

function unexpected(status: number): ApiError {
	return {
		code: status >= 500 ? 'server_error' : 'unexpected_response',
		message:
			status >= 500
				? 'The activation server had a problem. Try again in a moment.'
				: `The activation server gave an unexpected answer (HTTP ${status}).`
	};
}

export function createApiClient(options: ApiClientOptions = {}) {
	const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
	const base = options.origin ?? '';
	const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

	async function call<T>(
		method: 'GET' | 'POST' | 'DELETE',
		path: string,
		schema: SchemaSource<T> | null,
		body?: unknown
	): Promise<ApiOutcome<T>> {
		let response: Response;
		try {
			response = await doFetch(`${base}${path}`, {
				method,
				credentials: 'same-origin',
				headers: body === undefined ? {} : { 'content-type': 'application/json' },
				body: body === undefined ? undefined : JSON.stringify(body),
				signal: AbortSignal.timeout(timeoutMs)
			});
		} catch (error) {
			options.onReachability?.(false);
			return { kind: 'unreachable', reason: error instanceof Error ? error.message : String(error) };
		}
		// A gateway error means the server itself is not there: the same as no network for the user.
		if (response.status === 502 || response.status === 503 || response.status === 504) {
			options.onReachability?.(false);
			return { kind: 'unreachable', reason: `HTTP ${response.status}` };
		}
		options.onReachability?.(true);
		let json: unknown = null;
		if (response.status !== 204) {
			try {
				json = await response.json();
			} catch {
				return { kind: 'refused', status: response.status, error: unexpected(response.status) };
			}
		}
		if (!response.ok) {
			const parsed = apiErrorSchema.safeParse(json);
			return {
				kind: 'refused',
				status: response.status,
				error: parsed.success ? parsed.data.error : unexpected(response.status)
			};
		}
		if (schema === null) return { kind: 'ok', value: undefined as T };
		const parsed = (typeof schema === 'function' ? await schema() : schema).safeParse(json);
		return parsed.success
			? { kind: 'ok', value: parsed.data }
			: { kind: 'refused', status: response.status, error: unexpected(response.status) };
	}

	return {
		get: <T>(path: string, schema: SchemaSource<T>) => call('GET', path, schema),
		post: <T>(path: string, body: unknown, schema: SchemaSource<T>) => call('POST', path, schema, body),
		delete: (path: string) => call<undefined>('DELETE', path, null)
	};
}

export type ApiClient = ReturnType<typeof createApiClient>;
