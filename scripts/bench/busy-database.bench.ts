// A busy SQLite database: activations through the built server with 100 connections for 30 s,
// while another process (as the admin CLI or a backup would) takes the database's write lock again
// and again. What must hold: no 5xx answer and no SQLITE_BUSY in the server's log — the server
// waits for the lock (busy_timeout) instead of failing. Every answer is 200 (a new seat or a
// replayed request) or 409 (no free seat on the contended license).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../../src/lib/server/config';
import { openServerContext } from '../../src/lib/server/context';
import { createLicense } from '../../src/lib/server/catalogue/catalogue.service';
import { ensureBuild } from '../ensure-build.js';
import { activationBodies, runLoad, seed, signIn } from './activation.bench';
import { formatNumber, type Row } from './measure';
import { BENCH_PORTS } from './servers';

const root = fileURLToPath(new URL('../..', import.meta.url));
const EMAIL = 'bench@example.com';

/** Another process writing to the same file: a short write transaction every 20 ms, each holding the lock 5 ms. */
const WRITER = `
const Database = require('better-sqlite3');
const db = new Database(process.argv[1]);
db.pragma('busy_timeout = 5000');
const insert = db.prepare('insert into rate_limits (key, window_start, count) values (?, ?, 1) on conflict (key) do update set count = count + 1');
let n = 0;
const tick = () => {
	db.transaction(() => {
		insert.run('bench:writer:' + (n++ % 100), Date.now());
		const until = Date.now() + 5;
		while (Date.now() < until);
	}).immediate();
	setTimeout(tick, 20);
};
tick();
setInterval(() => process.send?.(n), 1000);
process.on('disconnect', () => process.exit(0));
`;

export interface BusyDatabaseResult {
	total: number;
	ok: number;
	noFreeSeat: number;
	serverErrors: number;
	socketErrors: number;
	busyInLog: number;
	p99Ms: number;
	requestsPerSecond: number;
	writerTransactions: number;
}

export async function measureBusyDatabase(
	port: number,
	options = { connections: 100, seconds: 30 }
): Promise<BusyDatabaseResult> {
	ensureBuild();
	const dataDir = mkdtempSync(join(tmpdir(), 'airlock-busy-'));
	const env: Record<string, string> = { DATA_DIR: dataDir, SEED_DEMO: 'false' };
	try {
		const licenses = await seed(env);
		// One license with 5 seats that every tenth request fights for.
		const context = await openServerContext(parseConfig(env), { seedDemo: false });
		const contended = await createLicense(
			context.db,
			{ productCode: 'SRV', email: EMAIL, seats: 5 },
			Date.now()
		);
		await context.db.destroy();
		if (!contended.ok) throw new Error(contended.message);
		const bodies = await activationBodies(Math.min(40_000, options.connections * options.seconds * 10), [
			...licenses,
			...Array.from({ length: Math.ceil(licenses.length / 9) }, () => contended.created.license.number)
		]);

		const server = spawn(process.execPath, ['scripts/server.js'], {
			cwd: root,
			env: { ...process.env, ...env, PORT: String(port), ORIGIN: `http://127.0.0.1:${port}` },
			stdio: ['ignore', 'ignore', 'pipe']
		});
		let log = '';
		server.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
		const url = `http://127.0.0.1:${port}`;
		for (let up = false, tries = 0; !up; tries++) {
			if (tries > 300) throw new Error('the server did not start');
			up = await fetch(`${url}/api/v1/keys`).then(
				(response) => response.ok,
				() => false
			);
			if (!up) await new Promise((resolve) => setTimeout(resolve, 200));
		}
		const writer = spawn(process.execPath, ['-e', WRITER, join(dataDir, 'airlock.sqlite')], {
			cwd: root,
			stdio: ['ignore', 'ignore', 'inherit', 'ipc']
		});
		let writerTransactions = 0;
		writer.on('message', (count) => (writerTransactions = Number(count)));
		try {
			const cookie = await signIn({ url, stop: async () => {} });
			const load = await runLoad(
				url,
				'/api/v1/activations',
				{ 'content-type': 'application/json', origin: url, cookie },
				bodies,
				options
			);
			return {
				total: load.total,
				ok: load.byStatus['200'] ?? 0,
				noFreeSeat: load.byStatus['409'] ?? 0,
				serverErrors: load.serverErrors,
				socketErrors: load.errors,
				busyInLog: (log.match(/SQLITE_BUSY|database is locked/g) ?? []).length,
				p99Ms: load.p99Ms,
				requestsPerSecond: load.requestsPerSecond,
				writerTransactions
			};
		} finally {
			writer.disconnect();
			server.kill('SIGTERM');
			await once(server, 'exit');
		}
	} finally {
		rmSync(dataDir, { recursive: true, force: true });
	}
}

export async function busyDatabaseBenchmarks(): Promise<Row[]> {
	const result = await measureBusyDatabase(BENCH_PORTS.busyDatabase);
	return [
		{
			what:
				`busy SQLite: activations, 100 connections, 30 s, another process writing every 20 ms ` +
				`(${formatNumber(result.total)} requests: ${formatNumber(result.ok)} × 200, ${formatNumber(result.noFreeSeat)} × 409; ` +
				`${formatNumber(result.writerTransactions)} competing transactions; p99 ${result.p99Ms} ms, ${formatNumber(result.requestsPerSecond)} / s)`,
			value: `${result.serverErrors} × 5xx, ${result.socketErrors} socket errors, ${result.busyInLog} SQLITE_BUSY`,
			baseline: '–',
			ratio: '–',
			target: '0 × 5xx, 0 SQLITE_BUSY',
			met: result.serverErrors === 0 && result.socketErrors === 0 && result.busyInLog === 0
		}
	];
}
