// The body limit over a real Node HTTP server through SvelteKit's own request adapter (what
// adapter-node runs), because the failure it guards against — a connection reset instead of the
// 413 — only shows on a socket.
import {
	createServer,
	request as httpRequest,
	type IncomingMessage,
	type Server,
	type ServerResponse
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequest, setResponse } from '@sveltejs/kit/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../errors';
import { answerOf } from './api-error';
import { readBodyBytes } from './body';

const LIMIT = 1024;
/** adapter-node's own limit, above the route's (as scripts/start.js sets it). */
const PLATFORM_LIMIT = 64 * 1024;
let server: Server;
let port: number;

beforeAll(async () => {
	const handle = async (req: IncomingMessage, res: ServerResponse) => {
		const request = await getRequest({
			request: req,
			base: 'http://localhost',
			bodySizeLimit: PLATFORM_LIMIT
		});
		let response: Response;
		try {
			const bytes = await readBodyBytes(request, LIMIT);
			response = new Response(`read ${bytes.byteLength}`);
		} catch (error) {
			if (!(error instanceof DomainError)) throw error;
			response = answerOf(error);
		}
		await setResponse(res, response);
	};
	server = createServer((req, res) => void handle(req, res));
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

interface Answer {
	status: number;
	connection: string | undefined;
	body: string;
}

/** Sends `chunks` one by one with chunked transfer encoding (no Content-Length), or with one when given. */
function send(chunks: Buffer[], headers: Record<string, string> = {}): Promise<Answer> {
	return new Promise((resolve, reject) => {
		const req = httpRequest(
			{
				host: '127.0.0.1',
				port,
				method: 'POST',
				path: '/',
				headers: { 'content-type': 'text/plain', ...headers }
			},
			(res) => {
				let body = '';
				res.setEncoding('utf8');
				res.on('data', (chunk: string) => (body += chunk));
				res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, body }));
				res.on('error', reject);
			}
		);
		req.on('error', reject);
		const write = (i: number) => {
			if (i === chunks.length) return void req.end();
			// Next chunk once this one is flushed, so the server sees a body that keeps coming.
			req.write(chunks[i], () => setImmediate(() => write(i + 1)));
		};
		write(0);
	});
}

const chunk = (size: number) => Buffer.alloc(size, 0x61);

describe('request body limit', () => {
	it('reads a body within the limit, chunked or not', async () => {
		expect(await send([chunk(600), chunk(424)])).toMatchObject({ status: 200, body: `read ${LIMIT}` });
		expect(await send([chunk(100)], { 'content-length': '100' })).toMatchObject({
			status: 200,
			body: 'read 100'
		});
	});

	it('answers 413 with Connection: close to a chunked body over the limit, never a reset', async () => {
		for (const chunks of [
			[chunk(LIMIT + 1)],
			[chunk(800), chunk(800), chunk(800)],
			Array.from({ length: 40 }, () => chunk(1000)),
			// Past the platform's own limit too: still the 413, not a reset.
			Array.from({ length: 100 }, () => chunk(1000))
		]) {
			const answer = await send(chunks);
			expect(answer.status).toBe(413);
			expect(answer.connection).toBe('close');
			expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'payload_too_large' } });
		}
	});

	it('answers 413 to a declared Content-Length over the limit, keeping the connection so the client can finish sending', async () => {
		for (const size of [5000, PLATFORM_LIMIT + 5000, 4 * PLATFORM_LIMIT]) {
			const chunks = Array.from({ length: Math.ceil(size / 1000) }, () => chunk(1000));
			const answer = await send(chunks, { 'content-length': String(chunks.length * 1000) });
			expect(answer.status, `${size} bytes`).toBe(413);
			expect(answer.connection, `${size} bytes`).not.toBe('close');
			expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'payload_too_large' } });
		}
	});
});
