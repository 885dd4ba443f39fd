// Emergency uses reported by License Managers at their next sync. The device's signature is the
// credential (no session): it proves which device made the report, and an embedded emergency code
// proves the license number. Each license's Emergency Activation can be used once: the first
// device to report it keeps it; any other use is revoked, and the device is told to activate the
// license normally. Reporting the same use again gets the same answer.
//
// Reports need no sign-in, so what an anonymous client can make the server store is bounded: a use
// must start near the server's time (EMERGENCY_START_TOLERANCE_MS); a license the server holds keeps
// the use's canonical signed block (not the text as sent, whose preamble is free), a number it does
// not hold keeps only what its one use needs (who, from when to when) and is pruned a week after the
// use ends (housekeeping); expansions are refused; and each client address records at most
// EMERGENCY_REPORT_LIMIT.count new uses an hour. Answers never name another device.
import type { Refusal } from '../errors';
import { encodeBase64url } from '$lib/protocol/base64url';
import { formatTimestamp } from '$lib/protocol/fields';
import type { EmergencyReportResult, EmergencyRevocationReason } from '$lib/protocol/emergency-api';
import { formatEmergencyUse, verifyEmergencyUse, type EmergencyUse } from '$lib/protocol/emergency-license';
import type { EmergencyCode } from '$lib/protocol/emergency-code';
import type { TrustedKeys } from '$lib/protocol/vendor-keys';
import type { Db, EmergencyUse as EmergencyUseRow } from '../db/schema';
import { isExpired } from '../activation/license-issuer';
import {
	findDeviceEmergencyUse,
	findEmergencyUse,
	recordDeviceEmergencyUse,
	markEmergencyUseReported,
	pruneUnheldEmergencyUses,
	recordEmergencyUse
} from './emergency-uses.repository';
import { findLicense, findProduct } from '../catalogue/licenses.repository';
import { hitRateLimit } from '../accounts/rate-limits.repository';
import { findAccountById } from '../accounts/accounts.repository';
import { originOf, recordAuditEvent } from '../audit/audit.service';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/**
 * How far ahead of the server's clock a use may start. The License Manager starts a use at its
 * trusted time, which may run ahead of the true time by up to its clock tolerance (1 hour:
 * FORMATS-emergency.md §3.3); anything later is a wrong clock or a forged date.
 */
export const EMERGENCY_START_TOLERANCE_MS = 60 * MINUTE_MS;

/** New uses recorded per client address: an office reporting after an outage fits, a flood does not. */
export const EMERGENCY_REPORT_LIMIT = { count: 30, windowMs: 60 * MINUTE_MS };

/** How long after its end the use of a number the server does not hold is kept. */
export const UNHELD_USE_RETENTION_MS = 7 * DAY_MS;

export interface EmergencyReportContext {
	db: Db;
	now: number;
	/** The vendor's keys, to verify the emergency code a use carries. */
	trustedKeys: TrustedKeys;
	/** The vendor's EMERGENCY_ACCEPT_BARE_NUMBER: whether a use with no code is accepted at all. */
	acceptBareNumber: boolean;
	/** Who sent the report (its network address): new uses are limited per address. */
	clientAddress?: string;
}

/** Refused for good, or (`later`) refused for now: the client sends the report again later. */
export type EmergencyReportOutcome =
	{ ok: true; result: EmergencyReportResult } | { ok: false; error: Refusal; later?: boolean };

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
	// The reporter proved it holds its own device, not the other one: the answer does not name it
	// (nor say when it was used), or anyone knowing a license number could learn its owner's device.
	if (row.device_id !== use.deviceId)
		return revoked(
			use,
			'emergency_already_used',
			`This license's emergency activation was already used on another device; activate it normally (Instant or Deferred Activation).`
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

/** The device reported another license's use before: it has used its one Emergency Activation. */
function usedByThisDevice(use: EmergencyUse): EmergencyReportOutcome {
	return revoked(
		use,
		'emergency_already_used',
		`This computer has already used its one Emergency Activation, for another license; activate ${use.licenseNumber} normally (Instant or Deferred Activation).`
	);
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
	if (use.startedAt > ctx.now + EMERGENCY_START_TOLERANCE_MS)
		return {
			ok: false,
			error: {
				code: 'emergency_use_from_future',
				message: `This emergency activation starts on ${formatTimestamp(use.startedAt)}, later than the server's time: the clock of the computer that made it is wrong. Correct its date and time; the license can be activated normally.`
			}
		};
	return ctx.db.transaction().execute(async (trx) => {
		const recordedBefore = await findEmergencyUse(trx, use.licenseNumber);
		const recording = { newUse: false };
		const outcome = await answerReport(trx, ctx, use, code, recordedBefore, recording);
		await auditReport(trx, ctx, use, code !== null, recording.newUse, outcome);
		return outcome;
	});
}

/**
 * The audit log keeps the uses and revocations of licenses the server holds: a new use, and a
 * revocation of a use that proved the license's emergency code (an anonymous report without one
 * could otherwise write to the log at will).
 */
async function auditReport(
	trx: Db,
	ctx: EmergencyReportContext,
	use: EmergencyUse,
	withCode: boolean,
	recordedNow: boolean,
	outcome: EmergencyReportOutcome
): Promise<void> {
	if (!outcome.ok) return;
	const revokedUse = outcome.result.revoked;
	if (revokedUse ? !withCode : !recordedNow) return;
	const license = await findLicense(trx, use.licenseNumber);
	if (!license) return;
	const account = await findAccountById(trx, license.account_id);
	await recordAuditEvent(
		trx,
		{
			kind: revokedUse ? 'emergency.revocation' : 'emergency.use',
			actor: 'device',
			account: account ?? null,
			licenseNumber: use.licenseNumber,
			deviceId: use.deviceId,
			detail: outcome.result.revoked
				? { reason: outcome.result.reason }
				: { startedAt: use.startedAt, endsAt: outcome.result.endsAt, basis: use.basis }
		},
		ctx.now,
		originOf(ctx.clientAddress ?? null)
	);
}

/** The answer to a verified report; `recording.newUse` tells whether it recorded a new use. */
async function answerReport(
	trx: Db,
	ctx: EmergencyReportContext,
	use: EmergencyUse,
	code: EmergencyCode | null,
	recorded: EmergencyUseRow | undefined,
	recording: { newUse: boolean }
): Promise<EmergencyReportOutcome> {
	if (recorded) return answerRecorded(trx, use, recorded, ctx.now);
	if (await findDeviceEmergencyUse(trx, use.deviceId)) return usedByThisDevice(use);
	if (use.basis === 'bare-number' && !ctx.acceptBareNumber)
		return revoked(
			use,
			'emergency_bare_number_refused',
			'Emergency Activation needs the emergency code printed from your account; a license number alone is not accepted. Activate the license normally.'
		);
	const license = await findLicense(trx, use.licenseNumber);
	// An expansion is never activated alone (it comes with its license), so it has no emergency use.
	const expansionOf =
		license?.parent_number ??
		(!license && (await findProduct(trx, use.product))?.kind === 'expansion' ? '' : null);
	if (expansionOf !== null)
		return revoked(
			use,
			'emergency_not_allowed',
			`${use.licenseNumber} is an expansion${expansionOf ? ` of ${expansionOf}` : ''}: Emergency Activation is for the license it extends. Use that license's number or emergency code.`
		);
	if (license && license.emergency_allowed !== 1)
		return revoked(
			use,
			'emergency_not_allowed',
			`Emergency Activation is not available for ${use.licenseNumber}. Activate it normally.`
		);
	if (license && isExpired(license, ctx.now))
		return revoked(use, 'license_expired', `License ${use.licenseNumber} has expired.`);
	const hits = await hitRateLimit(
		trx,
		`emergency-report:${ctx.clientAddress ?? 'unknown'}`,
		EMERGENCY_REPORT_LIMIT.windowMs,
		ctx.now
	);
	if (hits.count > EMERGENCY_REPORT_LIMIT.count) {
		const retryAfterSeconds = Math.max(
			1,
			Math.ceil((hits.windowStart + EMERGENCY_REPORT_LIMIT.windowMs - ctx.now) / 1000)
		);
		return {
			ok: false,
			later: true,
			error: {
				code: 'rate_limited',
				message: `Too many emergency activations reported from your network address: this one is sent again in ${Math.ceil(retryAfterSeconds / 60)} minutes.`,
				retryAfterSeconds
			}
		};
	}
	// A number the server does not hold is still recorded, so its one use holds while it runs: with
	// a code, the vendor's signature proves it; a bare number is the vendor's accepted risk. Only
	// what that needs is kept, and only for a while (pruneUnheldEmergencyUses): a made-up number's
	// record protects nothing once its use is over, as any other made-up number would do as well.
	// Once per device too: of two reports racing from one device, the second finds the first here.
	if (
		!(await recordDeviceEmergencyUse(trx, {
			device_id: use.deviceId,
			license_number: use.licenseNumber,
			used_at: use.startedAt
		}))
	)
		return usedByThisDevice(use);
	const inserted = await recordEmergencyUse(trx, {
		license_number: use.licenseNumber,
		device_id: use.deviceId,
		used_at: use.startedAt,
		reported_at: ctx.now,
		basis: use.basis,
		ends_at: use.endsAt,
		...(license
			? {
					device_public_key: encodeBase64url(use.devicePublicKey),
					code_id: code?.codeId ?? null,
					// The signed block as this server writes it: the evidence, without the free preamble.
					report: formatEmergencyUse(use)
				}
			: { device_public_key: null, code_id: null, report: null })
	});
	if (inserted) {
		recording.newUse = true;
		return accepted(use, use.endsAt);
	}
	// Another device's report was recorded between our read and our insert.
	const winner = await findEmergencyUse(trx, use.licenseNumber);
	return answerRecorded(trx, use, winner!, ctx.now);
}

/** Housekeeping: forgets the uses of numbers the server does not hold, a while after they ended. */
export function pruneEmergencyUses(db: Db, now: number): Promise<number> {
	return pruneUnheldEmergencyUses(db, now - UNHELD_USE_RETENTION_MS);
}
