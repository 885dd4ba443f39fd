// The one activation service behind every path — instant, deferred (portal), refresh and sync.
//
// A request is answered once: its answer is stored under its (device, nonce) with the seats it
// takes, all or nothing, so a replayed request gets the stored answer and never a second seat. The
// rules are applied once, in TypeScript, to what was read (decideSeat); what differs between the
// databases is only how the decision is written:
// - SQLite: read, decide and write inside one serialised transaction; requests arriving together
//   share one (db/group-commit.ts), each in a savepoint of its own.
// - PostgreSQL: read in one statement without locks, decide and sign, then write in one call
//   (record_activation, migration 0008) that locks the licenses, re-checks the facts the decision
//   rested on and writes nothing when they changed: the request is then read and decided again. No
//   row lock is held across round trips. Two copies of one request racing: the second's write finds
//   the seat held (stale: read again, find the first's answer) or collides with the first's stored
//   answer (return that).
// Either way the last seat goes to exactly one device, and a refusal writes nothing.
import { createHash } from 'node:crypto';
import type { ActivationResponse, IssuedLicense, RevokedLicense } from '$lib/protocol/api';
import { countActivation } from '../observability/metrics';
import { DomainError, type ApiErrorCode, type Refusal } from '../errors';
import { activationResponseSchema } from '$lib/protocol/api';
import { requestSignedBytes, type RegistrationRequest } from '$lib/protocol/reg-file';
import { encodeBase64url } from '$lib/protocol/base64url';
import { atomically } from '../db/group-commit';
import type { AuditEventRow, Db } from '../db/schema';
import {
	deviceActivationsForAccount,
	insertActivation,
	markReissued,
	recordActivation,
	seatsReleasedSince,
	touchActivation
} from './activations.repository';
import { storeAnswer, storedAnswer, type StoredAnswer } from './requests.repository';
import { readActivationFacts, readSeatFacts, type SeatFacts } from './activation-facts.repository';
import { findAccountByEmail } from '../accounts/accounts.repository';
import { getLicenseWithExpansions } from '../catalogue/licenses.repository';
import { isExpired, issueLicenseFiles, type LicenseSigner } from './license-issuer';
import { auditRowOf, type AuditOrigin } from '../audit/audit.service';
import { insertAuditEvent } from '../audit/audit.repository';
import { isPostgres } from '../db/database';

const MINUTE_MS = 60_000;
/** A request dated further ahead than this was made on a computer whose clock is wrong. */
export const REQUEST_CLOCK_TOLERANCE_MS = 5 * MINUTE_MS;
/** Requests older than this are refused, which is what lets old replay records be pruned. */
export const REQUEST_MAX_AGE_MS = 90 * 24 * 60 * MINUTE_MS;

export type ActivationPath = 'instant' | 'deferred';
/** How a request reached the server, as the audit log records it: by itself, or in a sync batch. */
export type ActivationChannel = 'direct' | 'sync';
export type ActivationOutcome = { ok: true; response: ActivationResponse } | { ok: false; error: Refusal };

export interface ActivationContext {
	db: Db;
	signer: LicenseSigner;
	now: number;
	/** The client's address and this node, for the audit log (none: this process, no address). */
	origin?: AuditOrigin;
}

/** A refusal inside the transaction: thrown to roll it back, then returned as a result. */
function refuse(code: ApiErrorCode, message: string, licenseNumber?: string): never {
	throw new DomainError({ code, message, ...(licenseNumber ? { licenseNumber } : {}) });
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

/** Storing the answer found one stored by a concurrent copy of the request: roll back, return that. */
class AnsweredMeanwhile extends Error {
	override name = 'AnsweredMeanwhile';
}

/**
 * The stored answer when this exact request was answered before; refuses a different request
 * reusing the nonce, and the same request once a seat it took has been released; null when the
 * request is new.
 */
async function previousAnswer(
	db: Db,
	request: RegistrationRequest,
	digest: string,
	accountId: string | null
): Promise<ActivationResponse | null> {
	return answerFromRecord(
		db,
		await storedAnswer(db, request.deviceId, request.nonce),
		request,
		digest,
		accountId
	);
}

/** previousAnswer, from the record already read for (device, nonce). */
async function answerFromRecord(
	db: Db,
	record: StoredAnswer | undefined,
	request: RegistrationRequest,
	digest: string,
	accountId: string | null
): Promise<ActivationResponse | null> {
	if (!record) return null;
	if (record.digest !== digest || record.account_id !== accountId || record.response === '') {
		refuse(
			'request_replayed',
			'This request has already been used. Generate a new one in the License Manager.'
		);
	}
	const answer = activationResponseSchema.parse(JSON.parse(record.response));
	// The stored answer hands out license files for the seats the request took. Once the owner has
	// released one of them, giving the files again would let the device use the license with no
	// seat (docs/API.md: releasing a seat refuses that device's license; activating again takes a
	// new seat, which needs a new request).
	const released = await seatsReleasedSince(
		db,
		request.deviceId,
		answer.licenses.map((license) => license.licenseNumber)
	);
	if (released.length > 0) {
		refuse(
			'request_replayed',
			`This request was answered before, and the seat it took on ${released.join(', ')} has been released since. To use the license on this device again, make a new activation in the License Manager: it takes a new seat.`,
			released[0]
		);
	}
	return answer;
}

/**
 * Answers a request once, all or nothing: `work` runs in a transaction unless the request was
 * answered before, and its answer is stored with what it did.
 */
async function answerOnce(
	ctx: ActivationContext,
	request: RegistrationRequest,
	accountId: string | null,
	work: (trx: Db) => Promise<ActivationResponse>
): Promise<ActivationResponse> {
	const digest = digestOf(request);
	try {
		return await atomically(ctx.db, async (trx) => {
			const previous = await previousAnswer(trx, request, digest, accountId);
			if (previous) return previous;
			const response = await work(trx);
			const stored = await storeAnswer(trx, {
				device_id: request.deviceId,
				nonce: request.nonce,
				digest,
				account_id: accountId,
				response: JSON.stringify(response),
				created_at: ctx.now
			});
			if (!stored) throw new AnsweredMeanwhile();
			return response;
		});
	} catch (error) {
		if (!(error instanceof AnsweredMeanwhile)) throw error;
		return (await previousAnswer(ctx.db, request, digest, accountId))!;
	}
}

/** Runs the steps of an answer, turning a refusal into a result; counted in the metrics by path. */
async function outcomeOf(
	path: ActivationPath | 'refresh',
	answer: () => Promise<ActivationResponse>
): Promise<ActivationOutcome> {
	let outcome: ActivationOutcome;
	try {
		outcome = { ok: true, response: await answer() };
	} catch (error) {
		if (!(error instanceof DomainError)) throw error;
		outcome = { ok: false, error: error.refusal };
	}
	countActivation(path, outcome);
	return outcome;
}

/**
 * What an activation decided for one license: the license as read, and the seat to take or renew
 * (held: the live activation this device already holds on it; null: a seat to take).
 */
type SeatDecision = SeatFacts;

/** Applies the rules to what was read of one license: the seat this device may take or renew, or a refusal. */
function decideSeat(
	facts: SeatFacts | undefined,
	number: string,
	account: { id: string; email: string },
	path: ActivationPath,
	now: number
): SeatDecision {
	if (!facts || facts.entry.license.account_id !== account.id) {
		refuse(
			'license_not_found',
			`License ${number} was not found in your account. Check the number, and that you are signed in with the account it was sold to.`,
			number
		);
	}
	const { entry, held } = facts;
	const { license } = entry;
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

	// The same device activating again gets a fresh file on the seat it already holds.
	if (!held && license.seats_in_use >= license.seats) {
		refuse(
			'no_free_seat',
			`All ${license.seats} seat${license.seats === 1 ? '' : 's'} of license ${number} are in use. Release a seat from another device in the License list, or buy more seats.`,
			number
		);
	}
	return { entry, held };
}

/** An activation decided and signed, with everything it writes; nothing is written yet. */
interface DecidedActivation {
	response: ActivationResponse;
	seats: { decision: SeatDecision; activationId: string }[];
	audit: AuditEventRow[];
}

interface ActivationInput {
	request: RegistrationRequest;
	path: ActivationPath;
	account: { id: string; email: string };
	/** Default: direct. */
	channel?: ActivationChannel;
}

/** Decides every license of the request (in a fixed order) and signs the files; writes nothing. */
async function decideActivation(
	facts: Map<string, SeatFacts>,
	ctx: ActivationContext,
	input: ActivationInput
): Promise<DecidedActivation> {
	const { request, account } = input;
	const licenses: IssuedLicense[] = [];
	const seats: DecidedActivation['seats'] = [];
	const audit: AuditEventRow[] = [];
	// A fixed order: PostgreSQL's record_activation locks the licenses in it, so two requests naming
	// the same licenses never deadlock.
	for (const number of [...request.licenseNumbers].sort()) {
		const decision = decideSeat(facts.get(number), number, account, input.path, ctx.now);
		licenses.push(...(await issueLicenseFiles(decision.entry, request, account.email, ctx.signer, ctx.now)));
		seats.push({ decision, activationId: crypto.randomUUID() });
		audit.push(
			auditRowOf(
				{
					kind: 'activation',
					actor: 'customer',
					account,
					licenseNumber: number,
					deviceId: request.deviceId,
					detail: {
						via: input.path,
						channel: input.channel ?? 'direct',
						seat: decision.held ? 'renewed' : 'taken'
					}
				},
				ctx.now,
				ctx.origin
			)
		);
	}
	return { response: { licenses, revoked: [], serverTime: ctx.now }, seats, audit };
}

/** Writes a decided activation's seats and audit events, in the caller's transaction (SQLite). */
async function writeSeats(
	trx: Db,
	decided: DecidedActivation,
	request: RegistrationRequest,
	accountId: string,
	now: number
): Promise<void> {
	for (const { decision, activationId } of decided.seats) {
		if (decision.held) await markReissued(trx, decision.held, now);
		else
			await insertActivation(trx, {
				id: activationId,
				license_number: decision.entry.license.number,
				device_id: request.deviceId,
				device_public_key: encodeBase64url(request.devicePublicKey),
				account_id: accountId,
				first_activated_at: now,
				last_issued_at: now,
				last_seen_at: now
			});
	}
	for (const row of decided.audit) await insertAuditEvent(trx, row);
}

/** Attempts of a PostgreSQL activation whose decision went stale (another request changed a license). */
const MAX_DECISIONS = 20;

/**
 * PostgreSQL: reads without locks, decides and signs, then writes in one call that re-checks the
 * facts the decision rests on (migration 0008), so no row lock is held across round trips; a
 * stale decision is made again from fresh reads.
 */
async function activateOnPostgres(
	ctx: ActivationContext,
	input: ActivationInput
): Promise<ActivationResponse> {
	const { request, account } = input;
	const digest = digestOf(request);
	for (let attempt = 0; attempt < MAX_DECISIONS; attempt++) {
		const facts = await readActivationFacts(ctx.db, request.deviceId, request.nonce, request.licenseNumbers);
		const previous = await answerFromRecord(ctx.db, facts.answer, request, digest, account.id);
		if (previous) return previous;
		const decided = await decideActivation(facts.seats, ctx, input);
		const written = await recordActivation(ctx.db, {
			request: {
				device_id: request.deviceId,
				nonce: request.nonce,
				digest,
				account_id: account.id,
				response: JSON.stringify(decided.response),
				created_at: ctx.now
			},
			seats: decided.seats.map(({ decision, activationId }) => ({
				number: decision.entry.license.number,
				account_id: account.id,
				revision: decision.entry.license.revision,
				held: decision.held,
				activation_id: activationId,
				device_public_key: encodeBase64url(request.devicePublicKey)
			})),
			audit: decided.audit
		});
		if (written === 'written') return decided.response;
		if (written === 'answered') {
			const answer = await previousAnswer(ctx.db, request, digest, account.id);
			if (answer) return answer;
		}
	}
	throw new Error(
		`the licenses of request ${request.nonce} kept changing: gave up after ${MAX_DECISIONS} attempts`
	);
}

/** Instant and deferred activation of the licenses a signed request names, for a signed-in account. */
export async function activate(ctx: ActivationContext, input: ActivationInput): Promise<ActivationOutcome> {
	const { request, account } = input;
	return outcomeOf(input.path, async () => {
		if (request.purpose !== 'activate')
			refuse('request_wrong_purpose', 'This is a refresh request, not an activation request.');
		checkRequestTime(request, ctx.now);
		if (request.email !== account.email) {
			refuse(
				'email_mismatch',
				`This request was made for ${request.email}, but you are signed in as ${account.email}. Sign in with that account, or generate a new request with your e-mail address.`
			);
		}
		if (isPostgres(ctx.db)) return activateOnPostgres(ctx, input);
		return answerOnce(ctx, request, account.id, async (trx) => {
			const facts = await readSeatFacts(trx, request.deviceId, request.licenseNumbers);
			const decided = await decideActivation(facts, ctx, input);
			await writeSeats(trx, decided, request, account.id, ctx.now);
			return decided.response;
		});
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
	return outcomeOf('refresh', async () => {
		if (request.purpose !== 'refresh')
			refuse('request_wrong_purpose', 'This is an activation request, not a refresh request.');
		checkRequestTime(request, ctx.now);
		return answerOnce(ctx, request, null, async (trx) => {
			const account = await findAccountByEmail(trx, request.email);
			const { active, released } = account
				? await deviceActivationsForAccount(trx, account.id, request)
				: { active: [], released: [] };
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
			return { licenses, revoked, serverTime: ctx.now };
		});
	});
}
