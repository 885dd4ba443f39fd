// openLicenses: the client core put together from a platform's adapters — a License Manager in a
// browser, or a vendor's own web app or Node program. One object answers "may this feature run?",
// activates (Instant or Deferred), refreshes, and sends what waits for the server.
import type { ApiError } from '$lib/protocol/api.js';
import type { LicenseCheck } from './check/index.js';
import { onLicensesChanged } from './check/changes.js';
import { openCore, type Core, type CoreOptions } from './core.js';
import { AirlockError } from './errors.js';
import type { ImportError } from './licenses/import-decision.js';
import type { ImportResult } from './licenses/license-store.js';
import type { FileAccess } from './platform/files.js';
import {
	askForDurability,
	readDurability,
	type DurabilityState,
	type StorageDurability
} from './platform/durability.js';
import { readClock } from './time/clock-store.js';
import { loadTrustedKeys } from './trusted-keys.js';
import type { ActivationOutcome, RefreshOutcome } from './workflows/activation.js';
import type { GeneratedRequest } from './workflows/deferred.js';
import type { DeactivateOutcome } from './workflows/deactivation.js';
import type { DeactivationRecord } from './rows.js';
import type { FlushOutcome } from './sync.js';
import type { BackupOutcome, DeviceBackup, RestoreOutcome } from './backup/device-backup.js';

export interface OpenLicensesOptions extends CoreOptions {
	files?: FileAccess;
	/** Whether the platform keeps the storage, and asking it to (browserPlatform gives the Storage API's). */
	durability?: StorageDurability;
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
	/**
	 * Verifies and stores license files (.license4d text, a license QR code's text, or the portal's
	 * code holding several licenses: one report for each license in it).
	 */
	importLicenseFiles(files: LicenseFileInput[]): Promise<ImportReport[]>;
	/**
	 * Load…: asks the `files` adapter for license files (a browser's picker; in Node, the paths the
	 * program names) and imports them. An empty list when the user picked nothing.
	 */
	loadLicenseFiles(): Promise<ImportReport[]>;
	/** Saves a request's reg.txt through the `files` adapter (the save picker, or a path in Node). */
	saveRequest(request: GeneratedRequest): Promise<void>;
	/**
	 * Offline deactivation: the license stops working here at once, and the signed statement that
	 * frees its seat is returned (deactivation.txt and its QR code's text) and queued for the server.
	 * Until the server has it, checks refuse the license with `deactivated_not_reported`.
	 */
	deactivate(licenseNumber: string): Promise<DeactivateOutcome>;
	/** Saves a deactivation statement (deactivation.txt) through the `files` adapter. */
	saveDeactivation(record: DeactivationRecord): Promise<void>;
	/** New and updated licenses, expansions and revocations, from the server. */
	refresh(): Promise<RefreshOutcome>;
	/** Sends what waits for the server now. */
	sync(): Promise<FlushOutcome>;
	/**
	 * Back up this device: every license and emergency code and, only with a passphrase, the device's
	 * identity encrypted (docs/FORMATS.md §10). Whoever holds the file and the passphrase can act as
	 * this device.
	 */
	backup(options?: { passphrase?: string }): Promise<BackupOutcome>;
	/** Saves a backup through the `files` adapter (the save picker, or a path in Node). */
	saveBackup(backup: DeviceBackup): Promise<void>;
	/**
	 * Restores a backup's text; a refused one changes nothing. After `report.identityReplaced` this
	 * object already speaks for the restored device (`deviceId`), but other open instances (tabs,
	 * processes) must be opened again.
	 */
	restoreBackup(text: string, options?: { passphrase?: string }): Promise<RestoreOutcome>;
	/** Whether the platform keeps this storage until the user deletes it (`best-effort`: suggest a backup). */
	storageDurability(): Promise<DurabilityState>;
	/**
	 * Asks the platform to keep the storage (a browser's `navigator.storage.persist()`). Done by
	 * itself when the first license is stored here (an activation, a file loaded, a restore); a
	 * program may also ask at install.
	 */
	keepStorage(): Promise<DurabilityState>;
	/** The parts the License Manager's own pages use (not part of the vendor's API). */
	readonly core: Core;
	close(): Promise<void>;
}

const CLOCK_PERSIST_MS = 60_000;

function reportOf(name: string, result: ImportResult): ImportReport {
	return result.ok
		? { ok: true, name, licenseNumber: result.license.licenseNumber, replaced: result.replaced }
		: { ok: false, name, error: result.error };
}

const workflows = () => import('./workflows/activation.js');
const deferred = () => import('./workflows/deferred.js');
const deactivation = () => import('./workflows/deactivation.js');
const requests = () => import('./workflows/requests.js');
const importing = () => import('./licenses/license-store.js');
const batches = () => import('./licenses/license-batch-input.js');

/** Opens the client core over a platform's adapters. Rejects with an AirlockError only. */
export async function openLicenses(options: OpenLicensesOptions): Promise<Licenses> {
	const core = await openCore(options);
	const { storage, clock } = core;
	// The check (and the formats it verifies with) loads at the first check: a License Manager shows
	// its list before it checks anything.
	let checker: Promise<LicenseCheck> | null = null;
	const checks = () =>
		(checker ??= import('./check/index.js').then(({ openLicenseCheck }) =>
			openLicenseCheck({ storage, clock })
		));
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

	const filesAdapter = (): FileAccess => {
		if (!options.files)
			throw new AirlockError(
				'invalid_options',
				'Loading and saving files needs a files adapter (the `files` option; browserPlatform() and nodePlatform() give one).'
			);
		return options.files;
	};

	async function importLicenseFiles(files: LicenseFileInput[]): Promise<ImportReport[]> {
		const [{ importLicenses }, { expandLicenseBatches }] = await Promise.all([importing(), batches()]);
		const inputs = expandLicenseBatches(
			(Array.isArray(files) ? files : [files]).map((file, i) =>
				typeof file === 'string'
					? { text: file, source: `file ${i + 1}` }
					: { text: String(file?.text ?? ''), source: String(file?.name ?? `file ${i + 1}`) }
			)
		);
		const readable = inputs.flatMap((input) => ('text' in input ? [input] : []));
		const results = await importLicenses(storage, readable, {
			trustedKeys: await loadTrustedKeys(storage),
			devicePublicKey: core.identity.signer.publicKey,
			now: clock.now()
		});
		// Reports in the order given: a damaged batch code where it was.
		let next = 0;
		return inputs.map((input): ImportReport => {
			if (!('text' in input)) return { ok: false, name: input.source, error: input.error };
			return reportOf(input.source, results[next++]!);
		});
	}

	const backups = () => import('./backup/device-backup.js');
	const durability = options.durability;
	let askedToKeep: Promise<DurabilityState> | null = null;
	/** Asked once a process: Firefox prompts at every ask, and a refusal does not change by asking again. */
	const keepStorage = () =>
		durability ? (askedToKeep ??= askForDurability(durability)) : Promise.resolve<DurabilityState>('unknown');
	/** After something worth keeping was stored. Never fails the action it follows. */
	const keepAfterStoring = (stored: boolean) => {
		if (stored) void keepStorage();
	};

	return {
		core,
		get deviceId() {
			return core.identity.deviceId;
		},
		async check(query) {
			await persistClock();
			return (await checks()).check(query);
		},
		entitlements: async () => (await checks()).entitlements(),
		onChange: (listener) => onLicensesChanged(storage, listener),
		async activate(input) {
			const { instantActivation } = await workflows();
			const outcome = await instantActivation(core, input ?? {});
			keepAfterStoring(outcome.kind === 'activated');
			return outcome;
		},
		async createRequest(licenseNumbers, email) {
			const { checkEmail, checkLicenseNumbers } = await requests();
			const numbers = checkLicenseNumbers(licenseNumbers);
			if (!numbers.ok) return numbers;
			const address = checkEmail(email);
			if (!address.ok) return address;
			const { generateRequest, refusedForDeferred } = await deferred();
			const refused = await refusedForDeferred(core, numbers.value);
			if (refused.length > 0)
				return {
					ok: false,
					error: { code: refused[0]!.code, message: refused.map((r) => r.message).join(' ') }
				};
			return {
				ok: true,
				...(await generateRequest(core, { licenseNumbers: numbers.value, email: address.value }))
			};
		},
		async importLicenseFiles(files) {
			const reports = await importLicenseFiles(files);
			keepAfterStoring(reports.some((report) => report.ok));
			return reports;
		},
		async loadLicenseFiles() {
			const { pickLicenseFiles, checkFiles, storeConfirmed } = await deferred();
			const picked = await pickLicenseFiles(filesAdapter());
			if (picked.length === 0) return [];
			const loaded = await checkFiles(core, picked);
			const stored = await storeConfirmed(core, loaded);
			keepAfterStoring(stored.some((result) => result.ok));
			// Reports in the order of the files: the refused ones where they were.
			let next = 0;
			return loaded.map(({ name, outcome }): ImportReport => {
				if (!outcome.ok) return { ok: false, name, error: outcome.error };
				return reportOf(name, stored[next++]!);
			});
		},
		async saveRequest(request) {
			const { saveRegFile } = await deferred();
			await saveRegFile(filesAdapter(), request);
		},
		async deactivate(licenseNumber) {
			return (await deactivation()).deactivateLicense(core, String(licenseNumber ?? ''));
		},
		async saveDeactivation(record) {
			await (await deactivation()).saveDeactivationFile(filesAdapter(), record);
		},
		async refresh() {
			const { refreshLicenses } = await workflows();
			return refreshLicenses(core);
		},
		async sync() {
			const { flush } = await import('./sync.js');
			return flush(core, true);
		},
		async backup(backupOptions) {
			return (await backups()).backUpDevice(core, backupOptions);
		},
		async saveBackup(backup) {
			await filesAdapter().save(backup.fileName, backup.text, {
				extensions: ['.json'],
				mimeType: 'application/json'
			});
		},
		async restoreBackup(text, restoreOptions) {
			const outcome = await (await backups()).restoreDevice(core, String(text ?? ''), restoreOptions);
			keepAfterStoring(outcome.ok);
			return outcome;
		},
		storageDurability: async () => (durability ? readDurability(durability) : 'unknown'),
		keepStorage,
		async close() {
			(await checker)?.close();
			await storage.close();
		}
	};
}
