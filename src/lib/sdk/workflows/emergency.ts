// Emergency Activation: a temporary license (5 days at most) made on this device with no network,
// once. With a vendor-signed emergency code it is checked against the trusted keys; with a bare
// license number it is not verifiable until the server hears of it. The use is reported at the next
// sync, and the server revokes it if that license's emergency activation was already used elsewhere.
import { parseEmergencyCode, verifyEmergencyCode, type EmergencyCode } from '$lib/protocol/emergency-code.js';
import { parseLicenseNumber } from '$lib/protocol/license-number.js';
import type { EmergencyReportResult } from '$lib/protocol/emergency-api.js';
import { createEmergencyUse, formatEmergencyUse } from '$lib/protocol/emergency-license.js';
import type { Core } from '../core.js';
import type { LicenseClock } from '../licenses/license-view.js';
import { enqueue, newOutboxItem } from '../outbox/outbox.js';
import type { LicenseStorage, StorageTransaction } from '../platform/storage.js';
import { IDENTITY_ROW_ID, identityRowSchema, licenseRowSchema, type LicenseRow } from '../rows.js';
import { loadTrustedKeys } from '../trusted-keys.js';
import { knownRefusals } from './known-ways.js';

export const USED_SETTING = 'emergencyActivationUsedAt';
/** Per license number: the server said its policy forbids Emergency Activation. */
const FORBIDDEN_PREFIX = 'emergencyForbidden:';

export interface EmergencyError {
	code: string;
	message: string;
}

export type EmergencyOutcome =
	{ ok: true; license: LicenseRow; verified: boolean } | { ok: false; error: EmergencyError };

const ALREADY_USED: EmergencyError = {
	code: 'emergency_already_used_here',
	message:
		'Emergency Activation has already been used on this device: it can be used one time only. Use Instant Activation, or Deferred Activation if this computer has no internet access.'
};

export type CodeReading =
	{ state: 'empty' } | { state: 'read'; licenseNumber: string } | { state: 'invalid'; message: string };

/**
 * The license number an emergency code (pasted or scanned, compact or its printed sheet) is for, so
 * the user need not type it. Syntax only: the signature is checked when the activation starts.
 */
export function readEmergencyCode(text: string): CodeReading {
	if (!text.trim()) return { state: 'empty' };
	const parsed = parseEmergencyCode(text.trim());
	if (!parsed.ok)
		return {
			state: 'invalid',
			message: `${parsed.error.message} Paste the whole code (it starts with AIRLOCK-EC1:) or scan its QR code; or clear this field and use the license number alone.`
		};
	return { state: 'read', licenseNumber: parsed.code.licenseNumber };
}

/** Remembers that the server refused Emergency Activation for this license (its policy). */
export async function rememberEmergencyForbidden(
	tx: StorageTransaction,
	licenseNumber: string,
	message: string
): Promise<void> {
	await tx.put('settings', { key: FORBIDDEN_PREFIX + licenseNumber, value: message });
}

/**
 * Whether this device has used its one Emergency Activation. The mark is kept in three places — the
 * setting, the identity record, and the emergency license itself — and any one of them counts, so
 * deleting a row (by hand, an extension, a damaged profile) does not grant a second use.
 */
async function usedIn(tx: StorageTransaction): Promise<boolean> {
	if ((await tx.get('settings', USED_SETTING)) !== undefined) return true;
	const identity = identityRowSchema.safeParse(await tx.get('identity', IDENTITY_ROW_ID));
	if (identity.success && identity.data.emergencyUsedAt !== undefined) return true;
	return (await tx.count('licenses', 'kind', ['emergency'])) > 0;
}

const USED_MARK_TABLES = ['settings', 'identity', 'licenses'] as const;

export async function emergencyAlreadyUsed(storage: LicenseStorage): Promise<boolean> {
	return storage.transaction('r', USED_MARK_TABLES, usedIn);
}

const CLOCK_NOT_TRUSTED: EmergencyError = {
	code: 'clock_set_back',
	message:
		'Your computer’s clock was set back, so an emergency license could not be timed. Set the clock right (date, time and time zone), then try again.'
};

/**
 * Starts the one Emergency Activation of this device. `clock` is the trusted clock's verdict: the
 * 5 days run from its effective time, and a clock set back refuses the activation.
 */
export async function emergencyActivation(
	core: Core,
	input: { licenseNumber: string; codeText: string },
	clock: LicenseClock
): Promise<EmergencyOutcome> {
	const { storage } = core;
	if (await emergencyAlreadyUsed(storage)) return { ok: false, error: ALREADY_USED };
	if (clock.problem) return { ok: false, error: CLOCK_NOT_TRUSTED };
	const number = parseLicenseNumber(input.licenseNumber);
	const forbidden = number.ok
		? await storage.transaction('r', ['settings'], (tx) =>
				tx.get('settings', FORBIDDEN_PREFIX + number.licenseNumber)
			)
		: undefined;
	const listed = number.ok ? await knownRefusals(storage, 'emergency', [number.licenseNumber]) : [];
	if (listed[0]) return { ok: false, error: { code: listed[0].code, message: listed[0].message } };
	if (number.ok && forbidden)
		return {
			ok: false,
			error: {
				code: 'emergency_not_allowed',
				message: `Emergency Activation is not available for ${number.licenseNumber}: the server said so at a sync. Use Instant Activation, or Deferred Activation if this computer has no internet access.`
			}
		};
	const now = clock.effectiveNow;
	let code: EmergencyCode | undefined;
	if (input.codeText.trim()) {
		const verified = await verifyEmergencyCode(input.codeText, {
			trustedKeys: await loadTrustedKeys(storage),
			now,
			licenseNumber: input.licenseNumber
		});
		if (!verified.ok) return { ok: false, error: verified.error };
		code = verified.code;
	}
	const created = await createEmergencyUse({
		licenseNumber: input.licenseNumber,
		code,
		signer: core.identity.signer,
		now
	});
	if (!created.ok) return { ok: false, error: created.error };
	const use = created.use;
	const text = formatEmergencyUse(use);
	const row: LicenseRow = {
		licenseNumber: use.licenseNumber,
		fileText: text,
		product: use.product,
		productName: use.productName ?? `${use.product} (emergency)`,
		quantity: 1,
		kind: 'emergency',
		parent: null,
		expansions: [],
		email: code?.email ?? '',
		deviceId: use.deviceId,
		issuedAt: use.startedAt,
		expiresAt: use.endsAt,
		kid: code?.kid ?? '',
		storedAt: now,
		status: 'active'
	};
	// The license, the one-time mark and the report to the server are written together or not at all.
	return storage.transaction('rw', [...USED_MARK_TABLES, 'outbox'], async (tx) => {
		if (await usedIn(tx)) return { ok: false as const, error: ALREADY_USED };
		const stored = licenseRowSchema.safeParse(await tx.get('licenses', use.licenseNumber));
		const existing = stored.success ? stored.data : null;
		if (
			existing &&
			existing.kind !== 'emergency' &&
			existing.status === 'active' &&
			(existing.expiresAt === null || existing.expiresAt > now)
		) {
			return {
				ok: false as const,
				error: {
					code: 'license_already_active',
					message: `License ${use.licenseNumber} is already active on this device: no Emergency Activation is needed.`
				}
			};
		}
		await tx.put('licenses', row);
		await tx.put('settings', { key: USED_SETTING, value: now });
		await tx.update('identity', IDENTITY_ROW_ID, { emergencyUsedAt: now });
		await enqueue(tx, newOutboxItem('emergency-report', { use: text }, now));
		return { ok: true as const, license: row, verified: code !== undefined };
	});
}

/** The server's answer to the report: a revoked emergency license stops working at once, with the reason. */
export async function applyEmergencyResultIn(
	tx: StorageTransaction,
	result: EmergencyReportResult
): Promise<void> {
	if (!result.revoked) return;
	const { licenseNumber, message, reason } = result;
	if (reason === 'emergency_not_allowed') await rememberEmergencyForbidden(tx, licenseNumber, message);
	const row = licenseRowSchema.safeParse(await tx.get('licenses', licenseNumber));
	// Only the emergency license: a real one that arrived since stays.
	if (row.success && row.data.kind === 'emergency')
		await tx.update('licenses', licenseNumber, { status: 'revoked', statusReason: message });
}
