// What every server route needs, made once per process: the configuration, the migrated database
// and the vendor's signing keys (a provider: the active key can change while the process runs). On an empty database the demo data is created and its credentials
// printed, once.
import { getConfig, type ServerConfig } from './config';
import { createDatabase } from './db/database';
import { migrateToLatest } from './db/migrate';
import type { Db } from './db/schema';
import { ensureCatalogue } from './catalogue/catalogue.service';
import { describeDemoSeed, seedDemo } from './catalogue/demo';
import { DEFAULT_PASSWORD_COST, type PasswordCost } from './accounts/password';
import { openSigningKeys, type SigningKeys, type SigningKeysOptions } from './keys/signing-keys.service';

export interface ServerContext {
	config: ServerConfig;
	db: Db;
	/** `await signingKeys.current()` is the key to sign with now: the deployment's one active key. */
	signingKeys: SigningKeys;
}

export interface OpenContextOptions {
	now?: () => number;
	/** Where the one-time demo credentials go. */
	log?: (message: string) => void;
	passwordCost?: PasswordCost;
	/** Create the demo data on an empty database (default: `config.seedDemo`). */
	seedDemo?: boolean;
	/** SQLite: how long to wait for another process's write lock (default 5 s). */
	busyTimeoutMs?: number;
	/** SQLite: wait for that lock without blocking the event loop (the server does). */
	waitWithoutBlocking?: boolean;
	/** SQLite: checkpoint the log from a worker thread (the server does; tools and tests need not). */
	checkpointInBackground?: boolean;
	/** Refuse to open when this node cannot sign with the active key (default true; the CLI opens
	 * anyway so that `key rotate` can repair it). */
	requireUsableKey?: boolean;
	/** How the signer is re-validated against the database (tests). */
	signingKeys?: SigningKeysOptions;
}

/** Opens and prepares everything; the caller owns the result (tests, the admin CLI). */
export async function openServerContext(
	config: ServerConfig,
	options: OpenContextOptions = {}
): Promise<ServerContext> {
	const now = options.now ?? Date.now;
	const db = createDatabase(config.database, {
		busyTimeoutMs: options.busyTimeoutMs,
		waitWithoutBlocking: options.waitWithoutBlocking,
		checkpointInBackground: options.checkpointInBackground
	});
	try {
		await migrateToLatest(db);
		await ensureCatalogue(db);
		const signingKeys = await openSigningKeys(db, config, now(), {
			...options.signingKeys,
			requireUsableKey: options.requireUsableKey ?? true
		});
		if (options.seedDemo ?? config.seedDemo) {
			const seed = await seedDemo(db, now(), options.passwordCost ?? DEFAULT_PASSWORD_COST);
			if (seed) (options.log ?? console.log)(describeDemoSeed(seed));
		}
		return { config, db, signingKeys };
	} catch (error) {
		await db.destroy();
		throw error;
	}
}

let shared: Promise<ServerContext> | undefined;

/** The process's context, opened on first use from the environment. */
export function getServerContext(): Promise<ServerContext> {
	shared ??= openServerContext(getConfig(), {
		checkpointInBackground: true,
		waitWithoutBlocking: true
	}).catch((error: unknown) => {
		// Let the next request try again (e.g. PostgreSQL was still starting); the error still surfaces.
		shared = undefined;
		throw error;
	});
	return shared;
}

/** Closes the process's context (graceful shutdown, tests). */
export async function closeServerContext(): Promise<void> {
	const current = shared;
	shared = undefined;
	// A context that failed to open has nothing left to close.
	const context = await current?.catch(() => undefined);
	await context?.db.destroy();
}
