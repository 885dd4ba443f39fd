import { expect, it, vi } from 'vitest';
import * as password from './password';
import { describeEachDatabase } from '../testing/databases';
import type { Db } from '../db/schema';
import { findAccountByEmail } from './accounts.repository';
import { createAccount } from './account.service';
import {
	changePassword,
	DEFAULT_LOGIN_LIMITS,
	login,
	logout,
	pruneAuthState,
	sessionFromToken,
	setAccountPassword,
	startSession,
	unlockAccount,
	type AuthOptions
} from './auth.service';
import { hashPassword, TEST_PASSWORD_COST } from './password';
import { sessionPolicyOf } from './session-policy';

const T0 = 1_750_000_000_000;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const options: AuthOptions = { passwordCost: TEST_PASSWORD_COST };

async function newAccount(db: Db, pw = 'owner-password-1') {
	const email = `user-${crypto.randomUUID()}@example.test`;
	const result = await createAccount(db, { email, password: pw }, T0, TEST_PASSWORD_COST);
	if (!result.ok) throw new Error(result.message);
	return { email, password: pw, id: result.account.id };
}

async function newAccountWithEmail(db: Db, email: string, pw = 'owner-password-1') {
	const result = await createAccount(db, { email, password: pw }, T0, TEST_PASSWORD_COST);
	if (!result.ok) throw new Error(result.message);
	return { email, password: pw, id: result.account.id };
}

function address() {
	return `198.51.100.${Math.floor(Math.random() * 250)}-${crypto.randomUUID().slice(0, 8)}`;
}

describeEachDatabase('auth service', (getDb) => {
	it('logs in with the right password, whatever the e-mail case, with a new session each time', async () => {
		const db = getDb();
		const owner = await newAccount(db);
		const first = await login(db, owner.email.toUpperCase(), owner.password, address(), T0, options);
		const second = await login(db, owner.email, owner.password, address(), T0, options);
		if (!first.ok || !second.ok) throw new Error('login failed');
		expect(first.account).toEqual({ id: owner.id, email: owner.email });
		expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
		expect(second.token).not.toBe(first.token);
		// Only the hash is stored.
		const stored = await db.selectFrom('sessions').select('id').where('account_id', '=', owner.id).execute();
		expect(stored).toHaveLength(2);
		expect(stored.map((row) => row.id)).not.toContain(first.token);
	});

	it('gives the same answer, after one argon2 verification, for an unknown e-mail and a wrong password', async () => {
		const db = getDb();
		const owner = await newAccount(db);
		const verify = vi.spyOn(password, 'verifyPassword');
		try {
			const wrong = await login(db, owner.email, 'wrong password', address(), T0, options);
			expect(verify).toHaveBeenCalledTimes(1);
			const unknown = await login(db, `nobody-${owner.email}`, 'wrong password', address(), T0, options);
			expect(verify).toHaveBeenCalledTimes(2);
			const malformed = await login(db, 'not an e-mail', 'x', address(), T0, options);
			expect(verify).toHaveBeenCalledTimes(3);
			expect(unknown).toEqual(wrong);
			expect(malformed).toEqual(wrong);
			expect(wrong).toEqual({ ok: false, code: 'invalid_credentials', message: expect.any(String) });
		} finally {
			verify.mockRestore();
		}
	});

	it('1,000 wrong passwords from one address: a handful evaluated, and the owner still logs in elsewhere', async () => {
		const db = getDb();
		const owner = await newAccount(db);
		const attacker = address();
		const verify = vi.spyOn(password, 'verifyPassword');
		let limited = 0;
		try {
			for (let i = 0; i < 1000; i++) {
				// Two minutes of attempts.
				const result = await login(db, owner.email, `guess-${i}`, attacker, T0 + i * 120, options);
				expect(result.ok).toBe(false);
				if (!result.ok && result.code === 'rate_limited') {
					limited++;
					expect(result.retryAfterSeconds).toBeGreaterThan(0);
					expect(result.retryAfterSeconds).toBeLessThanOrEqual(15 * 60);
				}
			}
			expect(verify.mock.calls.length).toBeLessThanOrEqual(DEFAULT_LOGIN_LIMITS.perAccountAddress);
		} finally {
			verify.mockRestore();
		}
		expect(limited).toBeGreaterThanOrEqual(1000 - DEFAULT_LOGIN_LIMITS.perAccountAddress);
		// Even the right password is refused from the attacker's address…
		const fromAttacker = await login(db, owner.email, owner.password, attacker, T0 + 121_000, options);
		expect(fromAttacker).toMatchObject({ ok: false, code: 'rate_limited' });
		// …but the owner, elsewhere, is not locked out.
		const fromOwner = await login(db, owner.email, owner.password, address(), T0 + 121_000, options);
		expect(fromOwner.ok).toBe(true);
		// Once the window is over, the address may try again.
		const later = await login(db, owner.email, owner.password, attacker, T0 + 16 * MINUTE + 121_000, options);
		expect(later.ok).toBe(true);
	});

	it('blocks an address guessing across many accounts', async () => {
		const db = getDb();
		const attacker = address();
		const results = [];
		for (let i = 0; i < DEFAULT_LOGIN_LIMITS.perAddress + 3; i++) {
			results.push(
				await login(db, `victim-${i}-${crypto.randomUUID()}@example.test`, 'x', attacker, T0, options)
			);
		}
		expect(
			results
				.slice(0, DEFAULT_LOGIN_LIMITS.perAddress)
				.every((r) => !r.ok && r.code === 'invalid_credentials')
		).toBe(true);
		expect(
			results.slice(DEFAULT_LOGIN_LIMITS.perAddress).every((r) => !r.ok && r.code === 'rate_limited')
		).toBe(true);
	});

	it('caps guesses at one account spread over many addresses', async () => {
		const db = getDb();
		const owner = await newAccount(db);
		const limits = { ...DEFAULT_LOGIN_LIMITS, perAccount: 8 };
		const codes = [];
		for (let i = 0; i < 12; i++) {
			const result = await login(db, owner.email, 'guess', address(), T0, { ...options, limits });
			codes.push(result.ok ? 'ok' : result.code);
		}
		expect(codes.filter((code) => code === 'invalid_credentials')).toHaveLength(8);
		expect(codes.slice(8)).toEqual(['rate_limited', 'rate_limited', 'rate_limited', 'rate_limited']);
	});

	it('does not count successful logins against a shared address', async () => {
		const db = getDb();
		const office = address();
		for (let i = 0; i < DEFAULT_LOGIN_LIMITS.perAddress + 5; i++) {
			const user = await newAccount(db);
			expect((await login(db, user.email, user.password, office, T0, options)).ok).toBe(true);
		}
	});

	it('upgrades a hash made with other costs at login', async () => {
		const db = getDb();
		const owner = await newAccount(db);
		const stronger = { ...TEST_PASSWORD_COST, timeCost: 2 };
		await db
			.updateTable('accounts')
			.set({ password_hash: await hashPassword(owner.password, TEST_PASSWORD_COST) })
			.where('id', '=', owner.id)
			.execute();
		expect((await login(db, owner.email, owner.password, address(), T0, { passwordCost: stronger })).ok).toBe(
			true
		);
		expect((await findAccountByEmail(db, owner.email))?.password_hash).toContain('t=2,');
	});

	it('resolves sessions with a sliding expiry, a maximum age, and logout', async () => {
		const db = getDb();
		const owner = await newAccount(db);
		const result = await login(db, owner.email, owner.password, address(), T0, options);
		if (!result.ok) throw new Error('login failed');
		expect(result.expiresAt).toBe(T0 + 30 * DAY);
		expect(await sessionFromToken(db, 'garbage', T0)).toBeNull();
		expect(
			await sessionFromToken(
				db,
				result.token.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
				T0
			)
		).toBeNull();
		const used = await sessionFromToken(db, result.token, T0 + 20 * DAY);
		expect(used).toEqual({ account: { id: owner.id, email: owner.email }, expiresAt: T0 + 50 * DAY });
		// Kept alive by use, it still ends at its maximum age.
		for (let day = 40; day < 180; day += 20)
			expect(await sessionFromToken(db, result.token, T0 + day * DAY)).not.toBeNull();
		expect(await sessionFromToken(db, result.token, T0 + 180 * DAY)).toBeNull();

		const other = await login(db, owner.email, owner.password, address(), T0, options);
		if (!other.ok) throw new Error('login failed');
		await logout(db, other.token);
		expect(await sessionFromToken(db, other.token, T0 + 1)).toBeNull();
		await logout(db, 'not a token'); // harmless
	});

	it('prunes expired sessions and finished rate-limit windows', async () => {
		const db = getDb();
		const owner = await newAccount(db);
		await login(db, owner.email, owner.password, address(), T0, options);
		await login(db, owner.email, 'wrong', address(), T0, options);
		await pruneAuthState(db, T0 + 365 * DAY);
		expect(await db.selectFrom('sessions').select('id').where('account_id', '=', owner.id).execute()).toEqual(
			[]
		);
		expect(
			await db.selectFrom('rate_limits').select('key').where('key', 'like', `%${owner.email}%`).execute()
		).toEqual([]);
	});

	async function sessionRow(db: Db, accountId: string) {
		return db
			.selectFrom('sessions')
			.select(['expires_at', 'last_used_at'])
			.where('account_id', '=', accountId)
			.executeTakeFirstOrThrow();
	}

	it('sliding expiry: use keeps a session alive, extended at most every 5 minutes', async () => {
		const db = getDb();
		const owner = await newAccount(db);
		const policy = sessionPolicyOf(1 * DAY, 3 * DAY);
		expect(policy.touchEveryMs).toBe(5 * MINUTE);
		const result = await login(db, owner.email, owner.password, address(), T0, {
			...options,
			sessionPolicy: policy
		});
		if (!result.ok) throw new Error('login failed');
		expect(result).toMatchObject({ expiresAt: T0 + DAY, endsAt: T0 + 3 * DAY });

		// Used again within 5 minutes: no write, the end stays where it was.
		expect(await sessionFromToken(db, result.token, T0 + 4 * MINUTE, policy)).toMatchObject({
			expiresAt: T0 + DAY
		});
		expect(await sessionRow(db, owner.id)).toEqual({ expires_at: T0 + DAY, last_used_at: T0 });
		// Later: pushed to a day after this use.
		expect(await sessionFromToken(db, result.token, T0 + 20 * HOUR, policy)).toMatchObject({
			expiresAt: T0 + 44 * HOUR
		});
		expect(await sessionRow(db, owner.id)).toEqual({
			expires_at: T0 + 44 * HOUR,
			last_used_at: T0 + 20 * HOUR
		});
		// Past a day after sign-in, alive because it was used.
		expect(await sessionFromToken(db, result.token, T0 + 40 * HOUR, policy)).not.toBeNull();
	});

	it('sliding expiry: an idle session ends, and a busy one ends at its maximum age', async () => {
		const db = getDb();
		const owner = await newAccount(db);
		const policy = sessionPolicyOf(1 * DAY, 3 * DAY);
		const idle = await startSession(db, owner.id, T0, policy);
		expect(await sessionFromToken(db, idle.token, T0 + 6 * HOUR, policy)).not.toBeNull();
		// Unused for a day after its last use: over.
		expect(await sessionFromToken(db, idle.token, T0 + 30 * HOUR, policy)).toBeNull();

		const busy = await startSession(db, owner.id, T0, policy);
		for (let hour = 12; hour < 72; hour += 12)
			expect(await sessionFromToken(db, busy.token, T0 + hour * HOUR, policy), `hour ${hour}`).not.toBeNull();
		// Used every 12 hours, yet not a moment past 3 days.
		expect((await sessionFromToken(db, busy.token, T0 + 71 * HOUR, policy))?.expiresAt).toBe(T0 + 3 * DAY);
		expect(await sessionFromToken(db, busy.token, T0 + 3 * DAY, policy)).toBeNull();
	});

	it('a locked account is told how long to wait, also for the right password', async () => {
		const db = getDb();
		const owner = await newAccount(db);
		const from = address();
		for (let i = 0; i < DEFAULT_LOGIN_LIMITS.perAccountAddress; i++)
			expect(await login(db, owner.email, `guess-${i}`, from, T0 + i * 1000, options)).toMatchObject({
				code: 'invalid_credentials'
			});
		const locked = await login(db, owner.email, 'guess-6', from, T0 + 61_000, options);
		expect(locked).toEqual({
			ok: false,
			code: 'rate_limited',
			scope: 'account',
			retryAfterSeconds: 15 * 60 - 61,
			message:
				'Too many wrong passwords: this account is locked for 14 more minutes. Try again then, or ask your vendor to unlock it.'
		});
		const stillLocked = await login(
			db,
			owner.email,
			owner.password,
			from,
			T0 + 14 * MINUTE + 30_000,
			options
		);
		expect(stillLocked).toMatchObject({ code: 'rate_limited', retryAfterSeconds: 30 });
		expect(!stillLocked.ok && stillLocked.message).toContain('locked for 1 more minute.');
		expect((await login(db, owner.email, owner.password, from, T0 + 15 * MINUTE, options)).ok).toBe(true);
	});

	it('an address guessing across accounts is told it is the address, not an account', async () => {
		const db = getDb();
		const from = address();
		let last;
		for (let i = 0; i <= DEFAULT_LOGIN_LIMITS.perAddress; i++)
			last = await login(db, `v${i}-${crypto.randomUUID()}@example.test`, 'x', from, T0, options);
		expect(last).toMatchObject({ code: 'rate_limited', scope: 'address', retryAfterSeconds: 15 * 60 });
		expect(last && !last.ok && last.message).toBe(
			'Too many failed sign-ins from your network address: try again in 15 more minutes.'
		);
	});

	it('the vendor unlocks an account at once, from every address, and only that account', async () => {
		const db = getDb();
		// An underscore is a LIKE wildcard: unlocking a_b… must not touch axb….
		const tag = crypto.randomUUID().slice(0, 8);
		const owner = await newAccountWithEmail(db, `a_b-${tag}@example.test`);
		const lookalike = await newAccountWithEmail(db, `axb-${tag}@example.test`);
		const from = address();
		const lock = async (account: { email: string }) => {
			for (let i = 0; i <= DEFAULT_LOGIN_LIMITS.perAccountAddress; i++)
				await login(db, account.email, `guess-${i}`, from, T0, options);
		};
		await lock(owner);
		await lock(lookalike);
		// Spread over many addresses too: the per-e-mail limit.
		const limits = { ...DEFAULT_LOGIN_LIMITS, perAccount: 3 };
		for (let i = 0; i < 4; i++) await login(db, owner.email, 'guess', address(), T0, { ...options, limits });
		expect(await login(db, owner.email, owner.password, address(), T0, { ...options, limits })).toMatchObject(
			{
				code: 'rate_limited',
				scope: 'account'
			}
		);

		expect(await unlockAccount(db, owner.email.toUpperCase(), T0 + MINUTE)).toEqual({
			ok: true,
			email: owner.email,
			wasLocked: true
		});
		expect((await login(db, owner.email, owner.password, from, T0 + MINUTE, options)).ok).toBe(true);
		expect(
			(await login(db, owner.email, owner.password, address(), T0 + MINUTE, { ...options, limits })).ok
		).toBe(true);
		expect(await login(db, lookalike.email, lookalike.password, from, T0 + MINUTE, options)).toMatchObject({
			code: 'rate_limited'
		});
		expect(await unlockAccount(db, owner.email, T0 + 2 * MINUTE)).toMatchObject({ wasLocked: false });
		expect(await unlockAccount(db, `nobody-${tag}@example.test`, T0)).toEqual({
			ok: false,
			code: 'unknown_account',
			message: `There is no account nobody-${tag}@example.test.`
		});
		expect(await unlockAccount(db, 'not an e-mail', T0)).toMatchObject({ code: 'unknown_account' });
	});

	it('the vendor sets a password: every session ends, the old password stops working, a lockout lifts', async () => {
		const db = getDb();
		const owner = await newAccount(db);
		const from = address();
		const sessions = [
			await login(db, owner.email, owner.password, address(), T0, options),
			await login(db, owner.email, owner.password, address(), T0, options)
		];
		for (let i = 0; i <= DEFAULT_LOGIN_LIMITS.perAccountAddress; i++)
			await login(db, owner.email, `guess-${i}`, from, T0, options);

		expect(await setAccountPassword(db, owner.email, 'short', T0, TEST_PASSWORD_COST)).toMatchObject({
			ok: false,
			code: 'password_too_short',
			message: expect.stringContaining('at least 10 characters')
		});
		expect(
			await setAccountPassword(db, `x${owner.email}`, 'long enough pw', T0, TEST_PASSWORD_COST)
		).toMatchObject({
			ok: false,
			code: 'unknown_account'
		});
		// Refusals changed nothing.
		for (const session of sessions)
			expect(await sessionFromToken(db, session.ok ? session.token : '', T0 + 1)).not.toBeNull();

		expect(await setAccountPassword(db, owner.email, 'a brand new password', T0, TEST_PASSWORD_COST)).toEqual(
			{
				ok: true,
				email: owner.email,
				sessionsEnded: 2
			}
		);
		for (const session of sessions)
			expect(await sessionFromToken(db, session.ok ? session.token : '', T0 + 2)).toBeNull();
		expect(await login(db, owner.email, owner.password, address(), T0 + 3, options)).toMatchObject({
			code: 'invalid_credentials'
		});
		expect((await login(db, owner.email, 'a brand new password', from, T0 + 3, options)).ok).toBe(true);
	});

	it('changing the password: refused when the current one is wrong or the new one short; else other sessions end', async () => {
		const db = getDb();
		const owner = await newAccount(db);
		const account = { id: owner.id, email: owner.email };
		const signIn = async () => {
			const result = await login(db, owner.email, owner.password, address(), T0, options);
			if (!result.ok) throw new Error('login failed');
			return result.token;
		};
		const current = await signIn();
		const others = [await signIn(), await signIn()];
		const from = address();
		const change = (currentPassword: string, newPassword: string, now = T0 + MINUTE) =>
			changePassword(
				db,
				{ account, sessionToken: current, currentPassword, newPassword, clientAddress: from },
				now,
				options
			);

		expect(await change(owner.password, 'too short')).toMatchObject({
			ok: false,
			code: 'password_too_short',
			field: 'newPassword'
		});
		expect(await change('not my password', 'a long new password')).toEqual({
			ok: false,
			code: 'wrong_current_password',
			field: 'currentPassword',
			message: expect.stringContaining('current password is not right')
		});
		// Nothing changed: every session lives, the password is the old one.
		for (const token of [current, ...others])
			expect(await sessionFromToken(db, token, T0 + 2 * MINUTE)).not.toBeNull();
		expect((await login(db, owner.email, owner.password, address(), T0 + 2 * MINUTE, options)).ok).toBe(true);

		expect(await change(owner.password, 'a long new password', T0 + 3 * MINUTE)).toEqual({
			ok: true,
			otherSessionsEnded: 3 // the two others and the one the check above opened
		});
		expect(await sessionFromToken(db, current, T0 + 4 * MINUTE)).not.toBeNull();
		for (const token of others) expect(await sessionFromToken(db, token, T0 + 4 * MINUTE)).toBeNull();
		expect(await login(db, owner.email, owner.password, address(), T0 + 5 * MINUTE, options)).toMatchObject({
			code: 'invalid_credentials'
		});
		expect(
			(await login(db, owner.email, 'a long new password', address(), T0 + 5 * MINUTE, options)).ok
		).toBe(true);
	});

	it('changing the password cannot be used to guess the current one: the login limits apply', async () => {
		const db = getDb();
		const owner = await newAccount(db);
		const session = await login(db, owner.email, owner.password, address(), T0, options);
		if (!session.ok) throw new Error('login failed');
		const from = address();
		const codes = [];
		for (let i = 0; i < 8; i++) {
			const result = await changePassword(
				db,
				{
					account: session.account,
					sessionToken: session.token,
					currentPassword: `guess-${i}`,
					newPassword: 'a long new password',
					clientAddress: from
				},
				T0,
				options
			);
			codes.push(result.ok ? 'ok' : result.code);
		}
		expect(codes).toEqual([
			...Array<string>(DEFAULT_LOGIN_LIMITS.perAccountAddress).fill('wrong_current_password'),
			'rate_limited',
			'rate_limited',
			'rate_limited'
		]);
		// Locked from that address for sign-in too.
		expect(await login(db, owner.email, owner.password, from, T0, options)).toMatchObject({
			code: 'rate_limited'
		});
	});
});
