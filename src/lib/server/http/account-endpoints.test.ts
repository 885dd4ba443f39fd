// The account endpoints' answers as HTTP sees them (status, body, headers), on both databases.
import { expect, it, vi } from 'vitest';
import { signUpResponseSchema } from '$lib/protocol/account-api';
import { describeEachDatabase } from '../testing/databases';
import type { Db } from '../db/schema';
import { findAccountByEmail } from '../accounts/accounts.repository';
import { createAccount, DEFAULT_SIGNUP_LIMITS } from '../accounts/account.service';
import {
	DEFAULT_LOGIN_LIMITS,
	login,
	sessionFromToken,
	type AuthOptions,
	type SessionAccount
} from '../accounts/auth.service';
import * as password from '../accounts/password';
import { TEST_PASSWORD_COST } from '../accounts/password';
import { passwordChangeAnswer, signUpAnswer } from './account-endpoints';
import { refusalOf } from '../errors';
import { errorResponse } from './api-error';

const T0 = 1_750_000_000_000;
const options: AuthOptions = { passwordCost: TEST_PASSWORD_COST };
const signUpOptions = { passwordCost: TEST_PASSWORD_COST };

function post(path: string, body: unknown, contentType = 'application/json'): Request {
	return new Request(`http://localhost${path}`, {
		method: 'POST',
		headers: { 'content-type': contentType },
		body: typeof body === 'string' ? body : JSON.stringify(body)
	});
}

async function read(response: Response) {
	return { status: response.status, body: (await response.json()) as unknown };
}

function address() {
	return `192.0.2.${Math.floor(Math.random() * 250)}-${crypto.randomUUID().slice(0, 8)}`;
}

function freshEmail() {
	return `new-${crypto.randomUUID()}@example.test`;
}

async function existingAccount(db: Db) {
	const email = freshEmail();
	const result = await createAccount(db, { email, password: 'owner-password-1' }, T0, TEST_PASSWORD_COST);
	if (!result.ok) throw new Error(result.message);
	return { email, password: 'owner-password-1', id: result.account.id };
}

describeEachDatabase('account endpoints', (getDb) => {
	const signUp = (body: unknown, from = address(), signupOpen = true, limits = DEFAULT_SIGNUP_LIMITS) =>
		signUpAnswer(
			{ db: getDb(), config: { signupOpen } },
			post('/api/v1/accounts', body),
			{ clientAddress: from, now: T0 },
			{ ...signUpOptions, limits }
		);

	it('sign-up closed (the default): 403 signup_closed, whatever the body, and no account', async () => {
		const db = getDb();
		const email = freshEmail();
		for (const body of [{ email, password: 'a long password' }, 'not json', {}]) {
			expect(await read(await signUp(body, address(), false))).toEqual({
				status: 403,
				body: {
					error: {
						code: 'signup_closed',
						message: expect.stringContaining('Ask your vendor for an account')
					}
				}
			});
		}
		expect(await findAccountByEmail(db, email)).toBeUndefined();
	});

	it('sign-up open: a new e-mail gets an account that signs in', async () => {
		const db = getDb();
		const email = freshEmail();
		const answer = await read(
			await signUp({ email: `  ${email.toUpperCase()} `, password: 'a long password' })
		);
		expect(answer.status).toBe(202);
		expect(signUpResponseSchema.parse(answer.body)).toEqual({
			status: 'created-or-exists',
			message: expect.stringContaining('sign in')
		});
		expect((await login(db, email, 'a long password', address(), T0, options)).ok).toBe(true);
	});

	it('sign-up open: an existing e-mail gets the very same answer, after the same work, and keeps its password', async () => {
		const db = getDb();
		const owner = await existingAccount(db);
		const hash = vi.spyOn(password, 'hashPassword');
		try {
			const fresh = await signUp({ email: freshEmail(), password: 'a long password' });
			expect(hash).toHaveBeenCalledTimes(1);
			const taken = await signUp({ email: owner.email, password: 'the attacker password' });
			// One argon2 hash for a taken e-mail too: timing tells nothing either.
			expect(hash).toHaveBeenCalledTimes(2);
			expect(taken.status).toBe(fresh.status);
			expect([...taken.headers]).toEqual([...fresh.headers]);
			expect(await taken.text()).toBe(await fresh.text());
		} finally {
			hash.mockRestore();
		}
		expect((await login(db, owner.email, owner.password, address(), T0, options)).ok).toBe(true);
		expect(await login(db, owner.email, 'the attacker password', address(), T0, options)).toMatchObject({
			code: 'invalid_credentials'
		});
	});

	it('sign-up open: form mistakes get their own 400 with the field, and cost no attempt', async () => {
		const from = address();
		const limits = { windowMs: 60 * 60_000, perAddress: 1 };
		expect(await read(await signUp({ email: freshEmail(), password: 'short' }, from, true, limits))).toEqual({
			status: 400,
			body: {
				error: {
					code: 'password_too_short',
					field: 'password',
					message: expect.stringContaining('at least 10 characters')
				}
			}
		});
		expect(
			await read(await signUp({ email: freshEmail(), password: 'x'.repeat(257) }, from, true, limits))
		).toMatchObject({ status: 400, body: { error: { code: 'password_too_long', field: 'password' } } });
		expect(
			await read(await signUp({ email: 'not an e-mail', password: 'a long password' }, from, true, limits))
		).toMatchObject({ status: 400, body: { error: { code: 'invalid_email', field: 'email' } } });
		expect(await read(await signUp({ email: freshEmail() }, from, true, limits))).toMatchObject({
			status: 400,
			body: { error: { code: 'invalid_body', field: 'password' } }
		});
		// None of those counted: the one attempt allowed is still there.
		expect(
			(await signUp({ email: freshEmail(), password: 'a long password' }, from, true, limits)).status
		).toBe(202);
	});

	it('sign-up open: rate-limited per address, with Retry-After, for new and taken e-mails alike', async () => {
		const db = getDb();
		const owner = await existingAccount(db);
		const from = address();
		const limits = { windowMs: 60 * 60_000, perAddress: 3 };
		const statuses = [];
		for (const email of [freshEmail(), owner.email, freshEmail()])
			statuses.push((await signUp({ email, password: 'a long password' }, from, true, limits)).status);
		expect(statuses).toEqual([202, 202, 202]);
		const refusedEmail = freshEmail();
		for (const email of [refusedEmail, owner.email]) {
			const refused = await signUp({ email, password: 'a long password' }, from, true, limits);
			expect(refused.status).toBe(429);
			expect(refused.headers.get('retry-after')).toBe('3600');
			expect(await refused.json()).toEqual({
				error: {
					code: 'rate_limited',
					message: expect.stringContaining('60 minutes'),
					retryAfterSeconds: 3600
				}
			});
		}
		// Refused means not created.
		expect(await findAccountByEmail(db, refusedEmail)).toBeUndefined();
		// Another address is not affected.
		expect(
			(await signUp({ email: freshEmail(), password: 'a long password' }, address(), true, limits)).status
		).toBe(202);
	});

	it('the lockout answer: 429 with retryAfterSeconds in the body and Retry-After, and the wait in the message', async () => {
		const db = getDb();
		const owner = await existingAccount(db);
		const from = address();
		for (let i = 0; i < DEFAULT_LOGIN_LIMITS.perAccountAddress; i++)
			await login(db, owner.email, `guess-${i}`, from, T0, options);
		const locked = await login(db, owner.email, owner.password, from, T0 + 5 * 60_000, options);
		if (locked.ok || locked.code !== 'rate_limited') throw new Error('not locked');
		const response = errorResponse(refusalOf(locked));
		expect(response.status).toBe(429);
		expect(response.headers.get('retry-after')).toBe('600');
		expect(await response.json()).toEqual({
			error: {
				code: 'rate_limited',
				retryAfterSeconds: 600,
				message:
					'Too many wrong passwords: this account is locked for 10 more minutes. Try again then, or ask your vendor to unlock it.'
			}
		});
	});

	it('change password over HTTP: 401 without a session, 403 wrong current, 400 too short, 200 ending the other sessions', async () => {
		const db = getDb();
		const owner = await existingAccount(db);
		const signIn = async () => {
			const result = await login(db, owner.email, owner.password, address(), T0, options);
			if (!result.ok) throw new Error('login failed');
			return result;
		};
		const mine = await signIn();
		const other = await signIn();
		const change = (
			body: unknown,
			session: { account: SessionAccount | null; token: string | undefined } = mine
		) =>
			passwordChangeAnswer(
				{ db },
				post('/api/v1/account/password', body),
				session,
				{ clientAddress: address(), now: T0 + 1000 },
				options
			).then(read);

		expect(
			await change(
				{ currentPassword: owner.password, newPassword: 'a long new password' },
				{ account: null, token: undefined }
			)
		).toMatchObject({ status: 401, body: { error: { code: 'not_signed_in' } } });
		expect(await change({ currentPassword: 'wrong', newPassword: 'a long new password' })).toEqual({
			status: 403,
			body: {
				error: {
					code: 'wrong_current_password',
					field: 'currentPassword',
					message: expect.stringContaining('current password is not right')
				}
			}
		});
		expect(await change({ currentPassword: owner.password, newPassword: 'short' })).toMatchObject({
			status: 400,
			body: { error: { code: 'password_too_short', field: 'newPassword' } }
		});
		expect(await change({ currentPassword: owner.password })).toMatchObject({
			status: 400,
			body: { error: { code: 'invalid_body', field: 'newPassword' } }
		});
		expect(await sessionFromToken(db, other.token, T0 + 2000)).not.toBeNull();

		expect(await change({ currentPassword: owner.password, newPassword: 'a long new password' })).toEqual({
			status: 200,
			body: { status: 'changed', otherSessionsEnded: 1 }
		});
		expect(await sessionFromToken(db, mine.token, T0 + 3000)).not.toBeNull();
		expect(await sessionFromToken(db, other.token, T0 + 3000)).toBeNull();
	});
});
