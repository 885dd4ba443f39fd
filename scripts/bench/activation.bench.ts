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
			const result = await runLoad(
				server.url,
				'/api/v1/activations',
				{ 'content-type': 'application/json', origin: server.url, cookie },
				bodies,
				options
			);
			return { ...result, residentBytes: server.residentBytes?.() };
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
