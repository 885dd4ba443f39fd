// "May this feature run on this computer?" — answered offline from the licenses in a storage, each
// read back from its signed text (verified once, cached), on the trusted clock. This module is the
// whole of what a page that only checks licenses needs: it loads neither the workflows nor zod, and
// works over any storage adapter, the read-only IndexedDB reader included.
import { trustedKeysFrom, publishedKeySetSchema, type TrustedKeys } from '$lib/protocol/vendor-keys.js';
import {
	clockVerdict,
	initialClockState,
	observeDeviceTime,
	type ClockState
} from '$lib/protocol/trusted-clock.js';
import { systemClock, type Clock } from '../platform/clock.js';
import type { LicenseStorage } from '../platform/storage.js';
import { isStorageClosed } from '../platform/storage-closed.js';
import { onLicensesChanged } from './changes.js';
import { IDENTITY_ROW_ID, identityRowSchema, licenseRowSchema, type LicenseRow } from '../rows.js';
import { CLOCK_KEY, storedClockState } from '../time/clock-state.js';
import {
	checkLicenses,
	entitlementsOf,
	type Candidate,
	type CheckResult,
	type Entitlement,
	type TrustedTime
} from './evaluate.js';
import { verificationCache } from './verify-stored.js';
import { CHECK_REASONS } from './reasons.js';

export { CHECK_REASONS, type CheckReason } from './reasons.js';
export type { CheckResult, Entitlement, LicenseSummary } from './evaluate.js';

export interface LicenseCheck {
	/** This computer's device id, or null before its identity was made (nothing activated yet). */
	readonly deviceId: string | null;
	/** Whether `product` (and its `expansion`, if asked) may run on this computer now. Never throws. */
	check(query: { product: string; expansion?: string }): Promise<CheckResult>;
	/** Every application license on this computer, with its expansions and whether each may run. */
	entitlements(): Promise<Entitlement[]>;
	/** Called after the licenses, keys or clock change (here, or in another tab or process). */
	onChange(listener: () => void): () => void;
	/** Stops listening to the storage. */
	close(): void;
}

interface Snapshot {
	deviceId: string | null;
	devicePublicKey: Uint8Array | null;
	licenses: LicenseRow[];
	trustedKeys: TrustedKeys;
	keySetText: string;
	clock: ClockState | null;
}

async function readSnapshot(storage: LicenseStorage, deviceNow: number): Promise<Snapshot> {
	const [identity, rows, keySet, clock] = await storage.transaction(
		'r',
		['identity', 'licenses', 'settings', 'syncState'],
		(tx) =>
			Promise.all([
				tx.get('identity', IDENTITY_ROW_ID),
				tx.all('licenses'),
				tx.get('settings', 'trustedKeys'),
				tx.get('syncState', CLOCK_KEY)
			])
	);
	const parsedIdentity = identityRowSchema.safeParse(identity);
	const parsedKeys = publishedKeySetSchema.safeParse(keySet?.value);
	return {
		deviceId: parsedIdentity.success ? parsedIdentity.data.deviceId : null,
		devicePublicKey: parsedIdentity.success ? parsedIdentity.data.publicKey : null,
		licenses: rows.flatMap((row) => {
			const parsed = licenseRowSchema.safeParse(row);
			return parsed.success ? [parsed.data] : [];
		}),
		trustedKeys: parsedKeys.success ? await trustedKeysFrom(parsedKeys.data) : new Map(),
		keySetText: parsedKeys.success ? JSON.stringify(parsedKeys.data) : '',
		// With the identity row's copy of the mark: deleting the clock's row does not reset it.
		clock: storedClockState(clock?.value, identity, deviceNow)
	};
}

/** Opens license checks over a storage (see LicenseCheck). */
export async function openLicenseCheck(options: {
	storage: LicenseStorage;
	clock?: Clock;
}): Promise<LicenseCheck> {
	const { storage } = options;
	const clock = options.clock ?? systemClock;
	let snapshot = await readSnapshot(storage, clock.now());
	// Every change counts; a snapshot is current when it was read after the last one counted.
	let changes = 0;
	let readAt = 0;
	let reading: { at: number; snapshot: Promise<Snapshot> } | null = null;
	let cache = {
		keys: '',
		device: '',
		verify: verificationCache({ trustedKeys: new Map(), devicePublicKey: new Uint8Array() })
	};
	const listeners = new Set<() => void>();
	const unsubscribe = onLicensesChanged(storage, () => {
		changes++;
		for (const listener of listeners) listener();
	});
	// A storage deleted or closed under the program: what was read before is no proof any more that
	// the licenses are still there, so no check answers yes from it.
	let closed = false;
	const stopClosed = storage.onClosed(() => {
		if (closed) return;
		closed = true;
		for (const listener of listeners) listener();
	});
	const closedResult: CheckResult = {
		ok: false,
		reason: 'storage_closed',
		message: CHECK_REASONS.storage_closed
	};
	/** `current()`, or null once the storage is gone. */
	async function currentIfOpen() {
		if (closed) return null;
		try {
			return await current();
		} catch (error) {
			if (!isStorageClosed(error)) throw error;
			closed = true;
			return null;
		}
	}

	async function current(): Promise<{
		candidates: Candidate[];
		time: TrustedTime;
		deviceId: string | null;
	}> {
		while (readAt !== changes) {
			const at = changes;
			if (reading?.at !== at) reading = { at, snapshot: readSnapshot(storage, clock.now()) };
			const next = await reading.snapshot;
			if (at > readAt) {
				snapshot = next;
				readAt = at;
			}
		}
		const { devicePublicKey, trustedKeys, keySetText, deviceId } = snapshot;
		if (cache.keys !== keySetText || cache.device !== (deviceId ?? '')) {
			cache = {
				keys: keySetText,
				device: deviceId ?? '',
				verify: verificationCache({ trustedKeys, devicePublicKey: devicePublicKey ?? new Uint8Array() })
			};
		}
		const now = clock.now();
		const state = observeDeviceTime(snapshot.clock ?? initialClockState(now), now);
		const { effectiveNow, problem } = clockVerdict(state, now);
		const time = { effectiveNow, problem };
		const candidates = await Promise.all(
			snapshot.licenses.map(async (row) => ({
				row,
				verified:
					devicePublicKey === null
						? ({ ok: false, reason: 'other_device' } as const)
						: await cache.verify(row.fileText, effectiveNow)
			}))
		);
		return { candidates, time, deviceId };
	}

	return {
		get deviceId() {
			return snapshot.deviceId;
		},
		async check(query) {
			const read = await currentIfOpen();
			if (!read) return closedResult;
			return checkLicenses(read.candidates, query ?? {}, read.time, read.deviceId);
		},
		async entitlements() {
			const read = await currentIfOpen();
			return read ? entitlementsOf(read.candidates, read.time, read.deviceId) : [];
		},
		onChange(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		close() {
			unsubscribe();
			stopClosed();
			listeners.clear();
		}
	};
}
