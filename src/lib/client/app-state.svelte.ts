// What every screen shows, as runes, over the client core (src/lib/sdk): the licenses, the outbox and
// the connection, read again whenever the storage changes — here, in another tab or in the service
// worker — so every change shows at once. Every page starts here, so it imports nothing it does not
// need at start: the workflows (and zod, and the formats) load when there is work for them.
// The first view (the home page's list) is read without Dexie (first-view.ts); Dexie, the core and
// everything that writes or talks to the server load after it is on screen (app-core.ts).
import type { Licenses } from '$lib/sdk/open';
import type { DurabilityState } from '$lib/sdk/platform/durability';
import type { Core } from '$lib/sdk/core';
import type { LicenseClock } from '$lib/sdk/licenses/license-view';
import { readLicenses } from '$lib/sdk/licenses/license-rows';
import type { LicenseStorage, StorageClosed, TableName } from '$lib/sdk/platform/storage';
import { isStorageClosed, isStorageFull } from '$lib/sdk/platform/storage';
import type { LicenseRow, OutboxItem } from '$lib/sdk/rows';
import { readFirstView } from './first-view';
import { dropSnapshot } from './first-view-snapshot';
import { onActionFault } from './actions';
import { problemAtStart, problemOfClosed, type StorageProblem } from './storage-problem';

type AppCore = typeof import('./app-core');

const PROBE_INTERVAL_MS = 15_000;

/** Resolves once what was just rendered has been painted (or soon, in a tab that is not drawn). */
function afterPaint(): Promise<void> {
	return new Promise((resolve) => {
		requestAnimationFrame(() => setTimeout(resolve, 0));
		setTimeout(resolve, 100);
	});
}
const CLOCK_INTERVAL_MS = 60_000;

class AppState {
	/** The client core, once open. */
	sdk = $state.raw<Licenses | null>(null);
	core = $derived(this.sdk?.core ?? null);
	/** This device's id: from the first view's read, before the core is open (null: none yet). */
	deviceId = $state<string | null>(null);
	/**
	 * Why the storage cannot be used: it could not be opened, or it went away while the page was
	 * open. Every page says so, and nothing is shown as kept or waiting.
	 */
	storageProblem = $state<StorageProblem | null>(null);
	licenses = $state<LicenseRow[]>([]);
	/** Whether `licenses` and `clock` hold what is stored (not the empty start values). */
	licensesRead = $state(false);
	/** Whether the storage is open and its licenses, outbox and last contact read through it. */
	opened = $state(false);
	outbox = $state<OutboxItem[]>([]);
	/** The last answer of the server, whatever the request (a sync, an activation, a health check). */
	lastSyncAt = $state<number | null>(null);
	/** The truth about the connection: a failed request counts, not only navigator.onLine. */
	online = $state(true);
	/** The trusted clock (protocol/trusted-clock.ts); the device clock until the first reading. */
	clock = $state<LicenseClock>({ effectiveNow: Date.now(), problem: null });
	/** Operations waiting for the server (not those waiting for the user: a sign-in, or a Retry). */
	pending = $derived(
		this.outbox.filter((item) => item.state === 'queued' || item.state === 'sending').length
	);
	/** Operations that wait for the user to sign in (their account's session ended, or none was kept). */
	needsYou = $derived(this.outbox.filter((item) => item.state === 'needs-sign-in').length);
	/** Operations the server refused for good, shown with its reason until retried. */
	failed = $derived(this.outbox.filter((item) => item.state === 'failed').length);
	/**
	 * Whether the browser keeps this site's data (null until read): asked at the first license and
	 * at install; `best-effort` is said with a suggestion to back up the device.
	 */
	durability = $state<DurabilityState | null>(null);
	private starting: Promise<void> | null = null;
	/** The modules loaded after the first view (app-core.ts), once loaded. */
	private lib: AppCore | null = null;

	/** Opens the License Manager once; every caller waits for the same start (pages and layout). */
	start(): Promise<void> {
		this.starting ??= this.open();
		return this.starting;
	}

	/** A storage closed under the page stops it (once); anything else is the caller's. */
	private stopIfClosed(error: unknown): boolean {
		if (!isStorageClosed(error)) return false;
		this.stop(
			(error as { closed?: StorageClosed }).closed ?? {
				reason: 'closed',
				message: error instanceof Error ? error.message : String(error)
			}
		);
		return true;
	}

	private stop(closed: StorageClosed): void {
		if (this.storageProblem) return;
		this.storageProblem = problemOfClosed(closed);
		dropSnapshot();
		// Deleted or taken away: what is on screen is no longer on this device, and must not look
		// usable (a newer version elsewhere only closed it: the licenses are still there).
		if (closed.reason !== 'upgraded-elsewhere') {
			this.licenses = [];
			this.outbox = [];
		}
	}

	private async readRows(storage: LicenseStorage, tables: ReadonlySet<TableName>): Promise<void> {
		try {
			await this.readRowsOnce(storage, tables);
		} catch (error) {
			if (!this.stopIfClosed(error)) throw error;
		}
	}

	private async readRowsOnce(storage: LicenseStorage, tables: ReadonlySet<TableName>): Promise<void> {
		const reads: Promise<void>[] = [];
		if (tables.has('licenses'))
			reads.push(
				readLicenses(storage).then((rows) => {
					const first = this.licenses.length === 0 && rows.length > 0;
					this.licenses = rows;
					// Changed, maybe where no home page redraws the snapshot: it goes (a home page
					// open takes it again from what it now shows).
					dropSnapshot();
					// The first license here (whichever way it came): ask the browser to keep it.
					if (first && this.durability === 'best-effort') void this.keepStorage();
				})
			);
		const lib = this.lib;
		if (lib && tables.has('outbox'))
			reads.push(
				lib.readOutbox(storage).then((items) => {
					this.outbox = items;
					dropSnapshot();
				})
			);
		if (lib && tables.has('syncState'))
			reads.push(lib.readLastContact(storage).then((at) => void (this.lastSyncAt = at)));
		await Promise.all(reads);
	}

	private async open(): Promise<void> {
		this.online = navigator.onLine;
		// The first view first, read without Dexie: the list is what the home page is for. A
		// browser whose database cannot be read at all is told so by the full start below.
		const first = await readFirstView(Date.now()).catch((error: unknown) => {
			console.warn('The first view could not be read; the License Manager opens without it:', error);
			return null;
		});
		if (first) {
			this.licenses = first.licenses;
			this.clock = first.clock;
			this.deviceId = first.deviceId;
			this.licensesRead = true;
			await afterPaint();
		}
		const lib = (this.lib = await import('./app-core'));
		const { dexieStorage, LicenseManagerDatabase, openLicenses } = lib;
		// The rows and the clock they are judged by are read again while the identity opens, not after.
		const storage = dexieStorage(new LicenseManagerDatabase());
		// Heard first, so that a deletion during the start is not missed.
		storage.onClosed((closed) => this.stop(closed));
		onActionFault((error) => void this.stopIfClosed(error));
		// What escapes every handler (a read started by an event, say) and means the storage is gone
		// stops the page with its message instead of reaching the user as an error.
		window.addEventListener('unhandledrejection', (event) => {
			if (this.stopIfClosed(event.reason)) event.preventDefault();
		});
		const firstRead = Promise.all([readLicenses(storage), this.readClockOf(storage)]);
		// Awaited only once the core is open: if it cannot be, the same failure is reported once, below.
		firstRead.catch(() => undefined);
		try {
			this.sdk = await openLicenses({
				storage,
				files: lib.browserFiles(),
				durability: lib.browserDurability(),
				// So that "Back up this device" with a passphrase can carry the identity (docs/SDK.md).
				exportableIdentity: true,
				afterQueue: lib.requestBackgroundSync,
				onReachability: (reachable) => (this.online = reachable)
			});
		} catch (error) {
			console.error('The License Manager could not open its storage:', error);
			this.storageProblem = problemAtStart(error);
			dropSnapshot();
			// Nothing read through a storage that cannot be used is shown as kept.
			this.licenses = [];
			this.licensesRead = false;
			return;
		}
		let rows: LicenseRow[];
		try {
			[rows] = await firstRead;
		} catch (error) {
			if (this.stopIfClosed(error)) return;
			throw error;
		}
		this.licenses = rows;
		this.deviceId = this.sdk?.core.identity.deviceId ?? null;
		this.licensesRead = true;
		void this.followDurability();
		// Installed: the moment Chromium most readily grants durable storage.
		window.addEventListener('appinstalled', () => void this.keepStorage());
		storage.subscribe((tables) => void this.readRows(storage, tables));
		// What the service worker stored (a Background Sync) reaches the page by its message.
		const everything = new Set<TableName>(['licenses', 'outbox', 'syncState']);
		navigator.serviceWorker?.addEventListener('message', (event: MessageEvent) => {
			if ((event.data as { type?: string } | null)?.type === 'STORAGE_CHANGED')
				void this.readRows(storage, everything);
		});
		await this.readRows(storage, new Set<TableName>(['outbox', 'syncState']));
		this.opened = true;
		setInterval(() => void this.readClock(), CLOCK_INTERVAL_MS);
		window.addEventListener('online', () => void this.sync(true));
		window.addEventListener('offline', () => (this.online = false));
		// While offline (or with work queued), probe now and then: the first answer flushes the queue.
		setInterval(() => {
			if (!this.online || this.pending > 0) void this.sync(false);
		}, PROBE_INTERVAL_MS);
		void this.sync(true);
	}

	/** Reads whether the data is kept; asks for it once there is a license worth keeping. */
	private async followDurability(): Promise<void> {
		const sdk = this.sdk;
		if (!sdk) return;
		this.durability = await sdk.storageDurability();
		if (this.licenses.length > 0 && this.durability === 'best-effort') await this.keepStorage();
	}

	/** Asks the browser to keep this site's data (once a page: see Licenses.keepStorage). */
	async keepStorage(): Promise<void> {
		if (this.sdk) this.durability = await this.sdk.keepStorage();
	}

	/** Reads the device clock into the trusted clock (and any signed server time received). */
	async readClock(): Promise<void> {
		if (this.core) await this.readClockOf(this.core.storage);
	}

	private async readClockOf(storage: LicenseStorage): Promise<void> {
		try {
			const lib = this.lib ?? (await import('./app-core'));
			this.clock = (await lib.readClock(storage, Date.now())).verdict;
		} catch (error) {
			if (this.stopIfClosed(error)) return;
			// Storage refused (full, or closing): keep the last verdict, try again at the next reading.
			console.error('Reading the trusted clock failed:', error);
		}
	}

	async sync(force: boolean): Promise<void> {
		try {
			await this.syncOnce(force);
		} catch (error) {
			if (this.stopIfClosed(error)) return;
			// A full storage stops this round (nothing half-written: each write is one transaction);
			// the queue stays as it was and the next round tries again. Anything else is a bug.
			if (!isStorageFull(error)) throw error;
			console.warn('Sync stopped: the browser has no room left to store what it brought.');
		}
	}

	private async syncOnce(force: boolean): Promise<void> {
		const core: Core | null = this.core;
		const lib = this.lib;
		if (!core || !lib || this.storageProblem) return;
		// Asked of the storage, not of this.outbox: at start-up the first read may not be done yet.
		if ((await lib.countDue(core.storage)) === 0) {
			// Nothing to send: a light request still tells whether the server is there, confirms the
			// time, and keeps the trusted keys current for verifying license files offline.
			await lib.checkServer(core);
		} else {
			const { flush } = await import('$lib/sdk/sync');
			const outcome = await flush(core, force);
			// Nothing sent here: another context (the service worker, another tab) may have held the
			// queue and sent it, and its writes are not announced to this page by IndexedDB.
			if (outcome.sent === 0) {
				// Nothing was due (items waiting out a delay): a sync asked for still hears from the
				// server — its time and a contact — as when nothing is queued.
				if (force && !outcome.unreachable) await lib.checkServer(core);
				await this.readRows(core.storage, new Set(['licenses', 'outbox', 'syncState']));
			}
		}
		await this.readClock();
	}
}

export const app = new AppState();
