// Offline deactivation: a device's signed statement that it gave a license up (protocol/deactivation.ts)
// frees the seat it held. No session is needed: the device's signature is the credential, and all it
// can do is give up this device's own seat.
//
// The statement names the activation it ends by the issue time of the license file the device held:
// the device's activation of that license that was made at or before that time. It frees that seat
// once. Sent again, it finds that activation released (and is refused as replayed); a statement for
// an earlier activation never frees a later one (that one was made after the file it names); a
// statement of another device, or for a license the device never held, finds no activation. Any
// refusal changes nothing.
import { parseDeactivationText, type DeactivationStatement } from '$lib/protocol/deactivation';
import { encodeBase64url } from '$lib/protocol/base64url';
import type { Activation, Db } from '../db/schema';
import type { Refusal } from '../errors';
import { findAccountById } from '../accounts/accounts.repository';
import { findLicenseEntry } from '../catalogue/licenses.repository';
import { recordAuditEvent, type AuditOrigin } from '../audit/audit.service';
import { releaseActivation } from './activations.repository';

/** Why the seat was released, as the activation row records it. */
export const DEVICE_RELEASE_REASON = 'device';

export interface DeactivationReceipt {
	licenseNumber: string;
	deviceId: string;
	releasedAt: number;
}

export type DeactivationOutcome = { ok: true; value: DeactivationReceipt } | { ok: false; error: Refusal };

const wholeSecond = (ms: number) => Math.floor(ms / 1000) * 1000;

/** The device's activations of the license, newest first. */
function activationsOf(trx: Db, licenseNumber: string, deviceId: string): Promise<Activation[]> {
	return trx
		.selectFrom('activations')
		.selectAll()
		.where('license_number', '=', licenseNumber)
		.where('device_id', '=', deviceId)
		.orderBy('first_activated_at', 'desc')
		.orderBy('id', 'desc')
		.execute();
}

function notHeld(statement: DeactivationStatement): Refusal {
	return {
		code: 'deactivation_not_held',
		message: `Device ${statement.deviceId} holds no seat of license ${statement.licenseNumber} that this statement could free: it was made by another device, or for a license this device never activated. Nothing was changed.`,
		licenseNumber: statement.licenseNumber
	};
}

/** Frees the seat a verified statement gives up, once; refuses anything else and changes nothing. */
export async function applyDeactivation(
	ctx: { db: Db; now: number; origin?: AuditOrigin },
	statement: DeactivationStatement
): Promise<DeactivationOutcome> {
	return ctx.db.transaction().execute(async (trx): Promise<DeactivationOutcome> => {
		// The license row first, as an activation and the owner's release take it (no deadlock).
		const license = (await findLicenseEntry(trx, statement.licenseNumber, { lock: true }))?.license;
		if (!license) return { ok: false, error: notHeld(statement) };
		const key = encodeBase64url(statement.devicePublicKey);
		// The activation the statement ends: the device's latest one made no later than the file it
		// gave up (files carry whole seconds, activations milliseconds).
		const activation = (await activationsOf(trx, statement.licenseNumber, statement.deviceId)).find(
			(row) =>
				row.device_public_key === key && wholeSecond(row.first_activated_at) <= statement.licenseIssuedAt
		);
		if (!activation) return { ok: false, error: notHeld(statement) };
		if (activation.released_at !== null) {
			const byDevice = activation.release_reason === DEVICE_RELEASE_REASON;
			return {
				ok: false,
				error: {
					code: byDevice ? 'deactivation_replayed' : 'seat_already_released',
					message: byDevice
						? `This deactivation of license ${statement.licenseNumber} was already received: the seat was freed then. Nothing was changed.`
						: `The seat of license ${statement.licenseNumber} on device ${statement.deviceId} was already released from the License list. Nothing was changed.`,
					licenseNumber: statement.licenseNumber
				}
			};
		}
		if (wholeSecond(activation.last_issued_at) > statement.licenseIssuedAt) {
			// A newer file was issued on this seat than the one the device gave up: it was activated
			// again (or refreshed) after the statement, so the statement no longer speaks for the seat.
			return {
				ok: false,
				error: {
					code: 'deactivation_superseded',
					message: `License ${statement.licenseNumber} was given to device ${statement.deviceId} again after this statement was made, so the statement no longer applies. Nothing was changed; to free the seat, deactivate the license on that device again.`,
					licenseNumber: statement.licenseNumber
				}
			};
		}
		if (!(await releaseActivation(trx, activation.id, ctx.now, DEVICE_RELEASE_REASON)))
			return { ok: false, error: notHeld(statement) };
		const account = await findAccountById(trx, license.account_id);
		await recordAuditEvent(
			trx,
			{
				kind: 'seat.release',
				actor: 'device',
				account: account ? { id: account.id, email: account.email } : null,
				licenseNumber: statement.licenseNumber,
				deviceId: statement.deviceId,
				detail: {
					via: 'deactivation',
					statement: statement.nonce,
					deactivatedAt: statement.deactivatedAt
				}
			},
			ctx.now,
			ctx.origin
		);
		return {
			ok: true,
			value: { licenseNumber: statement.licenseNumber, deviceId: statement.deviceId, releasedAt: ctx.now }
		};
	});
}

/** Reads a statement in either text form (deactivation.txt or its QR code's URL), then applies it. */
export async function submitDeactivation(
	ctx: { db: Db; now: number; origin?: AuditOrigin },
	text: string
): Promise<DeactivationOutcome> {
	const read = await parseDeactivationText(text);
	if (!read.ok) return { ok: false, error: read.error };
	return applyDeactivation(ctx, read.statement);
}
