// What every screen shows, as runes: the licenses, the outbox and the connection, kept live from
// IndexedDB (Dexie liveQuery), so a change made by another tab or the service worker shows at once.
// Every page starts here, so it imports nothing it does not need at start: the workflows (and zod,
// and the formats) load when there is work for them (license-manager.ts).
import { liveQuery } from 'dexie';
import { database, type LicenseManagerDatabase } from './db/database';
import type { LicenseRow, OutboxItem } from './db/schemas';
import { outboxItemSchema } from './db/schemas';
import { isStorageFull } from './db/storage-full';
import type { LicenseClock } from './licenses/license-view';
import { readLicenses } from './licenses/license-rows';
import { openLicenseManager, type LicenseManager } from './manager';
import { checkServer } from './server-status';
import { readClock } from './time/clock-store';

const PROBE_INTERVAL_MS = 15_000;
const CLOCK_INTERVAL_MS = 60_000;

class AppState {
	manager = $state<LicenseManager | null>(null);
	startError = $state<string | null>(null);
	licenses = $state<LicenseRow[]>([]);
	/** Whether `licenses` and `clock` hold what is stored (not the empty start values). */
	licensesRead = $state(false);
	outbox = $state<OutboxItem[]>([]);
	lastSyncAt = $state<number | null>(null);
	/** The truth about the connection: a failed request counts, not only navigator.onLine. */
	online = $state(true);
	/** The trusted clock (time/trusted-clock.ts); the device clock until the first reading. */
	clock = $state<LicenseClock>({ effectiveNow: Date.now(), problem: null });
	/** Operations still to be sent (a failed one is not: it waits for the user's Retry). */
	pending = $derived(this.outbox.filter((item) => item.state !== 'done' && item.state !== 'failed').length);
	/** Operations the server refused for good, shown with its reason until retried. */
	failed = $derived(this.outbox.filter((item) => item.state === 'failed').length);
	private starting: Promise<void> | null = null;

	/** Opens the License Manager once; every caller waits for the same start (pages and layout). */
	start(): Promise<void> {
		this.starting ??= this.open();
		return this.starting;
	}

	private async open(): Promise<void> {
		this.online = navigator.onLine;
		// The list is what the first view is for: its rows and the clock they are judged by are read
		// while the identity opens, not after.
		const db = database();
		let latest: LicenseRow[] = [];
		let firstRead = () => {};
		const rowsRead = new Promise<void>((resolve) => (firstRead = resolve));
		liveQuery(() => readLicenses(db)).subscribe((rows) => {
			latest = rows;
			if (this.licensesRead) this.licenses = rows;
			firstRead();
		});
		const clockRead = this.readClockOf(db);
		try {
			this.manager = await openLicenseManager({
				db,
				onReachability: (reachable) => (this.online = reachable)
			});
		} catch (error) {
			this.startError = error instanceof Error ? error.message : String(error);
			return;
		}
		await Promise.all([rowsRead, clockRead]);
		this.licenses = latest;
		this.licensesRead = true;
		liveQuery(async () =>
			(await db.outbox.orderBy('createdAt').toArray()).flatMap((row) =>
				outboxItemSchema.safeParse(row).success ? [row] : []
			)
		).subscribe((items) => (this.outbox = items));
		liveQuery(() => db.syncState.get('lastSuccessfulSyncAt')).subscribe(
			(row) => (this.lastSyncAt = typeof row?.value === 'number' ? row.value : null)
		);
		setInterval(() => void this.readClock(), CLOCK_INTERVAL_MS);
		window.addEventListener('online', () => void this.sync(true));
		window.addEventListener('offline', () => (this.online = false));
		// While offline (or with work queued), probe now and then: the first answer flushes the queue.
		setInterval(() => {
			if (!this.online || this.pending > 0) void this.sync(false);
		}, PROBE_INTERVAL_MS);
		void this.sync(true);
	}

	/** Reads the device clock into the trusted clock (and any signed server time received). */
	async readClock(): Promise<void> {
		if (this.manager) await this.readClockOf(this.manager.db);
	}

	private async readClockOf(db: LicenseManagerDatabase): Promise<void> {
		try {
			this.clock = (await readClock(db, Date.now())).verdict;
		} catch (error) {
			// Storage refused (full, or closing): keep the last verdict, try again at the next reading.
			console.error('Reading the trusted clock failed:', error);
		}
	}

	async sync(force: boolean): Promise<void> {
		try {
			await this.syncOnce(force);
		} catch (error) {
			// A full storage stops this round (nothing half-written: each write is one transaction);
			// the queue stays as it was and the next round tries again. Anything else is a bug.
			if (!isStorageFull(error)) throw error;
			console.warn('Sync stopped: the browser has no room left to store what it brought.');
		}
	}

	private async syncOnce(force: boolean): Promise<void> {
		if (!this.manager) return;
		// Asked of the database, not of this.outbox: at start-up the live query has not answered yet.
		const due = await this.manager.db.outbox.where('state').anyOf('queued', 'sending').count();
		if (due === 0) {
			// Nothing to send: a light request still tells whether the server is there, confirms the
			// time, and keeps the trusted keys current for verifying license files offline.
			await checkServer(this.manager);
		} else {
			const { flush } = await import('./license-manager');
			await flush(this.manager, force);
		}
		await this.readClock();
	}
}

export const app = new AppState();
