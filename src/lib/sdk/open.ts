// openLicenses: the client core put together from a platform's adapters — a License Manager in a
// browser, or a vendor's own web app or Node program. One object answers "may this feature run?",
// activates (Instant or Deferred), refreshes, and sends what waits for the server.
import type { ApiError } from '$lib/protocol/api';
import { publishedKeySetSchema, type PublishedKeySet } from '$lib/protocol/vendor-keys';
import { createApiClient } from './api/api-client';
import { serverApi } from './api/server-api';
import type { LicenseCheck } from './check';
import { onLicensesChanged } from './check/changes';
import type { Core } from './core';
import { AirlockError } from './errors';
import { CorruptIdentityError, loadDeviceIdentity } from './identity';
import type { ImportError } from './licenses/import-decision';
import { systemClock, type Clock } from './platform/clock';
import type { FileAccess } from './platform/files';
import { StorageDamagedError, type LicenseStorage } from './platform/storage';
import { readClock } from './time/clock-store';
import { mergeTrustedKeys } from './trusted-keys';
import type { ActivationOutcome, RefreshOutcome } from './workflows/activation';
import type { GeneratedRequest } from './workflows/deferred';
import type { FlushOutcome } from './sync';

export interface OpenLicensesOptions {
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
	files?: FileAccess;
	/** Called when work was queued for the server (a browser asks for Background Sync). */
	afterQueue?: () => Promise<void>;
	/** Told after every request whether the server answered (a connectivity indicator). */
	onReachability?: (reachable: boolean) => void;
}

/** One license file given to importLicenseFiles: its text, and a name to report it by. */
export type LicenseFileInput = string | { name: string; text: string };

export type ImportReport =
	| { ok: true; name: string; licenseNumber: string; replaced: boolean }
	| { ok: false; name: string; error: ImportError };

export type RequestOutcome = ({ ok: true } & GeneratedRequest) | { ok: false; error: ApiError };

export interface Licenses extends Omit<LicenseCheck, 'close'> {
	readonly deviceId: string;
	/** Instant Activation: the account's e-mail and password, and the license numbers to activate. */
	activate(input: { email: string; password: string; licenseNumbers: string[] }): Promise<ActivationOutcome>;
	/** Deferred Activation's request: reg.txt's text and the QR code's text, for licenses of an account. */
	createRequest(licenseNumbers: string[], email: string): Promise<RequestOutcome>;
	/** Verifies and stores license files (.license4d text or a license QR code's text). */
	importLicenseFiles(files: LicenseFileInput[]): Promise<ImportReport[]>;
	/** New and updated licenses, expansions and revocations, from the server. */
	refresh(): Promise<RefreshOutcome>;
	/** Sends what waits for the server now. */
	sync(): Promise<FlushOutcome>;
	/** The parts the License Manager's own pages use (not part of the vendor's API). */
	readonly core: Core;
	close(): Promise<void>;
}

const CLOCK_PERSIST_MS = 60_000;

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

const workflows = () => import('./workflows/activation');
const deferred = () => import('./workflows/deferred');
const requests = () => import('./workflows/requests');
const importing = () => import('./licenses/license-store');

/** Opens the client core over a platform's adapters. Rejects with an AirlockError only. */
export async function openLicenses(options: OpenLicensesOptions): Promise<Licenses> {
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
	let core: Core;
	try {
		const identity = await loadDeviceIdentity(storage, clock.now());
		if (options.vendorKeys) await mergeTrustedKeys(storage, options.vendorKeys);
		await readClock(storage, clock.now());
		core = {
			storage,
			identity,
			clock,
			portalUrl: `${origin}/portal`,
			afterQueue: options.afterQueue,
			api: serverApi(
				createApiClient({ origin, fetch: options.fetch, onReachability: options.onReachability })
			)
		};
	} catch (error) {
		throw storageFailure(error, storage);
	}
	// The check (and the formats it verifies with) loads at the first check: a License Manager shows
	// its list before it checks anything.
	let checker: Promise<LicenseCheck> | null = null;
	const checks = () =>
		(checker ??= import('./check').then(({ openLicenseCheck }) => openLicenseCheck({ storage, clock })));
	let persistedAt = clock.now();
	/**
	 * The clock's mark is kept now and then, not at every check: a check must stay cheap (a write
	 * costs a file's flush to disk), and a mark a minute old still catches a clock set back.
	 */
	const persistClock = async () => {
		const now = clock.now();
		if (now >= persistedAt && now - persistedAt < CLOCK_PERSIST_MS) return;
		persistedAt = now;
		try {
			await readClock(storage, now);
		} catch {
			// A storage that refuses the write now (full, closing): the check still answers from the
			// mark kept last, and the next check tries again.
			persistedAt = 0;
		}
	};

	return {
		core,
		deviceId: core.identity.deviceId,
		async check(query) {
			await persistClock();
			return (await checks()).check(query);
		},
		entitlements: async () => (await checks()).entitlements(),
		onChange: (listener) => onLicensesChanged(storage, listener),
		async activate(input) {
			const { instantActivation } = await workflows();
			return instantActivation(core, input ?? {});
		},
		async createRequest(licenseNumbers, email) {
			const { checkEmail, checkLicenseNumbers } = await requests();
			const numbers = checkLicenseNumbers(licenseNumbers);
			if (!numbers.ok) return numbers;
			const address = checkEmail(email);
			if (!address.ok) return address;
			const { generateRequest } = await deferred();
			return {
				ok: true,
				...(await generateRequest(core, { licenseNumbers: numbers.value, email: address.value }))
			};
		},
		async importLicenseFiles(files) {
			const { importLicenses } = await importing();
			const { loadTrustedKeys } = await import('./trusted-keys');
			const list = (Array.isArray(files) ? files : [files]).map((file, i) =>
				typeof file === 'string'
					? { text: file, source: `file ${i + 1}` }
					: { text: String(file?.text ?? ''), source: String(file?.name ?? `file ${i + 1}`) }
			);
			const results = await importLicenses(storage, list, {
				trustedKeys: await loadTrustedKeys(storage),
				devicePublicKey: core.identity.signer.publicKey,
				now: clock.now()
			});
			return results.map((result, i): ImportReport =>
				result.ok
					? {
							ok: true,
							name: list[i]!.source,
							licenseNumber: result.license.licenseNumber,
							replaced: result.replaced
						}
					: { ok: false, name: list[i]!.source, error: result.error }
			);
		},
		async refresh() {
			const { refreshLicenses } = await workflows();
			return refreshLicenses(core);
		},
		async sync() {
			const { flush } = await import('./sync');
			return flush(core, true);
		},
		async close() {
			(await checker)?.close();
			await storage.close();
		}
	};
}
