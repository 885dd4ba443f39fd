// Emergency uses reported by License Managers at their next sync. The device's signature is the
// credential (no session): it proves which device made the report, and an embedded emergency code
// proves the license number. Each license's Emergency Activation can be used once: the first
// device to report it keeps it; any other use is revoked, and the device is told to activate the
// license normally. Reporting the same use again gets the same answer.
import type { Refusal } from '../errors';
import { encodeBase64url } from '$lib/protocol/base64url';
import { formatTimestamp } from '$lib/protocol/fields';
import type { EmergencyReportResult, EmergencyRevocationReason } from '$lib/protocol/emergency-api';
import { verifyEmergencyUse, type EmergencyUse } from '$lib/protocol/emergency-license';
import type { TrustedKeys } from '$lib/protocol/vendor-keys';
import type { Db, EmergencyUse as EmergencyUseRow } from '../db/schema';
import { isExpired } from '../activation/license-issuer';
import { findEmergencyUse, markEmergencyUseReported, recordEmergencyUse } from './emergency-uses.repository';
import { findLicense } from '../catalogue/licenses.repository';

export interface EmergencyReportContext {
	db: Db;
	now: number;
	/** The vendor's keys, to verify the emergency code a use carries. */
	trustedKeys: TrustedKeys;
	/** The vendor's EMERGENCY_ACCEPT_BARE_NUMBER: whether a use with no code is accepted at all. */
	acceptBareNumber: boolean;
}

export type EmergencyReportOutcome =
	{ ok: true; result: EmergencyReportResult } | { ok: false; error: Refusal };

function revoked(
	use: EmergencyUse,
	reason: EmergencyRevocationReason,
	message: string
): EmergencyReportOutcome {
	return { ok: true, result: { revoked: true, licenseNumber: use.licenseNumber, reason, message } };
}

function day(ms: number): string {
	return formatTimestamp(ms).slice(0, 10);
}

/** The answer when the license already has a recorded emergency use. */
async function answerRecorded(db: Db, use: EmergencyUse, row: EmergencyUseRow, now: number) {
	if (row.device_id !== use.deviceId)
		return revoked(
			use,
			'emergency_already_used',
			`This license's emergency activation was already used on device ${row.device_id}; activate it normally (Instant or Deferred Activation).`
		);
	if (row.used_at !== use.startedAt)
		return revoked(
			use,
			'emergency_already_used',
			`This license's emergency activation was already used on this device on ${day(row.used_at)}; activate it normally (Instant or Deferred Activation).`
		);
	await markEmergencyUseReported(db, use.licenseNumber, now);
	return accepted(use, row.ends_at ?? use.endsAt);
}

function accepted(use: EmergencyUse, endsAt: number): EmergencyReportOutcome {
	return {
		ok: true,
		result: { revoked: false, licenseNumber: use.licenseNumber, deviceId: use.deviceId, endsAt }
	};
}

/** Verifies a reported emergency use and records it, or says why the device must stop using it. */
export async function reportEmergencyUse(
	ctx: EmergencyReportContext,
	text: string
): Promise<EmergencyReportOutcome> {
	const verified = await verifyEmergencyUse(text, { trustedKeys: ctx.trustedKeys, now: ctx.now });
	if (!verified.ok) return { ok: false, error: verified.error };
	const { use, code } = verified;
	return ctx.db.transaction().execute(async (trx) => {
		const recorded = await findEmergencyUse(trx, use.licenseNumber);
		if (recorded) return answerRecorded(trx, use, recorded, ctx.now);
		if (use.basis === 'bare-number' && !ctx.acceptBareNumber)
			return revoked(
				use,
				'emergency_bare_number_refused',
				'Emergency Activation needs the emergency code printed from your account; a license number alone is not accepted. Activate the license normally.'
			);
		// An unknown number is still recorded: with a code, the vendor's signature proves it; a bare
		// number is the vendor's accepted risk (acceptBareNumber), and its one use is enforced all the same.
		const license = await findLicense(trx, use.licenseNumber);
		if (license && license.emergency_allowed !== 1)
			return revoked(
				use,
				'emergency_not_allowed',
				`Emergency Activation is not available for ${use.licenseNumber}. Activate it normally.`
			);
		if (license && isExpired(license, ctx.now))
			return revoked(use, 'license_expired', `License ${use.licenseNumber} has expired.`);
		const inserted = await recordEmergencyUse(trx, {
			license_number: use.licenseNumber,
			device_id: use.deviceId,
			used_at: use.startedAt,
			reported_at: ctx.now,
			device_public_key: encodeBase64url(use.devicePublicKey),
			basis: use.basis,
			code_id: code?.codeId ?? null,
			ends_at: use.endsAt,
			report: text
		});
		if (inserted) return accepted(use, use.endsAt);
		// Another device's report was recorded between our read and our insert.
		const winner = await findEmergencyUse(trx, use.licenseNumber);
		return answerRecorded(trx, use, winner!, ctx.now);
	});
}
