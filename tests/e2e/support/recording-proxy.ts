// A proxy in front of a test's own server that records every sync request the server receives — from
// the page and from its service worker alike (a Background Sync flush is not a page request, so the
// browser context's own request events can miss it) — and that can hold sync back, for everyone, as
// an unreachable server would (503).
import { createServer, request, type Server } from 'node:http';
import { once } from 'node:events';

export interface RecordingProxy {
	url: string;
	/** Bodies of the sync requests that reached the server. */
	syncBodies: string[];
	/** While held, sync requests get 503 (the client keeps its queue) and never reach the server. */
	holdSync(held: boolean): void;
	close(): Promise<void>;
}

export async function recordingProxy(port: number, targetPort: number): Promise<RecordingProxy> {
	const syncBodies: string[] = [];
	let held = false;
	const server: Server = createServer((incoming, outgoing) => {
		const chunks: Buffer[] = [];
		incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
		incoming.on('end', () => {
			const body = Buffer.concat(chunks);
			const isSync = incoming.method === 'POST' && incoming.url?.startsWith('/api/v1/sync');
			if (isSync && held) {
				outgoing.writeHead(503, { 'content-type': 'application/json' });
				outgoing.end(JSON.stringify({ error: { code: 'unavailable', message: 'held by the test' } }));
				return;
			}
			if (isSync) syncBodies.push(body.toString('utf8'));
			const forward = request(
				{
					host: '127.0.0.1',
					port: targetPort,
					method: incoming.method,
					path: incoming.url,
					headers: incoming.headers
				},
				(answer) => {
					outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
					answer.pipe(outgoing);
				}
			);
			forward.on('error', () => {
				if (!outgoing.headersSent) outgoing.writeHead(502);
				outgoing.end();
			});
			forward.end(body);
		});
	});
	server.listen(port, '127.0.0.1');
	await once(server, 'listening');
	return {
		url: `http://localhost:${port}`,
		syncBodies,
		holdSync: (value) => void (held = value),
		close: () =>
			new Promise((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			})
	};
}
