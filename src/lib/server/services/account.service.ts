// Creating accounts (the admin CLI and the demo seed; the app has no self-service sign-up yet).
import { z } from 'zod';
import type { Account, Db } from '../db/schema';
import { insertAccount, normaliseEmail } from '../repositories/accounts.repository';
import { DEFAULT_PASSWORD_COST, hashPassword, MAX_PASSWORD_LENGTH, type PasswordCost } from './password';

export const MIN_PASSWORD_LENGTH = 8;

export const emailSchema = z.string().trim().toLowerCase().pipe(z.email().max(254));

export type CreateAccountResult =
	| { ok: true; account: Account }
	| { ok: false; code: 'invalid_email' | 'weak_password' | 'email_taken'; message: string };

export async function createAccount(
	db: Db,
	input: { email: string; password: string },
	now: number,
	cost: PasswordCost = DEFAULT_PASSWORD_COST
): Promise<CreateAccountResult> {
	const email = emailSchema.safeParse(input.email);
	if (!email.success)
		return { ok: false, code: 'invalid_email', message: `“${input.email}” is not an e-mail address.` };
	if (input.password.length < MIN_PASSWORD_LENGTH || input.password.length > MAX_PASSWORD_LENGTH) {
		return {
			ok: false,
			code: 'weak_password',
			message: `A password has ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters.`
		};
	}
	const account: Account = {
		id: crypto.randomUUID(),
		email: normaliseEmail(email.data),
		password_hash: await hashPassword(input.password, cost),
		created_at: now
	};
	if (!(await insertAccount(db, account))) {
		return { ok: false, code: 'email_taken', message: `An account with ${account.email} exists already.` };
	}
	return { ok: true, account };
}
