// Reading request bodies with a size limit that holds before any parsing, and a content-type check.
import type { z } from 'zod';
import { describeUnstorable, findUnstorableText } from '$lib/protocol/storable-text';
import { MAX_JSON_DEPTH, parseJsonStrict } from '$lib/protocol/strict-json';
import { DomainError } from '../errors';
import { HttpRefusal } from './api-error';

export const DEFAULT_BODY_LIMIT = 64 * 1024;

function tooLarge(limit: number): HttpRefusal {
	// Connection: close — the rest of an oversized body is not worth reading on this connection.
	return new HttpRefusal(
		{ code: 'payload_too_large', message: `The request body is larger than ${limit} bytes.` },
		{ connection: 'close' }
	);
}

/** The platform's own body limit (adapter-node BODY_SIZE_LIMIT) ends the stream with a 413 error. */
function isPlatformTooLarge(error: unknown): boolean {
	return typeof error === 'object' && error !== null && (error as { status?: unknown }).status === 413;
}

/**
 * Reads and throws away what is left of a body over the limit. Cancelling the stream instead would
 * destroy the socket (adapter-node calls `req.destroy()`), and the client would see a connection
 * reset rather than the 413. Bounded: the platform's BODY_SIZE_LIMIT ends the stream with an error.
 */
async function discardRest(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
	try {
		for (;;) if ((await reader.read()).done) return;
	} catch {
		// The platform's limit or a client that went away: either way nothing more to read.
	}
}

export function mediaTypeOf(request: Request): string {
	return (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Reads at most `limit` bytes; a declared or actual larger body is refused with 413 before parsing. */
export async function readBodyBytes(request: Request, limit: number): Promise<Uint8Array> {
	const declared = Number(request.headers.get('content-length') ?? NaN);
	if (Number.isFinite(declared) && declared > limit) {
		// Known length: the rest is read and dropped (by us up to the platform's limit, by Node after
		// the answer beyond it) and the connection stays open, so a client still sending gets the 413
		// rather than a reset; closing here would race its writes.
		if (request.body) await discardRest(request.body.getReader());
		throw new DomainError({
			code: 'payload_too_large',
			message: `The request body is larger than ${limit} bytes.`
		});
	}
	if (!request.body) return new Uint8Array();
	const reader = request.body.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	for (;;) {
		let next: ReadableStreamReadResult<Uint8Array>;
		try {
			next = await reader.read();
		} catch (error) {
			if (isPlatformTooLarge(error)) throw tooLarge(limit);
			throw new DomainError({
				code: 'invalid_body',
				message: 'The request body could not be read to its end. Send it again.'
			});
		}
		if (next.done) break;
		size += next.value.byteLength;
		if (size > limit) {
			await discardRest(reader);
			throw tooLarge(limit);
		}
		chunks.push(next.value);
	}
	const out = new Uint8Array(size);
	let offset = 0;
	for (const chunk of chunks) {
		out.set(chunk, offset);
		offset += chunk.byteLength;
	}
	return out;
}

export function requireMediaType(request: Request, allowed: readonly string[]): string {
	const type = mediaTypeOf(request);
	if (!allowed.includes(type)) {
		throw new DomainError({
			code: 'unsupported_media_type',
			message: `Send the body as ${allowed.join(' or ')}.`
		});
	}
	return type;
}

/**
 * Refuses text a database cannot store as sent (NUL, lone surrogates: protocol/storable-text.ts)
 * with `400 invalid_body`: the one rule for every body and path parameter, so nothing unstorable
 * reaches a statement (PostgreSQL would fail it with a 500 that SQLite never gives).
 */
export function requireStorableText(value: unknown, field?: string): void {
	const found = findUnstorableText(value);
	if (!found) return;
	const path = [...(field ? [field] : []), ...found.path].join('.');
	throw new DomainError({
		code: 'invalid_body',
		message: describeUnstorable({ ...found, path: path ? [path] : [] }, 'The request'),
		...(path ? { field: path } : {})
	});
}

export async function readText(request: Request, limit: number): Promise<string> {
	const bytes = await readBodyBytes(request, limit);
	let text: string;
	try {
		text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
	} catch {
		throw new DomainError({ code: 'invalid_body', message: 'The request body is not valid UTF-8 text.' });
	}
	requireStorableText(text);
	return text;
}

/**
 * Reads a JSON body (application/json only) and parses it with `schema`. A key repeated in an
 * object is refused (`invalid_json`: protocol/strict-json.ts), and so is unstorable text anywhere
 * in what the schema returns (`invalid_body`). The check runs on the schema's output so that a
 * schema may itself turn one unstorable item of a list into its own refusal (a sync batch does).
 */
export async function readJson<T extends z.ZodType>(
	request: Request,
	schema: T,
	limit = DEFAULT_BODY_LIMIT
): Promise<z.infer<T>> {
	requireMediaType(request, ['application/json']);
	const text = await readText(request, limit);
	const read = parseJsonStrict(text);
	if (!read.ok) {
		throw new DomainError({
			code: 'invalid_json',
			message:
				read.reason === 'syntax'
					? 'The request body is not valid JSON.'
					: read.reason === 'too-deep'
						? `The request body is nested more than ${MAX_JSON_DEPTH} levels deep, deeper than any request of this server.`
						: `The request body is not valid JSON for this server: the key “${read.key.slice(0, 64)}” appears twice in one object. Send each key once.`
		});
	}
	const parsed = schema.safeParse(read.value);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		const field = issue?.path.join('.') || undefined;
		throw new DomainError({
			code: 'invalid_body',
			message: `The request body is not valid${field ? ` (${field}: ${issue?.message})` : ''}.`,
			...(field ? { field } : {})
		});
	}
	requireStorableText(parsed.data);
	return parsed.data;
}
