// The License Manager's HTTP client for /api/v1. Every call ends in one of three outcomes, because
// the UI must tell them apart: the server answered (ok), the server refused with a specific error,
// or the server could not be reached (offline: queue the work, suggest Deferred Activation).
import type { z } from 'zod';
import { apiErrorSchema, type ApiError } from '$lib/protocol/api';

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

	async function call<S extends z.ZodType>(
		method: 'GET' | 'POST' | 'DELETE',
		path: string,
		schema: S | null,
		body?: unknown
	): Promise<ApiOutcome<z.infer<S>>> {
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
		if (schema === null) return { kind: 'ok', value: undefined as z.infer<S> };
		const parsed = schema.safeParse(json);
		return parsed.success
			? { kind: 'ok', value: parsed.data }
			: { kind: 'refused', status: response.status, error: unexpected(response.status) };
	}

	return {
		get: <S extends z.ZodType>(path: string, schema: S) => call('GET', path, schema),
		post: <S extends z.ZodType>(path: string, body: unknown, schema: S) => call('POST', path, schema, body),
		delete: (path: string) => call('DELETE', path, null)
	};
}

export type ApiClient = ReturnType<typeof createApiClient>;
