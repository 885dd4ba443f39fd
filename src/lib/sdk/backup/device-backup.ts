// Back up this device, and restore it: every license and emergency code, the marks a device must
// never lose (its Emergency Activation used, its trusted clock's mark) and, with a passphrase, its
// identity (backup-file.ts has the format and its cryptography).
//
// A restore is judged and written in one transaction, so a refused one changes nothing. What it
// will not do, whatever the file says:
// - lower the clock's mark or forget an Emergency Activation used (the later mark and every use are
//   kept): a restore must not turn a clock back nor give a second emergency;
// - replace a device that already has licenses (or has used its emergency, or has work queued)
//   with another device's identity: that would throw this computer's own seats away. Another
//   device's backup is restored only where nothing was activated yet — a browser whose data was
//   cleared, a new computer;
// - overwrite a license held here with the backup's copy (what is here is as new or newer);
// - take vendor keys from the file (it carries none): the keys come from the vendor.
import { emergencyCodeResponseSchema, type EmergencyCodeResponse } from '$lib/protocol/emergency-api.js';
import { computeDeviceId } from '$lib/protocol/device-id.js';
import { decodeBase64url, encodeBase64url } from '$lib/protocol/base64url.js';
import { initialClockState } from '$lib/protocol/trusted-clock.js';
import type { Core } from '../core.js';
import { exportSeed, identityOf, identityRowFromSeed, type DeviceIdentity } from '../identity.js';
import type { StorageTransaction } from '../platform/storage.js';
import {
	IDENTITY_ROW_ID,
	identityRowSchema,
	licenseRowSchema,
	outboxItemSchema,
	type IdentityRow,
	type LicenseRow
} from '../rows.js';
import {
	CLOCK_KEY,
	clockStateSchema,
	MARK_COPY_FIELD,
	markCopyOf,
	storedClockState
} from '../time/clock-state.js';
import { SETTING_PREFIX as EMERGENCY_CODE_PREFIX } from '../workflows/emergency-codes.js';
import { USED_SETTING as EMERGENCY_USED_SETTING } from '../workflows/emergency.js';
import {
	openIdentity,
	readBackup,
	writeBackup,
	type BackupContent,
	type BackupRefusal
} from './backup-file.js';

export interface DeviceBackup {
	/** A name to save it under, e.g. `R755-98T3-7EYW-2026-12-02.airlock-backup.json`. */
	fileName: string;
	text: string;
	/** Whether the device's identity is in it (a passphrase was given and the key can be read out). */
	identityIncluded: boolean;
	/** How many licenses and emergency codes it holds. */
	licenses: number;
	emergencyCodes: number;
}

export type BackupOutcome =
	| { ok: true; backup: DeviceBackup }
	| { ok: false; error: { code: 'identity_not_exportable' | 'passphrase_too_short'; message: string } };

/** A passphrase shorter than this is refused: scrypt slows guessing, it cannot save a 4-letter word. */
export const MIN_PASSPHRASE_CHARS = 10;

const BACKUP_TABLES = ['identity', 'licenses', 'settings', 'syncState'] as const;

/**
 * Makes the device's backup. With a passphrase, its identity is in it, encrypted; without, the
 * licenses and codes only (a restore elsewhere then needs the licenses activated again).
 */
export async function backUpDevice(
	core: Core,
	options: { passphrase?: string } = {}
): Promise<BackupOutcome> {
	const passphrase = options.passphrase ?? '';
	if (passphrase && [...passphrase].length < MIN_PASSPHRASE_CHARS)
		return {
			ok: false,
			error: {
				code: 'passphrase_too_short',
				message: `Choose a passphrase of at least ${MIN_PASSPHRASE_CHARS} characters (a few words are easy to remember), or leave it empty to back up the licenses without the device’s identity.`
			}
		};
	const now = core.clock.now();
	const held = await core.storage.transaction('r', BACKUP_TABLES, async (tx) => ({
		identity: await tx.get('identity', IDENTITY_ROW_ID),
		licenses: await tx.all('licenses'),
		settings: await tx.all('settings'),
		clock: await tx.get('syncState', CLOCK_KEY),
		emergencyUsed: await tx.get('settings', EMERGENCY_USED_SETTING)
	}));
	const identity = identityRowSchema.parse(held.identity);
	const licenses = held.licenses.flatMap((row) => {
		const parsed = licenseRowSchema.safeParse(row);
		return parsed.success ? [parsed.data] : [];
	});
	const emergencyCodes = held.settings.flatMap((row) => {
		if (typeof row.key !== 'string' || !row.key.startsWith(EMERGENCY_CODE_PREFIX)) return [];
		const parsed = emergencyCodeResponseSchema.safeParse(row.value);
		return parsed.success ? [parsed.data] : [];
	});
	const clock = storedClockState(held.clock?.value, held.identity, now) ?? initialClockState(now);
	const content: BackupContent = {
		deviceId: identity.deviceId,
		publicKey: encodeBase64url(identity.publicKey),
		madeAt: now,
		licenses,
		emergencyCodes,
		emergencyUsedAt: emergencyUseOf(held.identity, held.emergencyUsed?.value, licenses),
		clockMarkMs: Math.max(clock.markMs, 0)
	};
	let secret: { seed: Uint8Array; passphrase: string } | null = null;
	if (passphrase) {
		const seed = await exportSeed(identity);
		if (!seed)
			return {
				ok: false,
				error: {
					code: 'identity_not_exportable',
					message:
						'This device’s identity was made so that it can never be read out, so no backup can carry it. Leave the passphrase empty to back up the licenses and codes: restored elsewhere, the licenses must be activated again.'
				}
			};
		secret = { seed, passphrase };
	}
	const text = await writeBackup(content, secret);
	const day = new Date(now).toISOString().slice(0, 10);
	return {
		ok: true,
		backup: {
			fileName: `${identity.deviceId}-${day}.airlock-backup.json`,
			text,
			identityIncluded: secret !== null,
			licenses: licenses.length,
			emergencyCodes: emergencyCodes.length
		}
	};
}

/** When the device used its Emergency Activation, from any of its three marks (emergency.ts). */
function emergencyUseOf(identityRow: unknown, setting: unknown, licenses: LicenseRow[]): number | null {
	const times = [
		(identityRow as { emergencyUsedAt?: unknown } | undefined)?.emergencyUsedAt,
		setting,
		...licenses.filter((row) => row.kind === 'emergency').map((row) => row.storedAt)
	].filter(
		(value): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
	);
	return times.length > 0 ? Math.min(...times) : null;
}

export type RestoreRefusalCode = BackupRefusal['code'] | 'backup_other_device';

export interface RestoreReport {
	/** The device id after the restore. */
	deviceId: string;
	/**
	 * `restored`: this device took the backup's identity (reopen the licenses: `identityReplaced`);
	 * `kept`: the backup is of this very device; `not-in-backup`: it was made without a passphrase,
	 * for another identity, so its licenses must be activated again (`toActivateAgain`).
	 */
	identity: 'restored' | 'kept' | 'not-in-backup';
	identityReplaced: boolean;
	/** License numbers written to this device. */
	licensesRestored: string[];
	/** Licenses of the backup bound to a key this device does not have: activate them again. */
	toActivateAgain: string[];
	emergencyCodesRestored: number;
}

export type RestoreOutcome =
	{ ok: true; report: RestoreReport } | { ok: false; error: { code: RestoreRefusalCode; message: string } };

const RESTORE_TABLES = ['identity', 'licenses', 'settings', 'syncState', 'outbox'] as const;

const damaged = (detail: string) => ({
	ok: false as const,
	error: {
		code: 'backup_damaged' as const,
		message: `This backup is not consistent (${detail}), so nothing was restored. Use another copy of the backup.`
	}
});

/**
 * Restores a backup's text onto this device (see the top of this file for what it refuses).
 * `passphrase` opens the identity when the file holds it. On `identityReplaced`, the device is
 * another one now: the caller reopens (openLicenses again; a page reloads).
 */
export async function restoreDevice(
	core: Core,
	text: string,
	options: { passphrase?: string } = {}
): Promise<RestoreOutcome> {
	const read = readBackup(text);
	if (!read.ok) return read;
	const { content, sealed } = read.backup;

	// Everything that takes time (hashes, scrypt, key import, zod) before the transaction opens.
	const publicKey = decodeBase64url(content.publicKey);
	if (!publicKey || publicKey.length !== 32 || (await computeDeviceId(publicKey)) !== content.deviceId)
		return damaged('its device id does not match its public key');
	const licenses: LicenseRow[] = [];
	for (const row of content.licenses) {
		const parsed = licenseRowSchema.safeParse(row);
		if (!parsed.success) return damaged('a license in it is not readable');
		if (parsed.data.deviceId !== content.deviceId)
			return damaged(`license ${parsed.data.licenseNumber} is for another device`);
		licenses.push(parsed.data);
	}
	const codes: EmergencyCodeResponse[] = [];
	for (const code of content.emergencyCodes) {
		const parsed = emergencyCodeResponseSchema.safeParse(code);
		if (!parsed.success) return damaged('an emergency code in it is not readable');
		codes.push(parsed.data);
	}
	let restoredIdentity: IdentityRow | null = null;
	const passphrase = options.passphrase ?? '';
	const otherDevice = content.deviceId !== core.identity.deviceId;
	// The identity is opened when it is needed (another device's backup) or when a passphrase was
	// given, so a wrong passphrase is always said, even on the device the backup is of.
	if (sealed && (otherDevice || passphrase)) {
		const opened = await openIdentity(read.backup, passphrase);
		if (!opened.ok) return opened;
		restoredIdentity = await identityRowFromSeed(opened.seed, publicKey, content.madeAt, {
			webCrypto: core.storage.holdsCryptoKeys,
			exportable: core.exportableIdentity === true
		});
		if (!restoredIdentity) return damaged('its identity does not match its public key');
	}
	const now = core.clock.now();

	const outcome = await core.storage.transaction(
		'rw',
		RESTORE_TABLES,
		async (tx): Promise<RestoreOutcome> => {
			const currentRow = identityRowSchema.safeParse(await tx.get('identity', IDENTITY_ROW_ID));
			const current = currentRow.success ? currentRow.data : null;
			// Another tab may have restored meanwhile: judged again on what is stored now.
			const sameDevice = current !== null && current.deviceId === content.deviceId;
			if (!sameDevice && current && (await inUse(tx)))
				return {
					ok: false,
					error: {
						code: 'backup_other_device',
						message: `This backup is of device ${content.deviceId}, and this computer is device ${current.deviceId} with licenses (or work) of its own. Nothing was restored: a backup of another device can be restored only on a computer where nothing was activated yet (after its data was cleared, or a new one).`
					}
				};
			const restoring = sameDevice ? licenses : restoredIdentity ? licenses : [];
			const held = new Set(
				(
					await tx.getMany(
						'licenses',
						restoring.map((row) => row.licenseNumber)
					)
				).flatMap((row) => (row ? [String(row.licenseNumber)] : []))
			);
			const written = restoring.filter((row) => !held.has(row.licenseNumber));
			if (written.length > 0) await tx.putMany('licenses', written);

			const codeKeys = codes.map((code) => EMERGENCY_CODE_PREFIX + code.licenseNumber);
			const heldCodes = await tx.getMany('settings', codeKeys);
			const newCodes = codes.filter((_, i) => heldCodes[i] === undefined);
			if (newCodes.length > 0)
				await tx.putMany(
					'settings',
					newCodes.map((code) => ({ key: EMERGENCY_CODE_PREFIX + code.licenseNumber, value: code }))
				);

			// The marks: the later clock mark, every emergency use (kept in the setting and the identity).
			const clockRow = await tx.get('syncState', CLOCK_KEY);
			const state = storedClockState(clockRow?.value, current, now) ?? initialClockState(now);
			const markMs = Math.max(state.markMs, content.clockMarkMs);
			const parsedClock = clockStateSchema.safeParse(clockRow?.value);
			await tx.put('syncState', {
				key: CLOCK_KEY,
				value: { ...(parsedClock.success ? parsedClock.data : state), markMs }
			});
			const usedSetting = await tx.get('settings', EMERGENCY_USED_SETTING);
			const usedAt = content.emergencyUsedAt ?? current?.emergencyUsedAt ?? null;
			if (usedAt !== null && usedSetting === undefined)
				await tx.put('settings', { key: EMERGENCY_USED_SETTING, value: usedAt });

			if (!sameDevice && restoredIdentity) {
				const emergencyUsedAt = usedAt ?? undefined;
				await tx.put('identity', {
					...restoredIdentity,
					...(emergencyUsedAt !== undefined ? { emergencyUsedAt } : {}),
					[MARK_COPY_FIELD]: Math.max(markMs, markCopyOf(current) ?? 0)
				});
			} else if (current) {
				const changes: Record<string, number> = { [MARK_COPY_FIELD]: markMs };
				if (usedAt !== null && current.emergencyUsedAt === undefined) changes.emergencyUsedAt = usedAt;
				await tx.update('identity', IDENTITY_ROW_ID, changes);
			}
			const activeHere = (row: LicenseRow) => row.kind !== 'emergency' && row.status === 'active';
			return {
				ok: true,
				report: {
					deviceId:
						sameDevice || !restoredIdentity ? (current?.deviceId ?? content.deviceId) : content.deviceId,
					identity: sameDevice ? 'kept' : restoredIdentity ? 'restored' : 'not-in-backup',
					identityReplaced: !sameDevice && restoredIdentity !== null,
					licensesRestored: written.map((row) => row.licenseNumber),
					toActivateAgain:
						sameDevice || restoredIdentity ? [] : licenses.filter(activeHere).map((row) => row.licenseNumber),
					emergencyCodesRestored: newCodes.length
				}
			};
		}
	);
	if (outcome.ok && outcome.report.identityReplaced && restoredIdentity)
		core.identity = identityOf(restoredIdentity) satisfies DeviceIdentity;
	return outcome;
}

/** Whether this device holds anything of its own: a license, an emergency used, work for the server. */
async function inUse(tx: StorageTransaction): Promise<boolean> {
	if ((await tx.all('licenses')).length > 0) return true;
	if ((await tx.get('settings', EMERGENCY_USED_SETTING)) !== undefined) return true;
	const identity = identityRowSchema.safeParse(await tx.get('identity', IDENTITY_ROW_ID));
	if (identity.success && identity.data.emergencyUsedAt !== undefined) return true;
	return (await tx.all('outbox')).some((item) => {
		const parsed = outboxItemSchema.safeParse(item);
		return !parsed.success || parsed.data.state !== 'done';
	});
}
