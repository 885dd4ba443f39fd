// Activations per second through the real HTTP route, on SQLite and PostgreSQL, against the physical
// limit of this machine measured in the same run: a bare node:http server that only signs.
import autocannon from 'autocannon';
import {
	createPrivateKey,
	createPublicKey,
	randomBytes,
	sign as nodeSign,
	type KeyObject
} from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { decodeBase64url } from '../../src/lib/protocol/base64url';
import { PKCS8_PREFIX } from '../../src/lib/protocol/ed25519';
import { createRegistrationRequest, formatRegFile } from '../../src/lib/protocol/reg-file';
import { parseConfig } from '../../src/lib/server/config';
import { openServerContext } from '../../src/lib/server/context';
import { createAccount } from '../../src/lib/server/accounts/account.service';
import { createLicense } from '../../src/lib/server/catalogue/catalogue.service';
import type { NewLicenseFields } from '../../src/lib/server/catalogue/licenses.repository';
import { generateLicenseNumber } from '../../src/lib/protocol/license-number';
import { ensureBuild } from '../ensure-build.js';
import { formatNumber, type Row } from './measure';
import { BENCH_PORTS, startAppServer, startSigningBaseline, type RunningServer } from './servers';

export interface LoadResult {
	requestsPerSecond: number;
	non2xx: number;
	errors: number;
	p99Ms: number;
	total: number;
	/** Answers by HTTP status, e.g. { "200": 9500, "409": 500 }. */
	byStatus: Record<string, number>;
	serverErrors: number;
	/** The server's resident memory right after the load, in bytes (when it could be read). */
	residentBytes?: number;
	/** What one answered activation cost, averaged over the load (the sizing model's inputs). */
	perActivation?: ActivationCost;
}

export interface ActivationCost {
	/** CPU time of the app server's process. */
	cpuMs?: number;
	/** PostgreSQL only: transactions committed (each statement outside a transaction is one). */
	transactions?: number;
	rowsInserted?: number;
	rowsUpdated?: number;
	/** PostgreSQL only: bytes of write-ahead log. */
	walBytes?: number;
}

interface DatabaseCounters {
	transactions: number;
	rowsInserted: number;
	rowsUpdated: number;
	walLsn: string;
}

/**
 * How long PostgreSQL (15+) may keep a busy-then-idle backend's statistics before publishing them
 * (PGSTAT_IDLE_INTERVAL, 10 s): the counters are read this long after the last statement.
 */
const STATISTICS_FLUSH_MS = 11_000;

/** PostgreSQL's own counters for the bench database. */
async function databaseCounters(url: string): Promise<DatabaseCounters> {
	const client = new pg.Client({ connectionString: url });
	await client.connect();
	try {
		const { rows } = await client.query<{
			xact_commit: string;
			tup_inserted: string;
			tup_updated: string;
			lsn: string;
		}>(
			`select xact_commit, tup_inserted, tup_updated, pg_current_wal_lsn()::text as lsn
			from pg_stat_database where datname = current_database()`
		);
		const row = rows[0]!;
		return {
			transactions: Number(row.xact_commit),
			rowsInserted: Number(row.tup_inserted),
			rowsUpdated: Number(row.tup_updated),
			walLsn: row.lsn
		};
	} finally {
		await client.end();
	}
}

/** Bytes of WAL between two LSNs ('16/B374D848'). */
function walBytesBetween(from: string, to: string): number {
	const value = (lsn: string) => {
		const [high, low] = lsn.split('/').map((part) => BigInt(`0x${part}`));
		return (high! << 32n) + low!;
	};
	return Number(value(to) - value(from));
}

export interface LoadOptions {
	connections: number;
	seconds: number;
}

const EMAIL = 'bench@example.com';
const PASSWORD = 'bench-password';
/**
 * How the activations spread over licenses: today's hot set (20 licenses of 10,000 seats, every
 * request contending for the same few rows), or a vendor's realistic spread (10,000 licenses of a
 * few seats each).
 */
export type LicenseSpread = 'hot' | 'spread';
const SPREADS: Record<LicenseSpread, { licenses: number; seats: number }> = {
	hot: { licenses: 20, seats: 10_000 },
	spread: { licenses: 10_000, seats: 5 }
};

/** Runs autocannon, cycling through `bodies` (one per request). */
export async function runLoad(
	url: string,
	path: string,
	headers: Record<string, string>,
	bodies: string[],
	options: LoadOptions
): Promise<LoadResult> {
	let next = 0;
	const result = await autocannon({
		url,
		connections: options.connections,
		duration: options.seconds,
		requests: [
			{
				method: 'POST',
				path,
				headers,
				setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length] })
			}
		]
	});
	if (next > bodies.length)
		console.warn(`  (${path}: ${next} requests for ${bodies.length} distinct bodies: some were replays)`);
	return {
		requestsPerSecond: result.requests.average,
		non2xx: result.non2xx,
		errors: result.errors + result.timeouts,
		p99Ms: result.latency.p99,
		total: result.requests.total,
		byStatus: Object.fromEntries(
			Object.entries(result.statusCodeStats ?? {}).map(([status, stats]) => [status, stats?.count ?? 0])
		),
		serverErrors: result['5xx']
	};
}

interface DeviceKey {
	publicKey: Uint8Array;
	privateKey: KeyObject;
}

/** Device keys made so far, used again by the next run: its database is new, so they are new to it. */
const deviceKeys: DeviceKey[] = [];

/**
 * The i-th device key. Made from a random seed, not with generateKeyPairSync: on Node 20 a key
 * generation job collected by the garbage collector can deadlock the main thread (seen here:
 * ~KeyGenJob waiting on a mutex inside a GC callback), and the bench makes tens of thousands.
 */
function deviceKey(i: number): DeviceKey {
	while (deviceKeys.length <= i) {
		const privateKey = createPrivateKey({
			key: Buffer.concat([PKCS8_PREFIX, randomBytes(32)]),
			format: 'der',
			type: 'pkcs8'
		});
		const x = createPublicKey(privateKey).export({ format: 'jwk' }).x!;
		deviceKeys.push({ publicKey: decodeBase64url(x)!, privateKey });
	}
	return deviceKeys[i]!;
}

/** Distinct devices, each with a real signed request for one of the licenses. */
export async function activationBodies(count: number, licenseNumbers: string[]): Promise<string[]> {
	const bodies: string[] = [];
	for (let i = 0; i < count; i++) {
		const { publicKey, privateKey } = deviceKey(i);
		const signer = {
			publicKey,
			sign: async (message: Uint8Array) => new Uint8Array(nodeSign(null, message, privateKey))
		};
		const request = await createRegistrationRequest({
			purpose: 'activate',
			licenseNumbers: [licenseNumbers[i % licenseNumbers.length]!],
			email: EMAIL,
			signer,
			now: Date.now()
		});
		bodies.push(JSON.stringify({ request: formatRegFile(request, 'http://127.0.0.1/portal') }));
	}
	return bodies;
}

export async function seed(env: Record<string, string>, spread: LicenseSpread = 'hot'): Promise<string[]> {
	const { licenses, seats } = SPREADS[spread];
	const context = await openServerContext(parseConfig(env), { seedDemo: false });
	try {
		const account = await createAccount(context.db, { email: EMAIL, password: PASSWORD }, Date.now());
		if (!account.ok) throw new Error(account.message);
		const numbers: string[] = [];
		const templates: NewLicenseFields[] = [];
		for (let i = 0; i < Math.min(licenses, 20); i++) {
			const created = await createLicense(
				context.db,
				{ productCode: i % 2 ? 'SRV' : 'DEV', email: EMAIL, seats, expansions: i % 2 ? ['CLX'] : [] },
				Date.now()
			);
			if (!created.ok) throw new Error(created.message);
			numbers.push(created.created.license.number);
			if (i % 2 === 0) {
				const {
					number: _number,
					revision: _revision,
					seats_in_use: _inUse,
					...fields
				} = created.created.license;
				templates.push(fields);
			}
		}
		// The rest of a large spread: plain licenses like the first, inserted together (creating
		// 10,000 one by one would take longer than the measurement).
		const rest = Array.from({ length: licenses - numbers.length }, (_, i) => ({
			...templates[i % templates.length]!,
			number: generateLicenseNumber(templates[i % templates.length]!.product_code)
		}));
		for (let i = 0; i < rest.length; i += 1_000) {
			await context.db
				.insertInto('licenses')
				.values(rest.slice(i, i + 1_000))
				.execute();
		}
		return [...numbers, ...rest.map((license) => license.number)];
	} finally {
		await context.db.destroy();
	}
}

export async function signIn(server: RunningServer): Promise<string> {
	const response = await fetch(`${server.url}/api/v1/session`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin: server.url },
		body: JSON.stringify({ email: EMAIL, password: PASSWORD })
	});
	if (!response.ok) throw new Error(`sign-in failed: ${response.status}`);
	return response.headers.get('set-cookie')!.split(';')[0]!;
}

async function withPostgresDatabase<T>(work: (url: string) => Promise<T>): Promise<T> {
	const adminUrl = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
	const name = `airlock_bench_${process.pid}`;
	const admin = new pg.Client({ connectionString: adminUrl });
	await admin.connect();
	try {
		await admin.query(`drop database if exists ${name}`);
		await admin.query(`create database ${name}`);
		const url = new URL(adminUrl);
		url.pathname = `/${name}`;
		return await work(url.toString());
	} finally {
		await admin.query(`drop database if exists ${name} with (force)`);
		await admin.end();
	}
}

/** Measures activations per second on one database through the built server. */
export async function measureActivations(
	database: 'sqlite' | 'postgres',
	port: number,
	options: LoadOptions,
	spread: LicenseSpread = 'hot'
): Promise<LoadResult> {
	const dataDir = mkdtempSync(join(tmpdir(), 'airlock-bench-'));
	const run = async (databaseUrl?: string) => {
		const env: Record<string, string> = {
			DATA_DIR: dataDir,
			SEED_DEMO: 'false',
			...(databaseUrl ? { DATABASE_URL: databaseUrl } : {})
		};
		const licenses = await seed(env, spread);
		// Never more distinct requests than seats: every one of them can be granted.
		const { seats } = SPREADS[spread];
		const bodies = await activationBodies(
			Math.min(
				licenses.length * seats,
				Math.max(2_000, Math.min(60_000, options.connections * options.seconds * 120))
			),
			licenses
		);
		const server = await startAppServer(port, env);
		try {
			const cookie = await signIn(server);
			const cpuBefore = server.cpuMs?.();
			// Seeding and signing in are counted before the load, once their statistics are published.
			if (databaseUrl) await new Promise((resolve) => setTimeout(resolve, STATISTICS_FLUSH_MS));
			const countersBefore = databaseUrl ? await databaseCounters(databaseUrl) : undefined;
			const result = await runLoad(
				server.url,
				'/api/v1/activations',
				{ 'content-type': 'application/json', origin: server.url, cookie },
				bodies,
				options
			);
			const residentBytes = server.residentBytes?.();
			const cpuAfter = server.cpuMs?.();
			// Activations answered (replays of a request answered before are answered too, from its record).
			const answered = result.byStatus['200'] ?? 0;
			const per = (value: number | undefined) =>
				value === undefined || answered === 0 ? undefined : value / answered;
			const perActivation: ActivationCost = {
				cpuMs: cpuBefore === undefined || cpuAfter === undefined ? undefined : per(cpuAfter - cpuBefore)
			};
			if (databaseUrl && countersBefore) {
				await new Promise((resolve) => setTimeout(resolve, STATISTICS_FLUSH_MS));
				const after = await databaseCounters(databaseUrl);
				// Less the two statements that read the counters.
				perActivation.transactions = per(after.transactions - countersBefore.transactions - 2);
				perActivation.rowsInserted = per(after.rowsInserted - countersBefore.rowsInserted);
				perActivation.rowsUpdated = per(after.rowsUpdated - countersBefore.rowsUpdated);
				perActivation.walBytes = per(walBytesBetween(countersBefore.walLsn, after.walLsn));
			}
			return { ...result, residentBytes, perActivation };
		} finally {
			await server.stop();
		}
	};
	try {
		return database === 'postgres' ? await withPostgresDatabase(run) : await run();
	} finally {
		rmSync(dataDir, { recursive: true, force: true });
	}
}

/**
 * The ceiling the framework sets: the lightest endpoint of the same built server (the published
 * keys, one small read) under the same load. An activation cannot be faster than this.
 */
async function measureLightestEndpoint(port: number, options: LoadOptions): Promise<number> {
	const dataDir = mkdtempSync(join(tmpdir(), 'airlock-bench-'));
	const server = await startAppServer(port, { DATA_DIR: dataDir, SEED_DEMO: 'false' });
	try {
		const result = await autocannon({
			url: `${server.url}/api/v1/keys`,
			connections: options.connections,
			duration: options.seconds
		});
		return result.requests.average;
	} finally {
		await server.stop();
		rmSync(dataDir, { recursive: true, force: true });
	}
}

const MB = 1024 * 1024;
const POSTGRES_TARGET = '≥ 0.10 × baseline, 0 errors, p99 ≤ 100 ms';

function megabytes(bytes: number | undefined): string {
	return bytes === undefined ? 'n/a' : formatNumber(bytes / MB);
}

/** The last run's figures, for the sizing model written next to the table. */
let lastRun: { sqlite: LoadResult; postgres: LoadResult; baseline: LoadResult } | undefined;

function figure(value: number | undefined, digits: number): string {
	return value === undefined ? 'n/a' : formatNumber(value, digits);
}

/**
 * The sizing model, from the costs of one activation the last run measured: docs/PERFORMANCE.md
 * (main.ts) writes it under the table.
 */
export function sizingModel(): string {
	if (!lastRun) return 'Not measured in this run (the activation benchmarks did not run).';
	const { sqlite, postgres } = lastRun;
	const pgCost = postgres.perActivation ?? {};
	const sqliteCost = sqlite.perActivation ?? {};
	const coresFor = (peak: number, cpuMs: number | undefined) =>
		cpuMs === undefined ? 'n/a' : formatNumber(Math.ceil((peak * cpuMs) / 1000 / 0.7));
	const peaks = [100, 1_000, 5_000];
	return `Measured per answered activation in this run (one license per request, half of them with an
expansion; averaged over the 50-connection load):

| per activation | SQLite | PostgreSQL (10,000 licenses of 5 seats) |
|---|---|---|
| CPU time of the app node's process | ${figure(sqliteCost.cpuMs, 2)} ms | ${figure(pgCost.cpuMs, 2)} ms |
| database round trips (PostgreSQL: transactions committed) | in-process | ${figure(pgCost.transactions, 2)} |
| rows inserted | 3 (activation, stored answer, audit event) | ${figure(pgCost.rowsInserted, 2)} |
| rows updated | 1 (the license's seats in use) | ${figure(pgCost.rowsUpdated, 2)} |
| rows locked, and for how long | the whole database, for the group commit it joins | the license row, inside one call (record_activation) until its commit |
| bytes of write-ahead log | – | ${figure(pgCost.walBytes, 0)} |

What the round trips are on PostgreSQL: the session read by the API's checks (and, once a minute per
session, its renewal), one statement reading the stored answer, the license, its expansions and the
device's seat, and one call writing the seat, the stored answer and the audit event
(record_activation, migration 0008). No row lock is held across a round trip: two activations of one
license wait for each other only for the length of one call and its commit.

**Sizing for a peak of P activations per second** (keeping 30 % of each core free):

- app nodes: P × CPU time ÷ 0.7 cores of this machine's kind — with PostgreSQL ${peaks
		.map((peak) => `${formatNumber(peak)}/s: ${coresFor(peak, pgCost.cpuMs)}`)
		.join(', ')} cores; a node is one process on one core (Node's one thread), so this many nodes
  behind the load balancer, each with a pool of 10 connections;
- PostgreSQL: P × ${figure(pgCost.transactions, 1)} transactions/s, of which P commit writes (WAL
  flushes, which PostgreSQL groups across sessions), P × ${figure(pgCost.walBytes, 0)} bytes/s of WAL
  (${peaks.map((peak) => `${formatNumber(peak)}/s: ${pgCost.walBytes === undefined ? 'n/a' : formatNumber((peak * pgCost.walBytes * 3600) / 2 ** 30, 1)} GiB an hour`).join(', ')}, for archive
  and replica sizing), and P × ${figure(pgCost.rowsInserted, 1)} rows/s inserted; connections: 10 per
  app node;
- one SQLite node: its single writer is the limit: the SQLite row of the table above.

Not yet measured: two app nodes on one PostgreSQL on this machine, against this model (the two
cores are shared by the app nodes, PostgreSQL and the load generator, so it would measure the
machine rather than the model).`;
}

export async function activationBenchmarks(
	options: LoadOptions = { connections: 50, seconds: 10 }
): Promise<Row[]> {
	ensureBuild();
	const baselineServer = await startSigningBaseline(BENCH_PORTS.signingBaseline);
	const baselineBodies = await activationBodies(500, ['SRV-5BQ7-MKXD-3H99']);
	const baseline = await runLoad(
		baselineServer.url,
		'/',
		{ 'content-type': 'application/json' },
		baselineBodies,
		options
	);
	await baselineServer.stop();
	const lightest = await measureLightestEndpoint(BENCH_PORTS.sqlite, options);
	const sqlite = await measureActivations('sqlite', BENCH_PORTS.sqlite, options);
	const postgres = await measureActivations('postgres', BENCH_PORTS.postgres, options);
	const postgresSpread = await measureActivations('postgres', BENCH_PORTS.postgres, options, 'spread');
	lastRun = { sqlite, postgres: postgresSpread, baseline };

	const postgresMet = (result: LoadResult) =>
		result.requestsPerSecond >= 0.1 * baseline.requestsPerSecond &&
		result.non2xx + result.errors === 0 &&
		result.p99Ms <= 100;
	const row = (name: string, result: LoadResult, target: string, met: boolean | null): Row => ({
		what: `activations / s, ${name} (${options.connections} connections, ${options.seconds} s; ${result.non2xx + result.errors} errors, p99 ${result.p99Ms} ms)`,
		value: formatNumber(result.requestsPerSecond),
		baseline: formatNumber(baseline.requestsPerSecond),
		ratio: `${formatNumber(result.requestsPerSecond / baseline.requestsPerSecond, 2)} ×`,
		target,
		met
	});
	return [
		{
			what: `requests / s to the server's lightest endpoint, GET /api/v1/keys (${options.connections} connections, ${options.seconds} s): the framework's ceiling for any route`,
			value: formatNumber(lightest),
			baseline: formatNumber(baseline.requestsPerSecond),
			ratio: `${formatNumber(lightest / baseline.requestsPerSecond, 2)} ×`,
			target: '–',
			met: null
		},
		row(
			'SQLite',
			sqlite,
			'≥ 0.25 × baseline, 0 errors, p99 ≤ 50 ms',
			sqlite.requestsPerSecond >= 0.25 * baseline.requestsPerSecond &&
				sqlite.non2xx + sqlite.errors === 0 &&
				sqlite.p99Ms <= 50
		),
		row('PostgreSQL, 20 licenses of 10,000 seats', postgres, POSTGRES_TARGET, postgresMet(postgres)),
		row(
			'PostgreSQL, 10,000 licenses of 5 seats',
			postgresSpread,
			POSTGRES_TARGET,
			postgresMet(postgresSpread)
		),
		{
			what: `server resident memory after the ${options.connections}-connection load (MB), SQLite`,
			value: megabytes(sqlite.residentBytes),
			baseline: '–',
			ratio: '–',
			target: '≤ 200 MB',
			met: sqlite.residentBytes === undefined ? null : sqlite.residentBytes <= 200 * MB
		},
		{
			what: `server resident memory after the ${options.connections}-connection load (MB), PostgreSQL, 10,000 licenses`,
			value: megabytes(postgresSpread.residentBytes),
			baseline: '–',
			ratio: '–',
			target: '≤ 200 MB',
			met: postgresSpread.residentBytes === undefined ? null : postgresSpread.residentBytes <= 200 * MB
		}
	];
}
