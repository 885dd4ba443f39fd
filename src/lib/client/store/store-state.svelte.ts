// The License list and Projects pages' shared state, as runes: the offline copy of one account (read
// again whenever the storage changes), that account's queued edits applied on top, and the actions
// that queue more. The copy shown is the one of the account remembered as signed in (another tab's
// sign-in or sign-out is followed at once); with none, nothing is shown but the sign-in.
import { projectNameSchema, type Stamp, type StoreEdit } from '$lib/protocol/store';
import type { ApiError } from '$lib/protocol/api';
import { queuedFor, sessionEndedAccount, signedInAccount, signIn, signOut } from '$lib/sdk/account';
import type { StoreConflictRow, StoreLicenseRow, StoreProjectRow } from '$lib/sdk/store/store-rows';
import { buildStoreView, pendingEdits, waitingForOtherAccounts } from '$lib/sdk/store/store-view';
import { dismissConflict, pullStore, queueStoreEdit, readStoreCopy } from '$lib/sdk/store/store-sync';
import { t } from '$lib/i18n';
import { app } from '../app-state.svelte';

export type EditOutcome = { ok: true } | { ok: false; message: string };
export type SignOutOutcome = { ok: true } | { ok: false; offline: true };

class StoreState {
	// Raw: replaced whole by each read, never mutated; deep proxies of 10,000 rows would cost, and
	// a proxied stamp could not be stored in IndexedDB as the base of an edit.
	licenses = $state.raw<StoreLicenseRow[]>([]);
	projects = $state.raw<StoreProjectRow[]>([]);
	conflicts = $state.raw<StoreConflictRow[]>([]);
	syncedAt = $state<number | null>(null);
	/**
	 * Whose copy is shown: the account remembered as signed in, or the one whose session the server
	 * has just said ended (its copy stays on show, with its age, until someone signs in). Null: none.
	 */
	account = $state<string | null>(null);
	/** Null until the server answered once; false: it has no session (the user must sign in). */
	signedIn = $state<boolean | null>(null);
	pullError = $state<ApiError | null>(null);
	/** The last pull could not reach the server: the page shows the synced copy and its age. */
	unreachable = $state(false);
	loaded = $state(false);

	/** The shown account's store edits not refused by the server, applied on top of its copy. */
	pending = $derived<StoreEdit[]>(pendingEdits(app.outbox, this.account));
	/** Other accounts' edits queued here: never applied on this copy, they wait for their account. */
	othersWaiting = $derived(waitingForOtherAccounts(app.outbox, this.account));
	view = $derived(buildStoreView(this.licenses, this.projects, this.pending));
	/** Lost edits this device made, not dismissed yet. */
	myConflicts = $derived(
		this.conflicts
			.filter((row) => !row.dismissed && row.lost.edit.stamp.device === app.core?.identity.deviceId)
			.sort((a, b) => b.reportedAt - a.reportedAt)
	);

	private started = false;
	private lastPending = 0;
	private pulling: Promise<void> | null = null;
	private pullAgain = false;

	async start(): Promise<void> {
		await app.start();
		const core = app.core;
		if (!core || this.started) return;
		this.started = true;
		core.storage.subscribe((tables) => {
			if (tables.has('settings')) void this.follow();
			if (tables.has('storeLicenses') || tables.has('storeProjects') || tables.has('storeConflicts'))
				void this.read();
		});
		const remembered = await signedInAccount(core.storage);
		// A session that ended on the server (not by a sign-out here): its copy is shown, said to be one.
		const ended = remembered === null ? await sessionEndedAccount(core.storage) : null;
		if (ended !== null) this.signedIn = false;
		await this.show(remembered ?? ended);
		$effect.root(() => {
			// When the queue empties (edits reached the server), fetch the result of everyone's edits.
			$effect(() => {
				const waiting = app.pending;
				if (waiting === 0 && this.lastPending > 0) void this.pull();
				this.lastPending = waiting;
			});
			$effect(() => {
				if (app.online && this.unreachable) void this.pull();
			});
		});
		// Coming back to the app: another device may have changed the list meanwhile.
		document.addEventListener('visibilitychange', () => {
			if (document.visibilityState === 'visible') void this.pull();
		});
		await this.pull();
	}

	/** Shows `account`'s copy, or nothing: the previous account's rows are gone before the next render. */
	private async show(account: string | null): Promise<void> {
		if (account !== this.account) {
			this.account = account;
			this.licenses = [];
			this.projects = [];
			this.conflicts = [];
			this.syncedAt = null;
			this.pullError = null;
		}
		await this.read();
	}

	private async read(): Promise<void> {
		const core = app.core;
		if (!core) return;
		const account = this.account;
		const copy = await readStoreCopy(core.storage, account);
		// Another account was shown meanwhile: its own read is the one that counts.
		if (account !== this.account) return;
		this.licenses = copy.licenses;
		this.projects = copy.projects;
		this.conflicts = copy.conflicts;
		this.syncedAt = copy.syncedAt;
		this.loaded = true;
	}

	/** Follows the account remembered as signed in, when another tab or page signed in or out. */
	private async follow(): Promise<void> {
		const core = app.core;
		if (!core) return;
		// A pull asks the server and may change the remembered account: what it concludes comes first.
		await this.pulling;
		const remembered = await signedInAccount(core.storage);
		if (remembered === this.account) return;
		if (remembered === null && this.signedIn === false) return; // the ended session's copy, on show
		this.signedIn = remembered === null ? false : null;
		await this.show(remembered);
		if (remembered !== null) void this.pull();
	}

	/** Pulls the copy of the account signed in; asked again while one runs, it runs once more after. */
	pull(): Promise<void> {
		if (this.pulling) {
			this.pullAgain = true;
			return this.pulling;
		}
		this.pulling = (async () => {
			try {
				do {
					this.pullAgain = false;
					await this.pullOnce();
				} while (this.pullAgain);
			} finally {
				this.pulling = null;
			}
		})();
		return this.pulling;
	}

	private async pullOnce(): Promise<void> {
		const core = app.core;
		if (!core) return;
		const outcome = await pullStore(core);
		this.unreachable = outcome.kind === 'unreachable';
		if (outcome.kind === 'ok') {
			this.signedIn = true;
			this.pullError = null;
			await this.show(outcome.account);
		} else if (outcome.kind === 'signed-out') {
			this.signedIn = false;
			this.pullError = null;
		} else if (outcome.kind === 'refused') {
			this.pullError = outcome.error;
		}
	}

	/** Signs in; the copy shown becomes the account's own. Returns the error to show, or null. */
	async signIn(email: string, password: string): Promise<string | null> {
		const core = app.core;
		if (!core) return null;
		const outcome = await signIn(core, email, password);
		if (!outcome.ok) return outcome.error?.message ?? t.store.signInUnreachable;
		this.signedIn = true;
		await this.show(outcome.email);
		await this.pull();
		void app.sync(true);
		return null;
	}

	/** How many of the shown account's changes have not reached the server yet (for the sign-out). */
	async queuedCount(): Promise<number> {
		const core = app.core;
		return core && this.account ? (await queuedFor(core.storage, this.account)).length : 0;
	}

	/**
	 * Ends the session on the server; the account's queued work is kept for its next sign-in unless
	 * `discardQueued`. Its copy stays on the device for then, shown to no one meanwhile.
	 */
	async signOut(discardQueued: boolean): Promise<SignOutOutcome> {
		const core = app.core;
		if (!core) return { ok: false, offline: true };
		const outcome = await signOut(core, { discardQueued });
		if (!outcome.ok) return { ok: false, offline: true };
		this.signedIn = false;
		await this.show(null);
		return { ok: true };
	}

	private async queue(make: (stamp: Stamp) => StoreEdit): Promise<boolean> {
		const core = app.core;
		const account = this.account;
		// Nothing is shown with no account, so nothing can be edited: an edit belongs to a copy.
		if (!core || account === null) return false;
		await queueStoreEdit(
			core.storage,
			core.identity.deviceId,
			account,
			(stamp) => $state.snapshot(make(stamp)),
			core.clock.now()
		);
		void app.sync(true);
		return true;
	}

	async createProject(name: string): Promise<{ ok: true; id: string } | { ok: false; message: string }> {
		const parsed = projectNameSchema.safeParse(name);
		if (!parsed.success) return { ok: false, message: parsed.error.issues[0]!.message };
		const id = crypto.randomUUID();
		const queued = await this.queue((stamp) => ({
			kind: 'project-name',
			projectId: id,
			name: parsed.data,
			stamp,
			base: null
		}));
		return queued ? { ok: true, id } : { ok: false, message: t.store.signInFirst };
	}

	async renameProject(id: string, name: string): Promise<EditOutcome> {
		const parsed = projectNameSchema.safeParse(name);
		if (!parsed.success) return { ok: false, message: parsed.error.issues[0]!.message };
		const base = this.view.state.projects.get(id)?.nameStamp ?? null;
		const queued = await this.queue((stamp) => ({
			kind: 'project-name',
			projectId: id,
			name: parsed.data,
			stamp,
			base
		}));
		return queued ? { ok: true } : { ok: false, message: t.store.signInFirst };
	}

	async deleteProject(id: string): Promise<void> {
		const base = this.view.state.projects.get(id)?.nameStamp ?? null;
		await this.queue((stamp) => ({ kind: 'project-delete', projectId: id, stamp, base }));
	}

	async link(licenseNumber: string, projectId: string | null): Promise<void> {
		const base = this.view.state.links.get(licenseNumber)?.stamp ?? null;
		await this.queue((stamp) => ({ kind: 'license-link', licenseNumber, projectId, stamp, base }));
	}

	/** Releasing a seat needs the server: it is never queued (the owner must see it happen). */
	async release(
		licenseNumber: string,
		deviceId: string
	): Promise<{ ok: true } | { ok: false; offline: boolean; message: string }> {
		const core = app.core;
		if (!core) return { ok: false, offline: false, message: '' };
		const outcome = await core.api.releaseSeat(licenseNumber, deviceId);
		if (outcome.kind === 'unreachable') return { ok: false, offline: true, message: '' };
		if (outcome.kind === 'refused') return { ok: false, offline: false, message: outcome.error.message };
		await this.pull();
		return { ok: true };
	}

	async dismiss(id: string): Promise<void> {
		if (app.core) await dismissConflict(app.core.storage, id);
	}
}

export const store = new StoreState();
