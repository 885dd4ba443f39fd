// What every part of the client core works with: the platform's adapters and this device's identity,
// put together once (openCore) and passed to each workflow. openLicenses builds on it; a service
// worker, which may not load code lazily, opens just this and sends the queue.
import { publishedKeySetSchema, type PublishedKeySet } from '$lib/protocol/vendor-keys.js';
import { createApiClient } from './api/api-client.js';
import { serverApi, type ServerApi } from './api/server-api.js';
import { AirlockError } from './errors.js';
import { CorruptIdentityError, loadDeviceIdentity, type DeviceIdentity } from './identity.js';
import { systemClock, type Clock } from './platform/clock.js';
import { isStorageFull, StorageDamagedError, type LicenseStorage } from './platform/storage.js';
import { readClock } from './time/clock-store.js';
import { mergeTrustedKeys } from './trusted-keys.js';

export interface Core {
	storage: LicenseStorage;
	identity: DeviceIdentity;
	api: ServerApi;
	clock: Clock;
	/** The activation portal's address, written into reg.txt and the request QR code. */
	portalUrl: string;
	/** Told when work was queued for the server (a browser asks for Background Sync then). */
	afterQueue?: () => Promise<void>;
	/** Whether device keys are made exportable (CoreOptions.exportableIdentity), restored ones too. */
	exportableIdentity?: boolean;
}

export interface CoreOptions {
	/** Where the licenses, the device identity and the queue are kept (a platform's adapter). */
	storage: LicenseStorage;
	/** The activation server's address, e.g. `https://activation.example.com`. In a page, its own origin by default. */
	server?: string;
	/**
	 * The vendor's published keys (the answer of `GET /api/v1/keys`), shipped with the program so a
	 * computer that has never reached the server can verify its license files.
	 */
	vendorKeys?: PublishedKeySet;
	/** The platform's fetch (the Node adapter's keeps the session cookie). */
	fetch?: typeof globalThis.fetch;
	clock?: Clock;
	/** Called when work was queued for the server (a browser asks for Background Sync). */
	afterQueue?: () => Promise<void>;
	/**
	 * Make a new device key exportable, so that a backup with a passphrase can carry it (a browser's
	 * key is otherwise non-extractable: no script can read it out, and a backup holds the licenses
	 * only). Off by default; the License Manager turns it on. See docs/SDK.md, "Backups".
	 */
	exportableIdentity?: boolean;
	/** Told after every request whether the server answered (a connectivity indicator). */
	onReachability?: (reachable: boolean) => void;
}

function serverOrigin(server: string | undefined): string {
	const given = server ?? (globalThis as { location?: { origin?: string } }).location?.origin;
	if (!given)
		throw new AirlockError(
			'invalid_options',
			'openLicenses needs the activation server’s address (the `server` option).'
		);
	try {
		const url = new URL(given);
		if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(url.protocol);
		return url.origin;
	} catch (cause) {
		throw new AirlockError(
			'invalid_options',
			`The server address “${given}” is not an http(s) address.`,
			undefined,
			{ cause }
		);
	}
}

function storageFailure(error: unknown, storage: LicenseStorage): AirlockError {
	if (error instanceof AirlockError) return error;
	if (error instanceof StorageDamagedError)
		return new AirlockError('storage_damaged', error.message, error.remedy, { cause: error });
	if (error instanceof CorruptIdentityError)
		return new AirlockError(
			'identity_damaged',
			`${error.message} (${storage.description})`,
			'The licenses of this device cannot be used without it. Restore the device from a backup, or clear its data and activate again.',
			{ cause: error }
		);
	return new AirlockError(
		'storage_unavailable',
		`The license storage (${storage.description}) cannot be opened: ${error instanceof Error ? error.message : String(error)}`,
		'Check that the program may write to it and that the disk has room, then try again.',
		{ cause: error }
	);
}

/** Opens the core over a platform's adapters. Rejects with an AirlockError only. */
export async function openCore(options: CoreOptions): Promise<Core> {
	const { storage } = options;
	if (!storage || typeof storage.transaction !== 'function')
		throw new AirlockError('invalid_options', 'openLicenses needs a storage adapter (the `storage` option).');
	const origin = serverOrigin(options.server);
	const clock = options.clock ?? systemClock;
	if (options.vendorKeys !== undefined && !publishedKeySetSchema.safeParse(options.vendorKeys).success)
		throw new AirlockError(
			'invalid_options',
			'The `vendorKeys` option is not a key set: pass the JSON answer of GET /api/v1/keys as it is.'
		);
	try {
		const identity = await loadDeviceIdentity(storage, clock.now(), {
			exportable: options.exportableIdentity === true
		});
		if (options.vendorKeys) await mergeTrustedKeys(storage, options.vendorKeys);
		try {
			await readClock(storage, clock.now());
		} catch (error) {
			// A full storage still opens: its licenses can be checked and the user told why nothing
			// new can be stored; the clock's mark is written again at the next check.
			if (!isStorageFull(error)) throw error;
		}
		return {
			storage,
			identity,
			clock,
			portalUrl: `${origin}/portal`,
			afterQueue: options.afterQueue,
			exportableIdentity: options.exportableIdentity === true,
			api: serverApi(
				createApiClient({ origin, fetch: options.fetch, onReachability: options.onReachability })
			)
		};
	} catch (error) {
		throw storageFailure(error, storage);
	}
}
