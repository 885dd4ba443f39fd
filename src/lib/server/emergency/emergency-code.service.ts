// Issues a license's emergency code to its owner: the vendor-signed permission to run an Emergency
// Activation once, offline, for up to 5 days. The code is made on first request and stored; later
// requests get the same code, so there is only ever one per license.
import type { ApiErrorCode, Refusal } from '../errors';
import { encodeBase64url } from '$lib/protocol/base64url';
import { randomBytes } from '$lib/protocol/bytes';
import {
	CODE_ID_BYTES,
	EMERGENCY_MAX_DAYS,
	formatEmergencyCode,
	formatEmergencyCodeSheet,
	parseEmergencyCode,
	signEmergencyCode,
	type CodeSigner
} from '$lib/protocol/emergency-code';
import type { EmergencyCodeResponse } from '$lib/protocol/emergency-api';
import { parseLicenseNumber } from '$lib/protocol/license-number';
import type { Db } from '../db/schema';
import { isExpired } from '../activation/license-issuer';
import { findAccountById } from '../accounts/accounts.repository';
import { findEmergencyUse } from './emergency-uses.repository';
import { findLicense, findProduct } from '../catalogue/licenses.repository';
import { findEmergencyCode, insertEmergencyCode } from './emergency-codes.repository';

export interface EmergencyCodeContext {
	db: Db;
	signer: CodeSigner;
	now: number;
}

export type EmergencyCodeOutcome =
	{ ok: true; response: EmergencyCodeResponse } | { ok: false; error: Refusal };

/** A stored code no longer reads back: the database was edited by hand or is damaged. */
export class StoredEmergencyCodeError extends Error {
	override name = 'StoredEmergencyCodeError';
}

function refused(code: ApiErrorCode, message: string, licenseNumber?: string): EmergencyCodeOutcome {
	return { ok: false, error: { code, message, ...(licenseNumber ? { licenseNumber } : {}) } };
}

/** The license's emergency code, for the signed-in owner only. */
export async function getEmergencyCode(
	ctx: EmergencyCodeContext,
	input: { licenseNumber: string; accountId: string }
): Promise<EmergencyCodeOutcome> {
	const number = parseLicenseNumber(input.licenseNumber);
	if (!number.ok) return refused('license_number_invalid', number.error.message);
	const license = await findLicense(ctx.db, number.licenseNumber);
	// Another account's license gets the same answer as one that does not exist: no probing.
	if (!license || license.account_id !== input.accountId)
		return refused(
			'license_not_found',
			`There is no license ${number.licenseNumber} on your account.`,
			number.licenseNumber
		);
	const product = await findProduct(ctx.db, license.product_code);
	if (!product || product.kind !== 'application')
		return refused(
			'license_is_expansion',
			`${license.number} is an expansion: Emergency Activation is for the license it extends.`,
			license.number
		);
	if (license.emergency_allowed !== 1)
		return refused(
			'emergency_not_allowed',
			`Emergency Activation is not available for ${license.number}. Contact your vendor if you need it.`,
			license.number
		);
	if (isExpired(license, ctx.now))
		return refused('license_expired', `License ${license.number} has expired.`, license.number);

	let stored = await findEmergencyCode(ctx.db, license.number);
	if (!stored) {
		const account = await findAccountById(ctx.db, license.account_id);
		const code = await signEmergencyCode(
			{
				licenseNumber: license.number,
				product: license.product_code,
				productName: product.name,
				email: account!.email,
				issuedAt: ctx.now,
				codeId: encodeBase64url(randomBytes(CODE_ID_BYTES)),
				maxDays: EMERGENCY_MAX_DAYS
			},
			ctx.signer
		);
		const row = {
			license_number: license.number,
			code_id: code.codeId,
			code: formatEmergencyCode(code),
			kid: code.kid,
			issued_at: code.issuedAt
		};
		// Two requests at once: the first stored wins, and both answer with it.
		stored = (await insertEmergencyCode(ctx.db, row)) ? row : await findEmergencyCode(ctx.db, license.number);
	}
	const parsed = stored ? parseEmergencyCode(stored.code) : null;
	if (!stored || !parsed?.ok)
		throw new StoredEmergencyCodeError(`the stored emergency code of ${license.number} does not read back`);
	const use = await findEmergencyUse(ctx.db, license.number);
	return {
		ok: true,
		response: {
			licenseNumber: license.number,
			code: stored.code,
			sheet: formatEmergencyCodeSheet(parsed.code),
			fileName: `${license.number}-emergency-code.txt`,
			issuedAt: parsed.code.issuedAt,
			maxDays: parsed.code.maxDays,
			used: use ? { deviceId: use.device_id, usedAt: use.used_at } : null
		}
	};
}
