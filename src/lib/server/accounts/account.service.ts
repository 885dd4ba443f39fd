// Creating accounts: by the vendor (the admin CLI, the demo seed) and, when the server's sign-up is
// open (SIGNUP=open), by anyone through `POST /api/v1/accounts`.
import { z } from 'zod';
import { MIN_PASSWORD_LENGTH, type SignUpResponse } from '$lib/protocol/account-api';
import type { Account, Db } from '../db/schema';
import { insertAccount, normaliseEmail } from './accounts.repository';
import { hitRateLimit } from './rate-limits.repository';
import { DEFAULT_PASSWORD_COST, hashPassword, MAX_PASSWORD_LENGTH, type PasswordCost } from './password';
import { originOf, recordAuditEvent, type AuditActor, type AuditOrigin } from '../audit/audit.service';

export { MIN_PASSWORD_LENGTH };

export const emailSchema = z.string().trim().toLowerCase().pipe(z.email().max(254));

export type PasswordProblem = {
	code: 'password_too_short' | 'password_too_long';
	message: string;
};

/** Why a new password cannot be used, or null when it can (the one rule for every new password). */
export function checkNewPassword(password: string): PasswordProblem | null {
	if (password.length < MIN_PASSWORD_LENGTH) {
		return {
			code: 'password_too_short',
			message: `A password needs at least ${MIN_PASSWORD_LENGTH} characters. A few words in a row are easy to remember and hard to guess.`
		};
	}
	if (password.length > MAX_PASSWORD_LENGTH) {
		return {
			code: 'password_too_long',
			message: `A password has at most ${MAX_PASSWORD_LENGTH} characters.`
		};
	}
	return null;
}

export type CreateAccountResult =
	| { ok: true; account: Account }
	| { ok: false; code: 'invalid_email' | 'email_taken' | PasswordProblem['code']; message: string };

export async function createAccount(
	db: Db,
	input: { email: string; password: string },
	now: number,
	cost: PasswordCost = DEFAULT_PASSWORD_COST,
	/** Who asked, for the audit log: the vendor (admin CLI) unless a sign-up. */
	by: { actor: AuditActor; origin?: AuditOrigin } = { actor: 'admin' }
): Promise<CreateAccountResult> {
	const email = emailSchema.safeParse(input.email);
	if (!email.success)
		return { ok: false, code: 'invalid_email', message: `“${input.email}” is not an e-mail address.` };
	const problem = checkNewPassword(input.password);
	if (problem) return { ok: false, ...problem };
	const account: Account = {
		id: crypto.randomUUID(),
		email: normaliseEmail(email.data),
		password_hash: await hashPassword(input.password, cost),
		created_at: now
	};
	const created = await db.transaction().execute(async (trx) => {
		if (!(await insertAccount(trx, account))) return false;
		await recordAuditEvent(trx, { kind: 'account.creation', actor: by.actor, account }, now, by.origin);
		return true;
	});
	if (!created)
		return { ok: false, code: 'email_taken', message: `An account with ${account.email} exists already.` };
	return { ok: true, account };
}

export interface SignUpLimits {
	windowMs: number;
	/** Sign-up attempts per client address and window, whatever their outcome. */
	perAddress: number;
}

export const DEFAULT_SIGNUP_LIMITS: SignUpLimits = { windowMs: 60 * 60_000, perAddress: 10 };

export interface SignUpOptions {
	passwordCost?: PasswordCost;
	limits?: SignUpLimits;
}

export const SIGNUP_ANSWER: SignUpResponse = {
	status: 'created-or-exists',
	message:
		'If this e-mail address can be used, its account is ready: sign in with it and your password. If it was registered before, sign in with the password chosen then.'
};

export type SignUpResult =
	| { ok: true; answer: SignUpResponse }
	| { ok: false; code: 'invalid_email' | PasswordProblem['code']; field: string; message: string }
	| { ok: false; code: 'rate_limited'; message: string; retryAfterSeconds: number };

/**
 * Self-service sign-up. The answer is the same whether the e-mail was free or not, and so is the
 * work behind it (the password is hashed either way, then the insert does nothing for a taken
 * e-mail): neither the answer nor its timing tells whether an e-mail is registered. An existing
 * account is never changed. Counted per client address before anything is hashed, so the endpoint
 * can neither be used to probe for free nor to burn the server's CPU.
 */
export async function signUp(
	db: Db,
	input: { email: string; password: string },
	clientAddress: string,
	now: number,
	options: SignUpOptions = {}
): Promise<SignUpResult> {
	const limits = options.limits ?? DEFAULT_SIGNUP_LIMITS;
	const email = emailSchema.safeParse(input.email);
	// Mistakes in the form are told at once and cost no attempt: they reveal nothing about accounts.
	if (!email.success) {
		return {
			ok: false,
			code: 'invalid_email',
			field: 'email',
			message: 'This is not an e-mail address. Check it and try again.'
		};
	}
	const problem = checkNewPassword(input.password);
	if (problem) return { ok: false, ...problem, field: 'password' };

	const hit = await hitRateLimit(db, `signup:address:${clientAddress}`, limits.windowMs, now);
	if (hit.count > limits.perAddress) {
		const retryAfterSeconds = Math.max(1, Math.ceil((hit.windowStart + limits.windowMs - now) / 1000));
		const minutes = Math.ceil(retryAfterSeconds / 60);
		return {
			ok: false,
			code: 'rate_limited',
			message: `Too many accounts were asked for from your network address. Try again in ${minutes === 1 ? '1 minute' : `${minutes} minutes`}.`,
			retryAfterSeconds
		};
	}
	const created = await createAccount(
		db,
		{ email: email.data, password: input.password },
		now,
		options.passwordCost,
		{ actor: 'customer', origin: originOf(clientAddress) }
	);
	// Checked above: the only failure left is a taken e-mail, which must look like a success.
	if (!created.ok && created.code !== 'email_taken') throw new Error(`sign-up: ${created.message}`);
	return { ok: true, answer: SIGNUP_ANSWER };
}
