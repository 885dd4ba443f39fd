// The License Manager's workflows — Instant Activation, Refresh, the outbox — over the local
// database, the device identity and the server API. Components call these and render the outcome.
// Pages load this module when a workflow runs: opening the License Manager (manager.ts) is all the
// home page needs at start.
import type { ApiError, IssuedLicense, RevokedLicense } from '$lib/protocol/api';
import { parseLicenseNumber } from '$lib/protocol/license-number';
import { normalizeEmail } from '$lib/protocol/fields';
import { createRegistrationRequest, formatRegFile } from '$lib/protocol/reg-file';
import { whenStored } from './db/storage-full';
import { applyEmergencyResult } from './emergency';
import { recordLostEdits } from './store/store-sync';
import { applyRevocations, importIssued, prepareIssued, type ImportResult } from './licenses/license-store';
import {
	activationResultOf,
	flushOutbox,
	newOutboxItem,
	resumeAfterSignIn,
	SYNC_TAG,
	type AppliedItem,
	type FlushOutcome,
	type ResultWriter
} from './sync/outbox';
import type { TrustedKeys } from '$lib/protocol/vendor-keys';
import { loadTrustedKeys, updateTrustedKeys } from './trusted-keys';
import type { LicenseManager } from './manager';

export type WorkflowOutcome =
	{ kind: 'done'; imported: ImportResult[] } | { kind: 'queued' } | { kind: 'refused'; error: ApiError };

export { openLicenseManager, type LicenseManager, type OpenOptions } from './manager';

async function importContext(manager: LicenseManager, refreshKeys: boolean) {
	const trustedKeys = refreshKeys
		? await updateTrustedKeys(manager.db, manager.api)
		: await loadTrustedKeys(manager.db);
	return { trustedKeys, devicePublicKey: manager.identity.signer.publicKey, now: Date.now() };
}

/**
 * Prepares what a batch of applied operations brought (also run by the service worker): the license
 * files of every activation and refresh are verified now; the returned writes store them together,
 * then the revocations that no later file in the batch supersedes — the same end state as handling
 * the items one by one. The writes are IndexedDB work only, so the outbox runs them in the
 * transaction that marks the batch done.
 */
export async function handleApplied(
	manager: LicenseManager,
	applied: AppliedItem[],
	trustedKeys: () => Promise<TrustedKeys> = () => updateTrustedKeys(manager.db, manager.api)
): Promise<ResultWriter> {
	const files: IssuedLicense[] = [];
	const revocations = new Map<string, RevokedLicense>();
	const others: AppliedItem[] = [];
	for (const entry of applied) {
		const { item, result } = entry;
		if (item.type === 'emergency-report' || item.type === 'store-edit') {
			others.push(entry);
			continue;
		}
		const response = activationResultOf(result);
		if (!response || (item.type !== 'instant-activation' && item.type !== 'refresh')) continue;
		for (const file of response.licenses) {
			files.push(file);
			revocations.delete(file.licenseNumber);
		}
		for (const revoked of response.revoked) revocations.set(revoked.licenseNumber, revoked);
	}
	const storeFiles =
		files.length > 0
			? await prepareIssued(manager.db, files, {
					trustedKeys: await trustedKeys(),
					devicePublicKey: manager.identity.signer.publicKey,
					now: Date.now()
				})
			: null;
	return async () => {
		for (const { item, result } of others) {
			if (item.type === 'emergency-report') await applyEmergencyResult(manager, result);
			else await recordLostEdits(manager.db, result);
		}
		if (storeFiles) await storeFiles();
		if (revocations.size > 0) await applyRevocations(manager.db, [...revocations.values()]);
	};
}

/** Asks the browser to run the outbox from the service worker when the connection returns. */
async function requestBackgroundSync(): Promise<void> {
	if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
	try {
		const registration = (await navigator.serviceWorker.ready) as ServiceWorkerRegistration & {
			sync?: { register(tag: string): Promise<void> };
		};
		await registration.sync?.register(SYNC_TAG);
	} catch {
		// No Background Sync here: the open page flushes when it sees the connection return.
	}
}

async function queue(
	manager: LicenseManager,
	type: 'instant-activation' | 'refresh',
	request: string
): Promise<WorkflowOutcome> {
	const stored = await whenStored('queue', () =>
		manager.db.outbox.add(newOutboxItem(type, { request }, Date.now()))
	);
	if (!stored.ok) return { kind: 'refused', error: stored.error };
	await requestBackgroundSync();
	return { kind: 'queued' };
}

export async function flush(manager: LicenseManager, force = false): Promise<FlushOutcome> {
	// The trusted keys are brought up to date once per flush, not once per batch.
	let keys: Promise<TrustedKeys> | undefined;
	const trustedKeys = () => (keys ??= updateTrustedKeys(manager.db, manager.api));
	return flushOutbox(manager.db, manager.api, (applied) => handleApplied(manager, applied, trustedKeys), {
		force
	});
}

/** Instant Activation: sign in, send the signed request, store the license files. */
export async function instantActivation(
	manager: LicenseManager,
	input: { email: string; password: string; licenseNumber: string }
): Promise<WorkflowOutcome> {
	const number = parseLicenseNumber(input.licenseNumber);
	if (!number.ok) return { kind: 'refused', error: number.error };
	const email = normalizeEmail(input.email);
	const request = await createRegistrationRequest({
		purpose: 'activate',
		licenseNumbers: [number.licenseNumber],
		email,
		signer: manager.identity.signer,
		now: Date.now()
	});
	const requestText = formatRegFile(request, `${location.origin}/portal`);

	const session = await manager.api.signIn(email, input.password);
	if (session.kind === 'unreachable') return queue(manager, 'instant-activation', requestText);
	if (session.kind === 'refused') return { kind: 'refused', error: session.error };
	await resumeAfterSignIn(manager.db);

	const answer = await manager.api.activate(requestText);
	if (answer.kind === 'unreachable') return queue(manager, 'instant-activation', requestText);
	if (answer.kind === 'refused') return { kind: 'refused', error: answer.error };
	// Storing the keys fetched for verification is a write too: both are covered.
	const imported = await whenStored('license', async () =>
		importIssued(manager.db, answer.value.licenses, await importContext(manager, true))
	);
	return imported.ok
		? { kind: 'done', imported: imported.value }
		: { kind: 'refused', error: imported.error };
}

/** Refresh: new and updated licenses and expansions for every account this device holds licenses of. */
export async function refreshLicenses(manager: LicenseManager, emails: string[]): Promise<WorkflowOutcome> {
	const imported: ImportResult[] = [];
	let queued = false;
	for (const email of [...new Set(emails)]) {
		const request = await createRegistrationRequest({
			purpose: 'refresh',
			licenseNumbers: [],
			email,
			signer: manager.identity.signer,
			now: Date.now()
		});
		const requestText = formatRegFile(request, `${location.origin}/portal`);
		const answer = await manager.api.refresh(requestText);
		if (answer.kind === 'unreachable') {
			const outcome = await queue(manager, 'refresh', requestText);
			if (outcome.kind === 'refused') return outcome;
			queued = true;
			continue;
		}
		if (answer.kind === 'refused') return { kind: 'refused', error: answer.error };
		const stored = await whenStored('refresh', async () => {
			const results = await importIssued(
				manager.db,
				answer.value.licenses,
				await importContext(manager, true)
			);
			await applyRevocations(manager.db, answer.value.revoked);
			return results;
		});
		if (!stored.ok) return { kind: 'refused', error: stored.error };
		imported.push(...stored.value);
	}
	return queued ? { kind: 'queued' } : { kind: 'done', imported };
}
