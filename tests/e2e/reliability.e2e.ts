// Reliability through the built server: the race for the last seats over HTTP, oversized chunked
// bodies on every endpoint, and a server killed (SIGKILL) in the middle of a stream of activations.
import { expect, request as playwrightRequest, test, type APIRequestContext } from '@playwright/test';
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deviceIdOf } from '../../src/lib/protocol/sync-ids';
import { createTestAccount, createTestLicense, type TestAccount } from './support/admin';
import { apiClient, baseURL, errorCode } from './support/api-client';
import { newTestDevice } from './support/device';
import { adminOn, startOwnServer, type OwnServer } from './support/own-server';

/** The killed server's port (update.e2e.ts uses +23). */
const KILL_PORT = Number(process.env.E2E_PORT ?? 4173) + 21;
const STOP_PORT = Number(process.env.E2E_PORT ?? 4173) + 32;

async function race(api: APIRequestContext, email: string, licenseNumber: string, contenders: number) {
	const regFiles = await Promise.all(
		Array.from({ length: contenders }, () => newTestDevice().regFile(email, [licenseNumber]))
	);
	const answers = await Promise.all(
		regFiles.map(async (request) => errorCode(await api.post('/api/v1/activations', { data: { request } })))
	);
	const counts: Record<string, number> = {};
	for (const answer of answers) counts[answer] = (counts[answer] ?? 0) + 1;
	return counts;
}

test('the race for the last seats over HTTP: exactly the free seats are taken, no server error', async () => {
	test.setTimeout(120_000);
	const account = createTestAccount('race');
	const api = await apiClient(account);
	for (let run = 0; run < 5; run++) {
		const license = createTestLicense(account.email, { seats: 5 });
		expect(await race(api, account.email, license.number, 50)).toEqual({
			'200': 5,
			'409 no_free_seat': 45
		});
	}
	const lastSeat = createTestLicense(account.email, { seats: 5 });
	expect(await race(api, account.email, lastSeat.number, 4)).toEqual({ '200': 4 });
	expect(await race(api, account.email, lastSeat.number, 20)).toEqual({
		'200': 1,
		'409 no_free_seat': 19
	});
});

/** POSTs `size` bytes in 16 KiB chunks with no Content-Length; resolves with the answer or the socket error. */
function postChunked(path: string, cookie: string, size: number): Promise<string> {
	return new Promise((resolve) => {
		const url = new URL(path, baseURL);
		const req = httpRequest(
			url,
			{
				method: 'POST',
				headers: { origin: baseURL, cookie, 'content-type': 'application/json' }
			},
			(res) => {
				let body = '';
				res.setEncoding('utf8');
				res.on('data', (chunk: string) => (body += chunk));
				res.on('end', () => {
					const code = (JSON.parse(body) as { error?: { code: string } }).error?.code;
					resolve(`${res.statusCode} ${code} connection: ${res.headers.connection}`);
				});
			}
		);
		req.on('error', (error) => resolve(`socket error: ${error.message}`));
		const chunk = Buffer.alloc(16 * 1024, 0x20);
		let sent = 0;
		const write = () => {
			if (sent >= size || req.destroyed) return void req.end();
			sent += chunk.byteLength;
			req.write(chunk, () => setImmediate(write));
		};
		write();
	});
}

test('a chunked body over the limit gets its 413 on every endpoint, never a connection reset', async () => {
	const account = createTestAccount();
	const login = await fetch(`${baseURL}/api/v1/session`, {
		method: 'POST',
		headers: { origin: baseURL, 'content-type': 'application/json' },
		body: JSON.stringify({ email: account.email, password: account.password })
	});
	const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
	for (const [path, size] of [
		['/api/v1/session', 64 * 1024],
		['/api/v1/activations', 128 * 1024],
		['/api/v1/deferred', 128 * 1024],
		['/api/v1/refresh', 128 * 1024],
		// Past the sync limit (4 MiB) and the server's own (BODY_SIZE_LIMIT, 5 MB).
		['/api/v1/sync', 6 * 1024 * 1024]
	] as const) {
		expect(await postChunked(path, cookie, size), path).toBe('413 payload_too_large connection: close');
	}
});

/** A small deterministic generator (mulberry32), so the kill moments are the same every run. */
function seeded(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** A data folder of its own with an account and a license of 10,000 seats, for a server of its own. */
function seededDataDir(name: string): { dataDir: string; account: TestAccount; license: { number: string } } {
	const dataDir = mkdtempSync(join(tmpdir(), `airlock-${name}-`));
	const account: TestAccount = {
		email: `${name}-${Date.now()}@example.com`,
		password: `pw-${crypto.randomUUID()}`
	};
	adminOn(dataDir, ['account', 'create', '--email', account.email, '--password', account.password]);
	const license = adminOn(dataDir, [
		'license',
		'create',
		'--product',
		'SRV',
		'--email',
		account.email,
		'--seats',
		'10000'
	]) as { number: string };
	return { dataDir, account, license };
}

test('server killed with SIGKILL during activations: every answered activation survives, the database is intact', async () => {
	test.setTimeout(180_000);
	const KILLS = 5;
	const STREAMS = 4;
	const random = seeded(20261129);
	const { dataDir, account, license } = seededDataDir('kill');
	/** Device ids whose activation was answered 200. */
	const answered = new Set<string>();
	let server: OwnServer | null = null;
	try {
		for (let kill = 0; kill < KILLS; kill++) {
			server = await startOwnServer({ port: KILL_PORT, dataDir });
			const api = await playwrightRequest.newContext({
				baseURL: server.url,
				extraHTTPHeaders: { origin: server.url }
			});
			expect(
				(
					await api.post('/api/v1/session', { data: { email: account.email, password: account.password } })
				).status()
			).toBe(200);
			let stopped = false;
			const stream = async () => {
				while (!stopped) {
					const device = newTestDevice();
					const request = await device.regFile(account.email, [license.number]);
					const deviceId = deviceIdOf(device.keyPair.publicKey);
					try {
						const response = await api.post('/api/v1/activations', { data: { request }, timeout: 10_000 });
						if (response.status() === 200) answered.add(deviceId);
						else expect(response.status(), await response.text()).toBeLessThan(500);
					} catch {
						// The server died with this request in flight: no answer, no promise made.
						if (!stopped) throw new Error('the server stopped answering before it was killed');
					}
				}
			};
			const streams = Array.from({ length: STREAMS }, stream);
			// Kill at a seeded moment, 100–700 ms into the stream.
			await new Promise((resolve) => setTimeout(resolve, 100 + Math.floor(random() * 600)));
			const exited = new Promise((resolve) => server!.process.once('exit', resolve));
			// Set first: requests in flight fail as soon as the process dies, before 'exit' is seen.
			stopped = true;
			server.process.kill('SIGKILL');
			await exited;
			await Promise.all(streams);
			await api.dispose();
		}
		// Restart once more: the server comes up on what the kills left, and answers.
		server = await startOwnServer({ port: KILL_PORT, dataDir });
		expect((await fetch(`${server.url}/api/v1/keys`)).status).toBe(200);
		await server.stop();
		server = null;

		expect(answered.size).toBeGreaterThan(KILLS);
		const db = new Database(join(dataDir, 'airlock.sqlite'), { readonly: true });
		try {
			expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
			const stored = new Set(
				(
					db
						.prepare('select device_id from activations where license_number = ? and released_at is null')
						.all(license.number) as { device_id: string }[]
				).map((row) => row.device_id)
			);
			const lost = [...answered].filter((deviceId) => !stored.has(deviceId));
			expect(lost).toEqual([]);
		} finally {
			db.close();
		}
		// The figure docs/RELIABILITY.md reports.
		console.log(`SIGKILL test: ${answered.size} activations answered 200 across ${KILLS} kills, all present`);
	} finally {
		await server?.stop();
		rmSync(dataDir, { recursive: true, force: true });
	}
});

test('server stopped with SIGTERM during activations: the requests in flight are answered, every answered one is stored, it exits cleanly', async () => {
	test.setTimeout(120_000);
	const { dataDir, account, license } = seededDataDir('stop');
	const server = await startOwnServer({ port: STOP_PORT, dataDir, env: { SHUTDOWN_TIMEOUT: '10' } });
	try {
		// The running server says so in its data folder (restore refuses to run under it).
		expect(existsSync(join(dataDir, 'server.pid'))).toBe(true);
		const api = await playwrightRequest.newContext({
			baseURL: server.url,
			extraHTTPHeaders: { origin: server.url }
		});
		expect(
			(
				await api.post('/api/v1/session', { data: { email: account.email, password: account.password } })
			).status()
		).toBe(200);
		const answered = new Set<string>();
		const statuses: number[] = [];
		let refusedConnection = false;
		const stream = async () => {
			while (!refusedConnection) {
				const device = newTestDevice();
				const request = await device.regFile(account.email, [license.number]);
				try {
					const response = await api.post('/api/v1/activations', { data: { request }, timeout: 10_000 });
					statuses.push(response.status());
					if (response.status() === 200) answered.add(deviceIdOf(device.keyPair.publicKey));
				} catch {
					// The server no longer takes new requests: stopping worked.
					refusedConnection = true;
				}
			}
		};
		const streams = Array.from({ length: 4 }, stream);
		await new Promise((resolve) => setTimeout(resolve, 600));
		const exit = new Promise<number | null>((resolve) =>
			server.process.once('exit', (code) => resolve(code))
		);
		server.process.kill('SIGTERM');
		await Promise.all(streams);
		expect(await exit).toBe(0);
		await api.dispose();

		// Whatever was answered was answered properly: no 5xx while stopping.
		expect(statuses.filter((status) => status >= 500)).toEqual([]);
		expect(answered.size).toBeGreaterThan(0);
		expect(existsSync(join(dataDir, 'server.pid'))).toBe(false);
		const db = new Database(join(dataDir, 'airlock.sqlite'), { readonly: true });
		try {
			expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
			const stored = new Set(
				(
					db
						.prepare('select device_id from activations where license_number = ? and released_at is null')
						.all(license.number) as { device_id: string }[]
				).map((row) => row.device_id)
			);
			expect([...answered].filter((deviceId) => !stored.has(deviceId))).toEqual([]);
		} finally {
			db.close();
		}
	} finally {
		await server.stop('SIGKILL');
		rmSync(dataDir, { recursive: true, force: true });
	}
});
