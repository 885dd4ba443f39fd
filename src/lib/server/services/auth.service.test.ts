import { expect, it, vi } from 'vitest';
import * as password from './password';
import { describeEachDatabase } from '../testing/databases';
import type { Db } from '../db/schema';
import { findAccountByEmail } from '../repositories/accounts.repository';
import { createAccount } from './account.service';
import {
	DEFAULT_LOGIN_LIMITS,
	login,
	logout,
	pruneAuthState,
	sessionFromToken,
	type AuthOptions
} from './auth.service';
import { hashPassword, TEST_PASSWORD_COST } from './password';

const T0 = 1_750_000_000_000;
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const options: AuthOptions = { passwordCost: TEST_PASSWORD_COST };

async function newAccount(db: Db, pw = 'owner-password-1') {
	const email = `user-${crypto.randomUUID()}@example.test`;
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
});
