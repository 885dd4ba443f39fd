// The one activation service behind every path — instant, deferred (portal), refresh and sync.
//
// A request is answered once: its (device, nonce) is reserved in the same transaction that takes
// the seats, so a replayed or concurrently duplicated request gets the stored answer and never a
// second seat. Seats are checked and taken with the license row locked (PostgreSQL) or inside
// SQLite's serialised transaction, so the last seat goes to exactly one device. Any refusal rolls
// the whole request back: nothing is half-granted.
import { createHash } from 'node:crypto';
import type { ActivationResponse, ApiError, IssuedLicense, RevokedLicense } from '$lib/protocol/api';
import { activationResponseSchema } from '$lib/protocol/api';
import { requestSignedBytes, type RegistrationRequest } from '$lib/protocol/reg-file';
import { encodeBase64url } from '$lib/protocol/base64url';
import type { Db } from '../db/schema';
import {
	countActiveSeats,
	findActiveActivation,
	insertActivation,
	touchActivation
} from '../repositories/activations.repository';
import { getLicenseWithExpansions, lockLicenseForUpdate } from '../repositories/licenses.repository';
import { getRequestRecord, putRequestRecord } from '../repositories/requests.repository';
import { isExpired, issueLicenseFiles, type LicenseSigner } from './license-issuer';
import { deviceActivationsForAccount } from './device-activations';

const MINUTE_MS = 60_000;
/** A request dated further ahead than this was made on a computer whose clock is wrong. */
export const REQUEST_CLOCK_TOLERANCE_MS = 5 * MINUTE_MS;
/** Requests older than this are refused, which is what lets old replay records be pruned. */
export const REQUEST_MAX_AGE_MS = 90 * 24 * 60 * MINUTE_MS;

export type ActivationPath = 'instant' | 'deferred';
export type ActivationOutcome = { ok: true; response: ActivationResponse } | { ok: false; error: ApiError };

export interface ActivationContext {
	db: Db;
	signer: LicenseSigner;
	now: number;
}

/** A refusal inside the transaction: thrown to roll it back, then returned as a result. */
class Refusal extends Error {
	override name = 'Refusal';
	constructor(readonly error: ApiError) {
		super(error.message);
	}
}

function refuse(code: string, message: string, licenseNumber?: string): never {
	throw new Refusal({ code, message, ...(licenseNumber ? { licenseNumber } : {}) });
}

function digestOf(request: RegistrationRequest): string {
	return createHash('sha256').update(requestSignedBytes(request)).update(request.signature).digest('hex');
}

function checkRequestTime(request: RegistrationRequest, now: number): void {
	if (request.createdAt > now + REQUEST_CLOCK_TOLERANCE_MS) {
		refuse(
			'request_from_future',
			'This request is dated in the future: the clock of the computer that made it is wrong. Correct its date and time, then generate a new request.'
		);
	}
	if (request.createdAt < now - REQUEST_MAX_AGE_MS) {
		refuse(
			'request_expired',
			'This request is more than 90 days old. Generate a new one in the License Manager.'
		);
	}
}

/**
 * Reserves the request's (device, nonce) in the transaction. Returns the stored answer when this
 * exact request was answered before, refuses a different request reusing the nonce, and returns
 * null when this is the first time (the caller then answers it and stores the answer).
 */
async function reserveRequest(
	trx: Db,
	request: RegistrationRequest,
	accountId: string | null,
	now: number
): Promise<ActivationResponse | null> {
	const digest = digestOf(request);
	const inserted = await putRequestRecord(trx, {
		device_id: request.deviceId,
		nonce: request.nonce,
		digest,
		account_id: accountId,
		response: '',
		created_at: now
	});
	if (inserted) return null;
	const record = await getRequestRecord(trx, request.deviceId, request.nonce);
	if (!record || record.digest !== digest || record.account_id !== accountId || record.response === '') {
		refuse(
			'request_replayed',
			'This request has already been used. Generate a new one in the License Manager.'
		);
	}
	return activationResponseSchema.parse(JSON.parse(record.response));
}

async function storeResponse(
	trx: Db,
	request: RegistrationRequest,
	response: ActivationResponse
): Promise<void> {
	await trx
		.updateTable('requests')
		.set({ response: JSON.stringify(response) })
		.where('device_id', '=', request.deviceId)
		.where('nonce', '=', request.nonce)
		.execute();
}

async function run(
	ctx: ActivationContext,
	work: (trx: Db) => Promise<ActivationResponse>
): Promise<ActivationOutcome> {
	try {
		return { ok: true, response: await ctx.db.transaction().execute(work) };
	} catch (error) {
		if (error instanceof Refusal) return { ok: false, error: error.error };
		throw error;
	}
}

/** Takes (or re-uses) this device's seat on one license, with the license row locked. */
async function takeSeat(
	trx: Db,
	number: string,
	account: { id: string },
	request: RegistrationRequest,
	path: ActivationPath,
	now: number
) {
	const license = await lockLicenseForUpdate(trx, number);
	if (!license || license.account_id !== account.id) {
		refuse(
			'license_not_found',
			`License ${number} was not found in your account. Check the number, and that you are signed in with the account it was sold to.`,
			number
		);
	}
	const entry = (await getLicenseWithExpansions(trx, number))!;
	if (license.parent_number) {
		refuse(
			'license_is_expansion',
			`${number} is an expansion of ${license.parent_number}: activate ${license.parent_number} and its expansions come with it.`,
			number
		);
	}
	if (path === 'deferred' && !license.deferred_allowed) {
		refuse(
			'deferred_not_allowed',
			`License ${number} cannot be activated by Deferred Activation (an “R” license). Use Instant Activation on a computer with internet access.`,
			number
		);
	}
	if (isExpired(license, now))
		refuse('license_expired', `License ${number} has expired. Contact your vendor to renew it.`, number);

	const existing = await findActiveActivation(trx, number, request.deviceId);
	if (existing) {
		// The same device activating again gets a fresh file on the seat it already holds.
		await touchActivation(trx, existing.id, { lastSeenAt: now, lastIssuedAt: now });
	} else {
		const used = await countActiveSeats(trx, number);
		if (used >= license.seats) {
			refuse(
				'no_free_seat',
				`All ${license.seats} seat${license.seats === 1 ? '' : 's'} of license ${number} are in use. Release a seat from another device in the License list, or buy more seats.`,
				number
			);
		}
		await insertActivation(trx, {
			id: crypto.randomUUID(),
			license_number: number,
			device_id: request.deviceId,
			device_public_key: encodeBase64url(request.devicePublicKey),
			account_id: account.id,
			first_activated_at: now,
			last_issued_at: now,
			last_seen_at: now,
			released_at: null,
			release_reason: null
		});
	}
	return entry;
}

/** Instant and deferred activation of the licenses a signed request names, for a signed-in account. */
export async function activate(
	ctx: ActivationContext,
	input: { request: RegistrationRequest; path: ActivationPath; account: { id: string; email: string } }
): Promise<ActivationOutcome> {
	const { request, account } = input;
	return run(ctx, async (trx) => {
		if (request.purpose !== 'activate')
			refuse('request_wrong_purpose', 'This is a refresh request, not an activation request.');
		checkRequestTime(request, ctx.now);
		if (request.email !== account.email) {
			refuse(
				'email_mismatch',
				`This request was made for ${request.email}, but you are signed in as ${account.email}. Sign in with that account, or generate a new request with your e-mail address.`
			);
		}
		const stored = await reserveRequest(trx, request, account.id, ctx.now);
		if (stored) return stored;

		const licenses: IssuedLicense[] = [];
		// A fixed lock order keeps two requests naming the same licenses from deadlocking.
		for (const number of [...request.licenseNumbers].sort()) {
			const entry = await takeSeat(trx, number, account, request, input.path, ctx.now);
			licenses.push(...(await issueLicenseFiles(entry, request, account.email, ctx.signer, ctx.now)));
		}
		const response: ActivationResponse = { licenses, revoked: [], serverTime: ctx.now };
		await storeResponse(trx, request, response);
		return response;
	});
}

/**
 * Refresh: fresh files for every license this device holds for the request's account, with the
 * expansions attached since, renewed temporary periods, and the licenses it may no longer use.
 * The device's signature is the credential: it only ever re-issues what this device already holds.
 */
export async function refresh(
	ctx: ActivationContext,
	input: { request: RegistrationRequest }
): Promise<ActivationOutcome> {
	const { request } = input;
	return run(ctx, async (trx) => {
		if (request.purpose !== 'refresh')
			refuse('request_wrong_purpose', 'This is an activation request, not a refresh request.');
		checkRequestTime(request, ctx.now);
		const stored = await reserveRequest(trx, request, null, ctx.now);
		if (stored) return stored;

		const { active, released, account } = await deviceActivationsForAccount(trx, request);
		const licenses: IssuedLicense[] = [];
		const revoked: RevokedLicense[] = [];
		for (const activation of active) {
			const entry = await getLicenseWithExpansions(trx, activation.license_number);
			if (!entry || entry.license.account_id !== activation.account_id) {
				revoked.push({
					licenseNumber: activation.license_number,
					reason: 'license_removed',
					message: `License ${activation.license_number} no longer belongs to this account.`
				});
				continue;
			}
			await touchActivation(trx, activation.id, { lastSeenAt: ctx.now, lastIssuedAt: ctx.now });
			if (isExpired(entry.license, ctx.now)) continue;
			licenses.push(...(await issueLicenseFiles(entry, request, account!.email, ctx.signer, ctx.now)));
		}
		for (const number of released) {
			revoked.push({
				licenseNumber: number,
				reason: 'seat_released',
				message: `The seat of license ${number} on this device was released from the License list. Activate it again to use it here.`
			});
		}
		const response: ActivationResponse = { licenses, revoked, serverTime: ctx.now };
		await storeResponse(trx, request, response);
		return response;
	});
}
