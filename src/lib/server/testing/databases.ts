// Runs a test suite on both databases: a fresh SQLite file in a temporary folder, and a fresh database
// in the PostgreSQL at TEST_DATABASE_URL. An unreachable PostgreSQL fails the suite: CI starts one,
// and a silently skipped half would hide dialect bugs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { createDatabase } from '../db/database';
import { migrateToLatest } from '../db/migrate';
import type { Db } from '../db/schema';

export type DatabaseKind = 'sqlite' | 'postgres';
export const DATABASE_KINDS: readonly DatabaseKind[] = ['sqlite', 'postgres'];

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
	kind: DatabaseKind;
	db: Db;
	/** SQLite: the file's folder (usable as DATA_DIR). PostgreSQL: the database name. */
	location: string;
	/** Opens another connection (pool) to the same database, e.g. to simulate a second app node. */
	reopen(): Db;
	close(): Promise<void>;
}

async function adminQuery(text: string): Promise<void> {
	const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 5_000 });
	try {
		await client.connect();
	} catch (error) {
		throw new Error(
			`PostgreSQL is not reachable at ${TEST_DATABASE_URL} (set TEST_DATABASE_URL, or start it as .ci/run.sh does); ` +
				`the PostgreSQL suites fail rather than skip. Cause: ${error instanceof Error ? error.message : String(error)}`,
			{ cause: error }
		);
	}
	try {
		await client.query(text);
	} finally {
		await client.end();
	}
}

/** A fresh, empty database of the given kind; migrated unless `migrate: false`. */
export async function openTestDatabase(
	kind: DatabaseKind,
	{ migrate = true }: { migrate?: boolean } = {}
): Promise<TestDatabase> {
	const opened: Db[] = [];
	let open: () => Db;
	let location: string;
	let cleanUp: () => Promise<void>;
	if (kind === 'sqlite') {
		const dir = mkdtempSync(join(tmpdir(), 'airlock-test-'));
		location = dir;
		open = () => createDatabase({ kind: 'sqlite', file: join(dir, 'airlock.sqlite') });
		cleanUp = async () => rmSync(dir, { recursive: true, force: true });
	} else {
		// A database of its own, not a schema: Kysely's introspection reads every schema of a database,
		// and fails when another suite drops its schema in the middle of that read.
		const name = `airlock_t_${crypto.randomUUID().replaceAll('-', '').slice(0, 16)}`;
		await adminQuery(`create database ${name}`);
		location = name;
		const url = new URL(TEST_DATABASE_URL);
		url.pathname = `/${name}`;
		open = () =>
			createDatabase(
				{ kind: 'postgres', url: url.toString() },
				{ maxConnections: 4, connectTimeoutMs: 5_000 }
			);
		cleanUp = () => adminQuery(`drop database if exists ${name} with (force)`);
	}
	const reopen = () => {
		const db = open();
		opened.push(db);
		return db;
	};
	const db = reopen();
	if (migrate) await migrateToLatest(db);
	return {
		kind,
		db,
		location,
		reopen,
		async close() {
			for (const each of opened) await each.destroy();
			await cleanUp();
		}
	};
}

/**
 * Declares `suite` twice, once per database. `getDb()` returns that run's migrated database, shared by
 * the suite's tests (each test should create its own accounts and licenses).
 */
export function describeEachDatabase(
	name: string,
	suite: (getDb: () => Db, kind: DatabaseKind, getTestDatabase: () => TestDatabase) => void
): void {
	for (const kind of DATABASE_KINDS) {
		describe(`${name} [${kind}]`, () => {
			let testDatabase: TestDatabase | undefined;
			beforeAll(async () => {
				testDatabase = await openTestDatabase(kind);
			});
			afterAll(async () => {
				await testDatabase?.close();
			});
			const current = () => {
				if (!testDatabase)
					throw new Error(`the ${kind} test database did not open (see the beforeAll error)`);
				return testDatabase;
			};
			suite(() => current().db, kind, current);
		});
	}
}
