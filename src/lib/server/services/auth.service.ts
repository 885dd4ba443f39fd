// Log in, log out, and resolve a session token to its account.
//
// Failed logins are limited in the database (so the limits hold across stateless app nodes) by three
// fixed-window counters, hit before the password is evaluated:
//   - per client address:            blocks one address guessing across many accounts;
//   - per (e-mail, client address):  blocks one address guessing one account, without touching the
//                                    owner's logins from anywhere else;
//   - per e-mail, slower and higher: caps a guessing attack spread over many addresses. It can lock
//                                    the owner out for its window, the price of stopping such attacks.
// So 1,000 wrong passwords from one address get at most `perAccountAddress` evaluations against one
// account (and `perAddress` overall) per window, while the owner can still log in from elsewhere.
// Counters are keyed by the typed e-mail, not the account, so unknown e-mails behave the same.
import type { Db } from '../db/schema';
import { findAccountByEmail, updatePasswordHash } from '../repositories/accounts.repository';
import {
	clearRateLimit,
	hitRateLimit,
	pruneRateLimits,
	refundRateLimit
} from '../repositories/rate-limits.repository';
import {
	deleteExpiredSessions,
	deleteSession,
	extendSession,
	findLiveSession,
	insertSession
} from '../repositories/sessions.repository';
import { emailSchema } from './account.service';
import {
	DEFAULT_PASSWORD_COST,
	dummyPasswordHash,
	hashPassword,
	MAX_PASSWORD_LENGTH,
	needsRehash,
	verifyPassword,
	type PasswordCost
} from './password';
import { newSessionToken, sessionIdOf } from './session-token';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export interface LoginLimits {
	windowMs: number;
	perAddress: number;
	perAccountAddress: number;
	perAccountWindowMs: number;
	perAccount: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
	windowMs: 15 * MINUTE,
	perAddress: 20,
	perAccountAddress: 5,
	perAccountWindowMs: 60 * MINUTE,
	perAccount: 50
};

export interface SessionPolicy {
	/** A session unused this long expires. */
	idleMs: number;
	/** No session lives longer than this, however often it is used. */
	maxAgeMs: number;
	/** Sessions are extended at most this often, to save a write per request. */
	touchEveryMs: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = {
	idleMs: 30 * DAY,
	maxAgeMs: 180 * DAY,
	touchEveryMs: MINUTE
};

export interface AuthOptions {
	passwordCost?: PasswordCost;
	limits?: LoginLimits;
	sessionPolicy?: SessionPolicy;
}

export interface SessionAccount {
	id: string;
	email: string;
}

export type LoginResult =
	| { ok: true; token: string; expiresAt: number; account: SessionAccount }
	| { ok: false; code: 'invalid_credentials'; message: string }
	| { ok: false; code: 'rate_limited'; message: string; retryAfterSeconds: number };

const INVALID_CREDENTIALS = {
	ok: false,
	code: 'invalid_credentials',
	message: 'The e-mail address or the password is not right.'
} as const;

function rateLimited(windowStart: number, windowMs: number, now: number): LoginResult {
	const retryAfterSeconds = Math.max(1, Math.ceil((windowStart + windowMs - now) / 1000));
	return {
		ok: false,
		code: 'rate_limited',
		message: `Too many failed logins. Try again in ${Math.ceil(retryAfterSeconds / 60)} minute(s).`,
		retryAfterSeconds
	};
}

export async function login(
	db: Db,
	email: string,
	password: string,
	clientAddress: string,
	now: number,
	options: AuthOptions = {}
): Promise<LoginResult> {
	const limits = options.limits ?? DEFAULT_LOGIN_LIMITS;
	const cost = options.passwordCost ?? DEFAULT_PASSWORD_COST;
	const parsedEmail = emailSchema.safeParse(email);
	// An impossible e-mail still counts against the address, so it cannot be used to probe for free.
	const typedEmail = parsedEmail.success ? parsedEmail.data : email.trim().toLowerCase().slice(0, 254);
	const keys = {
		address: `login:address:${clientAddress}`,
		pair: `login:pair:${typedEmail}|${clientAddress}`,
		account: `login:account:${typedEmail}`
	};

	const byAddress = await hitRateLimit(db, keys.address, limits.windowMs, now);
	if (byAddress.count > limits.perAddress) return rateLimited(byAddress.windowStart, limits.windowMs, now);
	const byPair = await hitRateLimit(db, keys.pair, limits.windowMs, now);
	if (byPair.count > limits.perAccountAddress) return rateLimited(byPair.windowStart, limits.windowMs, now);
	const byAccount = await hitRateLimit(db, keys.account, limits.perAccountWindowMs, now);
	if (byAccount.count > limits.perAccount)
		return rateLimited(byAccount.windowStart, limits.perAccountWindowMs, now);

	const account = parsedEmail.success ? await findAccountByEmail(db, parsedEmail.data) : undefined;
	const usable = password.length > 0 && password.length <= MAX_PASSWORD_LENGTH;
	// Unknown e-mail or not: one argon2 verification either way, so timing tells nothing.
	const verified = await verifyPassword(
		account?.password_hash ?? (await dummyPasswordHash(cost)),
		usable ? password : ''
	);
	if (!account || !usable || !verified) return INVALID_CREDENTIALS;

	await refundRateLimit(db, keys.address);
	await clearRateLimit(db, keys.pair);
	await refundRateLimit(db, keys.account);
	if (needsRehash(account.password_hash, cost)) {
		await updatePasswordHash(db, account.id, await hashPassword(password, cost));
	}
	const { token, expiresAt } = await startSession(db, account.id, now, options.sessionPolicy);
	return { ok: true, token, expiresAt, account: { id: account.id, email: account.email } };
}

/** Opens a new session (a new id at every login, so a planted token never gets promoted). */
export async function startSession(
	db: Db,
	accountId: string,
	now: number,
	policy: SessionPolicy = DEFAULT_SESSION_POLICY
): Promise<{ token: string; expiresAt: number }> {
	const token = newSessionToken();
	const expiresAt = now + Math.min(policy.idleMs, policy.maxAgeMs);
	await insertSession(db, {
		id: sessionIdOf(token)!,
		account_id: accountId,
		created_at: now,
		expires_at: expiresAt,
		last_used_at: now
	});
	return { token, expiresAt };
}

export async function logout(db: Db, token: string): Promise<void> {
	const id = sessionIdOf(token);
	if (id) await deleteSession(db, id);
}

export interface ResolvedSession {
	account: SessionAccount;
	expiresAt: number;
}

/** The account behind a session token, extending the session (sliding expiry); null when not live. */
export async function sessionFromToken(
	db: Db,
	token: string,
	now: number,
	policy: SessionPolicy = DEFAULT_SESSION_POLICY
): Promise<ResolvedSession | null> {
	const id = sessionIdOf(token);
	if (!id) return null;
	const session = await findLiveSession(db, id, now);
	if (!session) return null;
	const account = { id: session.account_id, email: session.email };
	let expiresAt = session.expires_at;
	if (now - session.last_used_at >= policy.touchEveryMs) {
		expiresAt = Math.min(now + policy.idleMs, session.created_at + policy.maxAgeMs);
		await extendSession(db, id, now, expiresAt);
	}
	return { account, expiresAt };
}

/** Deletes expired sessions and finished rate-limit windows; call it now and then (e.g. hourly). */
export async function pruneAuthState(
	db: Db,
	now: number,
	limits: LoginLimits = DEFAULT_LOGIN_LIMITS
): Promise<void> {
	await deleteExpiredSessions(db, now);
	await pruneRateLimits(db, now - Math.max(limits.windowMs, limits.perAccountWindowMs));
}
