// Instant Activation and Refresh, queue-first: each signs its request, puts it in the outbox and
// sends the outbox, then reads what became of its own item. Online and offline are one path: when
// the server cannot be reached the item simply stays queued, and finishes with the next flush (the
// open page's, the service worker's Background Sync, or the vendor program's next call).
import type { ApiError } from '$lib/protocol/api.js';
import { readOperationResult } from '$lib/protocol/operations.js';
import type { Core } from '../core.js';
import { verifyIncoming } from '../licenses/import-decision.js';
import { readLicenses } from '../licenses/license-rows.js';
import { enqueue, newOutboxItem, resumeAfterSignIn } from '../outbox/outbox.js';
import { isStorageFull } from '../platform/storage.js';
import { outboxItemSchema, type LicenseRow, type OutboxItem } from '../rows.js';
import { flush } from '../sync.js';
import { loadSealKey, loadTrustedKeys } from '../trusted-keys.js';
import { storageFullError, type StorageFullKind } from '../platform/storage-full.js';
import { checkEmail, checkLicenseNumbers, signedRequest } from './requests.js';
import { describeChanges, type LicenseChanges } from './license-changes.js';

/** A license file the server sent that was not stored here, and why. */
export interface NotStored {
	licenseNumber: string;
	error: ApiError;
}

export type ActivationOutcome =
	/** Activated: the license files are stored on this device. */
	| { kind: 'activated'; licenses: LicenseRow[]; notStored: NotStored[] }
	/** Waiting in the queue: for the network (`offline`) or for a sign-in (`needs-sign-in`). */
	| { kind: 'queued'; waitingFor: 'network' | 'sign-in'; itemId: string }
	| { kind: 'refused'; error: ApiError };

export type RefreshOutcome =
	| { kind: 'refreshed'; changes: LicenseChanges }
	| { kind: 'queued'; waitingFor: 'network'; changes: LicenseChanges }
	| { kind: 'nothing-to-refresh' }
	| { kind: 'refused'; error: ApiError };

async function queueItems(core: Core, items: OutboxItem[], kind: StorageFullKind): Promise<ApiError | null> {
	try {
		await core.storage.transaction('rw', ['outbox'], async (tx) => {
			for (const item of items) await enqueue(tx, item);
		});
		await core.afterQueue?.();
		return null;
	} catch (error) {
		if (isStorageFull(error)) return storageFullError(kind);
		throw error;
	}
}

async function readItem(core: Core, id: string): Promise<OutboxItem | null> {
	const row = await core.storage.transaction('r', ['outbox'], (tx) => tx.get('outbox', id));
	const parsed = outboxItemSchema.safeParse(row);
	return parsed.success ? parsed.data : null;
}

/** Sends the queue; a full storage while storing what came back is the user's to know. */
async function send(core: Core): Promise<ApiError | null> {
	try {
		await flush(core, true);
		return null;
	} catch (error) {
		if (isStorageFull(error)) return storageFullError('license');
		throw error;
	}
}

/** What the server sent for an applied activation, as stored here (or why a file was not). */
async function activationOutcome(core: Core, item: OutboxItem): Promise<ActivationOutcome> {
	const answer = readOperationResult('instant-activation', item.result);
	const stored = new Map((await readLicenses(core.storage)).map((row) => [row.licenseNumber, row]));
	const licenses: LicenseRow[] = [];
	const notStored: NotStored[] = [];
	const context = {
		trustedKeys: await loadTrustedKeys(core.storage),
		devicePublicKey: core.identity.signer.publicKey,
		now: core.clock.now()
	};
	for (const file of answer?.licenses ?? []) {
		const row = stored.get(file.licenseNumber);
		if (row && row.status === 'active') {
			licenses.push(row);
			continue;
		}
		const verified = await verifyIncoming(file.file, context);
		notStored.push({
			licenseNumber: file.licenseNumber,
			error: verified.ok
				? { code: 'license_not_stored', message: `${file.licenseNumber} could not be stored on this device.` }
				: verified.error
		});
	}
	return { kind: 'activated', licenses, notStored };
}

/** The item's sealed authorization, or null when this device has no seal key of the server yet. */
async function sealFor(
	core: Core,
	item: OutboxItem,
	email: string,
	password: string
): Promise<string | null> {
	const sealKey = await loadSealKey(core.storage);
	if (!sealKey) return null;
	const { operationPayloadHash, sealAuthorization, SEALED_AUTHORIZATION_TTL_MS } =
		await import('$lib/protocol/sealed-authorization.js');
	return sealAuthorization(
		{
			email,
			password,
			operationId: item.id,
			type: item.type,
			payloadHash: operationPayloadHash(item.payload),
			expiresAt: core.clock.now() + SEALED_AUTHORIZATION_TTL_MS,
			deviceId: core.identity.deviceId
		},
		sealKey
	);
}

/**
 * Instant Activation: signs in, queues the signed request and sends it. Without a connection it
 * stays queued (with the request already signed) and is sent when the connection returns.
 */
export async function instantActivation(
	core: Core,
	input: { email?: unknown; password?: unknown; licenseNumbers?: unknown }
): Promise<ActivationOutcome> {
	const numbers = checkLicenseNumbers(input.licenseNumbers);
	if (!numbers.ok) return { kind: 'refused', error: numbers.error };
	const email = checkEmail(input.email);
	if (!email.ok) return { kind: 'refused', error: email.error };
	if (typeof input.password !== 'string' || input.password === '')
		return {
			kind: 'refused',
			error: { code: 'password_empty', message: 'Enter the password of your account.', field: 'password' }
		};
	const { text } = await signedRequest(core, 'activate', numbers.value, email.value);
	const item = {
		...newOutboxItem('instant-activation', { request: text }, core.clock.now()),
		account: email.value
	};

	const session = await core.api.signIn(email.value, input.password);
	if (session.kind === 'refused') return { kind: 'refused', error: session.error };
	// Offline: the password is sealed to the server's key with this one operation, so the activation
	// finishes by itself when the connection returns; without a seal key, it waits for a sign-in.
	const sealed =
		session.kind === 'unreachable' ? await sealFor(core, item, email.value, input.password) : null;
	if (sealed) item.authorization = sealed;
	const queued = await queueItems(core, [item], 'queue');
	if (queued) return { kind: 'refused', error: queued };
	if (session.kind === 'unreachable')
		return { kind: 'queued', waitingFor: sealed ? 'network' : 'sign-in', itemId: item.id };
	await resumeAfterSignIn(core.storage, core.clock.now());
	const failed = await send(core);
	if (failed) return { kind: 'refused', error: failed };
	const sent = await readItem(core, item.id);
	switch (sent?.state) {
		case 'done':
			return activationOutcome(core, sent);
		case 'failed':
			return {
				kind: 'refused',
				error: sent.lastError ?? {
					code: 'rejected',
					message: 'The activation server refused this activation.'
				}
			};
		case 'needs-sign-in':
			return { kind: 'queued', waitingFor: 'sign-in', itemId: item.id };
		default:
			return { kind: 'queued', waitingFor: 'network', itemId: item.id };
	}
}

/**
 * The accounts this device holds licenses of, each as the canonical address a signed request must
 * carry. An emergency license made from a bare number has none, and a row whose address is not in
 * canonical form (an older version's, an edited storage's) gives its canonical form: the address as
 * stored went into the request before, which the request's own check refused with an exception.
 */
export function accountsOf(licenses: readonly Pick<LicenseRow, 'email'>[]): string[] {
	return [
		...new Set(
			licenses.flatMap((license) => {
				const checked = checkEmail(license.email);
				return checked.ok ? [checked.value] : [];
			})
		)
	];
}

/** Refresh: new and updated licenses, expansions and revocations for every account this device holds. */
export async function refreshLicenses(core: Core): Promise<RefreshOutcome> {
	const before = await readLicenses(core.storage);
	const emails = accountsOf(before);
	if (emails.length === 0) return { kind: 'nothing-to-refresh' };
	const now = core.clock.now();
	const items: OutboxItem[] = [];
	for (const email of emails) {
		const { text } = await signedRequest(core, 'refresh', [], email);
		items.push(newOutboxItem('refresh', { request: text }, now));
	}
	const queued = await queueItems(core, items, 'queue');
	if (queued) return { kind: 'refused', error: queued };
	const failed = await send(core);
	if (failed) return { kind: 'refused', error: failed };
	const changes = describeChanges(before, await readLicenses(core.storage));
	const states = await Promise.all(items.map((item) => readItem(core, item.id)));
	const refused = states.find((item) => item?.state === 'failed');
	if (refused)
		return {
			kind: 'refused',
			error: refused.lastError ?? { code: 'rejected', message: 'The activation server refused the Refresh.' }
		};
	if (states.some((item) => item?.state !== 'done'))
		return { kind: 'queued', waitingFor: 'network', changes };
	return { kind: 'refreshed', changes };
}
