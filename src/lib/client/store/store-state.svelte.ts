// The License list and Projects pages' shared state, as runes: the offline copy (read again whenever
// the storage changes), this device's queued edits applied on top, and the actions that queue more.
import { projectNameSchema, storeEditPayloadSchema, type StoreEdit } from '$lib/protocol/store';
import type { ApiError } from '$lib/protocol/api';
import { resumeAfterSignIn } from '$lib/sdk/outbox/outbox';
import type { StoreConflictRow, StoreLicenseRow, StoreProjectRow } from '$lib/sdk/store/store-rows';
import { buildStoreView } from '$lib/sdk/store/store-view';
import { dismissConflict, pullStore, queueStoreEdit, readStoreCopy } from '$lib/sdk/store/store-sync';
import { app } from '../app-state.svelte';

export type EditOutcome = { ok: true } | { ok: false; message: string };

class StoreState {
	// Raw: replaced whole by each read, never mutated; deep proxies of 10,000 rows would cost, and
	// a proxied stamp could not be stored in IndexedDB as the base of an edit.
	licenses = $state.raw<StoreLicenseRow[]>([]);
	projects = $state.raw<StoreProjectRow[]>([]);
	conflicts = $state.raw<StoreConflictRow[]>([]);
	syncedAt = $state<number | null>(null);
	/** Null until the server answered once; false: it asks for a sign-in. */
	signedIn = $state<boolean | null>(null);
	pullError = $state<ApiError | null>(null);
	/** The last pull could not reach the server: the page shows the synced copy and its age. */
	unreachable = $state(false);
	loaded = $state(false);

	/** This device's store edits not refused by the server, applied on top of the synced copy. */
	pending = $derived(
		app.outbox.flatMap((item): StoreEdit[] => {
			if (item.type !== 'store-edit' || item.state === 'failed') return [];
			const parsed = storeEditPayloadSchema.safeParse(item.payload);
			return parsed.success ? [parsed.data.edit] : [];
		})
	);
	view = $derived(buildStoreView(this.licenses, this.projects, this.pending));
	/** Lost edits this device made, not dismissed yet. */
	myConflicts = $derived(
		this.conflicts
			.filter((row) => !row.dismissed && row.lost.edit.stamp.device === app.core?.identity.deviceId)
			.sort((a, b) => b.reportedAt - a.reportedAt)
	);

	private started = false;
	private lastPending = 0;

	async start(): Promise<void> {
		await app.start();
		const core = app.core;
		if (!core || this.started) return;
		this.started = true;
		const read = async () => {
			const copy = await readStoreCopy(core.storage);
			this.licenses = copy.licenses;
			this.projects = copy.projects;
			this.conflicts = copy.conflicts;
			this.syncedAt = copy.syncedAt;
			this.loaded = true;
		};
		core.storage.subscribe((tables) => {
			if (tables.has('storeLicenses') || tables.has('storeProjects') || tables.has('storeConflicts'))
				void read();
		});
		await read();
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

	async pull(): Promise<void> {
		const core = app.core;
		if (!core) return;
		const outcome = await pullStore(core.storage, core.api, core.identity.deviceId, core.clock.now());
		this.unreachable = outcome.kind === 'unreachable';
		if (outcome.kind === 'ok') {
			this.signedIn = true;
			this.pullError = null;
		} else if (outcome.kind === 'refused') {
			this.signedIn = outcome.error.code === 'not_signed_in' ? false : this.signedIn;
			this.pullError = outcome.error.code === 'not_signed_in' ? null : outcome.error;
		}
	}

	async signIn(email: string, password: string): Promise<string | null> {
		const core = app.core;
		if (!core) return null;
		const outcome = await core.api.signIn(email, password);
		if (outcome.kind !== 'ok') return outcome.kind === 'refused' ? outcome.error.message : null;
		await resumeAfterSignIn(core.storage, core.clock.now());
		await this.pull();
		void app.sync(true);
		return null;
	}

	private async queue(make: Parameters<typeof queueStoreEdit>[2]): Promise<void> {
		const core = app.core;
		if (!core) return;
		await queueStoreEdit(
			core.storage,
			core.identity.deviceId,
			(stamp) => $state.snapshot(make(stamp)),
			core.clock.now()
		);
		void app.sync(true);
	}

	async createProject(name: string): Promise<{ ok: true; id: string } | { ok: false; message: string }> {
		const parsed = projectNameSchema.safeParse(name);
		if (!parsed.success) return { ok: false, message: parsed.error.issues[0]!.message };
		const id = crypto.randomUUID();
		await this.queue((stamp) => ({
			kind: 'project-name',
			projectId: id,
			name: parsed.data,
			stamp,
			base: null
		}));
		return { ok: true, id };
	}

	async renameProject(id: string, name: string): Promise<EditOutcome> {
		const parsed = projectNameSchema.safeParse(name);
		if (!parsed.success) return { ok: false, message: parsed.error.issues[0]!.message };
		const base = this.view.state.projects.get(id)?.nameStamp ?? null;
		await this.queue((stamp) => ({ kind: 'project-name', projectId: id, name: parsed.data, stamp, base }));
		return { ok: true };
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
