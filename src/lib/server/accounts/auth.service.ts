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
// The per-pair and per-e-mail limits are what a user sees as "this account is locked": the answer
// says for how long, and the vendor can lift it (`unlockAccount`, the admin CLI's `account unlock`).
// Changing the password while signed in goes through the same counters, so a stolen session cannot
// be used to guess the password either.
import { getConfig } from '../config';
import type { Account, Db } from '../db/schema';
import { findAccountByEmail, updatePasswordHash } from './accounts.repository';
import { originOf, recordAuditEvent } from '../audit/audit.service';
import {
	clearRateLimit,
	deleteRateLimits,
	hitRateLimit,
	pruneRateLimits,
	rateLimitCounters,
	refundRateLimit
} from './rate-limits.repository';
import {
	deleteExpiredSessions,
	deleteSession,
	deleteSessionsOfAccount,
	extendSession,
	findLiveSession,
	insertSession
} from './sessions.repository';
import {
	checkNewPassword,
	DEFAULT_SIGNUP_LIMITS,
	emailSchema,
	type PasswordProblem
} from './account.service';
import {
	DEFAULT_PASSWORD_COST,
	dummyPasswordHash,
	hashPassword,
	MAX_PASSWORD_LENGTH,
	needsRehash,
	verifyPassword,
	type PasswordCost
} from './password';
import { DEFAULT_SESSION_POLICY, type SessionPolicy } from './session-policy';
import { newSessionToken, sessionIdOf } from './session-token';

export { DEFAULT_SESSION_POLICY, type SessionPolicy };

const MINUTE = 60_000;

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

/**
 * The policy the server runs with (SESSION_IDLE_DAYS, SESSION_MAX_DAYS), for callers that give none:
 * the request hook resolves every session cookie without knowing the configuration.
 */
function configuredSessionPolicy(): SessionPolicy {
	return getConfig().sessions;
}

export interface AuthOptions {
	passwordCost?: PasswordCost;
	limits?: LoginLimits;
	sessionPolicy?: SessionPolicy;
}

export interface SessionAccount {
	id: string;
	email: string;
}

export type RateLimited = {
	ok: false;
	code: 'rate_limited';
	message: string;
	retryAfterSeconds: number;
	/** Which limit refused: this account (from this address, or from everywhere), or the address itself. */
	scope: 'account' | 'address';
};

export type LoginResult =
	| { ok: true; token: string; expiresAt: number; endsAt: number; account: SessionAccount }
	| { ok: false; code: 'invalid_credentials'; message: string }
	| RateLimited;

const INVALID_CREDENTIALS = {
	ok: false,
	code: 'invalid_credentials',
	message: 'The e-mail address or the password is not right.'
} as const;

function moreMinutes(retryAfterSeconds: number): string {
	const minutes = Math.ceil(retryAfterSeconds / 60);
	return minutes === 1 ? '1 more minute' : `${minutes} more minutes`;
}

function rateLimited(
	scope: RateLimited['scope'],
	windowStart: number,
	windowMs: number,
	now: number
): RateLimited {
	const retryAfterSeconds = Math.max(1, Math.ceil((windowStart + windowMs - now) / 1000));
	const wait = moreMinutes(retryAfterSeconds);
	return {
		ok: false,
		code: 'rate_limited',
		message:
			scope === 'account'
				? `Too many wrong passwords: this account is locked for ${wait}. Try again then, or ask your vendor to unlock it.`
				: `Too many failed sign-ins from your network address: try again in ${wait}.`,
		retryAfterSeconds,
		scope
	};
}

function loginKeys(typedEmail: string, clientAddress: string) {
	return {
		address: `login:address:${clientAddress}`,
		pair: `login:pair:${typedEmail}|${clientAddress}`,
		account: `login:account:${typedEmail}`
	};
}

/**
 * A lockout begins (the first attempt refused in its window): recorded once, for an account that
 * exists. `scope`: locked for the one address that guessed, or for every address.
 */
async function auditLockout(
	db: Db,
	email: string,
	clientAddress: string,
	now: number,
	lockout: { scope: 'address' | 'everywhere'; until: number }
): Promise<void> {
	const account = await findAccountByEmail(db, email);
	if (!account) return;
	await recordAuditEvent(
		db,
		{ kind: 'account.lockout', actor: 'unauthenticated', account, detail: lockout },
		now,
		originOf(clientAddress)
	);
}

type PasswordCheck =
	{ ok: true; account: Account } | { ok: false; code: 'invalid_credentials'; message: string } | RateLimited;

/** Counts the attempt against the limits, then verifies the password (and refunds the attempt if right). */
async function checkPassword(
	db: Db,
	email: string,
	password: string,
	clientAddress: string,
	now: number,
	limits: LoginLimits,
	cost: PasswordCost
): Promise<PasswordCheck> {
	const parsedEmail = emailSchema.safeParse(email);
	// An impossible e-mail still counts against the address, so it cannot be used to probe for free.
	const typedEmail = parsedEmail.success ? parsedEmail.data : email.trim().toLowerCase().slice(0, 254);
	const keys = loginKeys(typedEmail, clientAddress);

	const byAddress = await hitRateLimit(db, keys.address, limits.windowMs, now);
	if (byAddress.count > limits.perAddress)
		return rateLimited('address', byAddress.windowStart, limits.windowMs, now);
	const byPair = await hitRateLimit(db, keys.pair, limits.windowMs, now);
	if (byPair.count > limits.perAccountAddress) {
		if (byPair.count === limits.perAccountAddress + 1)
			await auditLockout(db, typedEmail, clientAddress, now, {
				scope: 'address',
				until: byPair.windowStart + limits.windowMs
			});
		return rateLimited('account', byPair.windowStart, limits.windowMs, now);
	}
	const byAccount = await hitRateLimit(db, keys.account, limits.perAccountWindowMs, now);
	if (byAccount.count > limits.perAccount) {
		if (byAccount.count === limits.perAccount + 1)
			await auditLockout(db, typedEmail, clientAddress, now, {
				scope: 'everywhere',
				until: byAccount.windowStart + limits.perAccountWindowMs
			});
		return rateLimited('account', byAccount.windowStart, limits.perAccountWindowMs, now);
	}

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
	return { ok: true, account };
}

/**
 * A sign-in's check of the credentials, with its limits and lockout, without the session: for work
 * that carries its own credentials (a queued operation's sealed authorization).
 */
export async function verifyCredentials(
	db: Db,
	email: string,
	password: string,
	clientAddress: string,
	now: number,
	options: AuthOptions = {}
): Promise<{ ok: true; account: SessionAccount } | Exclude<PasswordCheck, { ok: true }>> {
	const cost = options.passwordCost ?? DEFAULT_PASSWORD_COST;
	const checked = await checkPassword(
		db,
		email,
		password,
		clientAddress,
		now,
		options.limits ?? DEFAULT_LOGIN_LIMITS,
		cost
	);
	if (!checked.ok) return checked;
	const { account } = checked;
	if (needsRehash(account.password_hash, cost)) {
		await updatePasswordHash(db, account.id, await hashPassword(password, cost));
	}
	return { ok: true, account: { id: account.id, email: account.email } };
}

export async function login(
	db: Db,
	email: string,
	password: string,
	clientAddress: string,
	now: number,
	options: AuthOptions = {}
): Promise<LoginResult> {
	const verified = await verifyCredentials(db, email, password, clientAddress, now, options);
	if (!verified.ok) return verified;
	const session = await startSession(
		db,
		verified.account.id,
		now,
		options.sessionPolicy ?? configuredSessionPolicy()
	);
	return { ok: true, ...session, account: verified.account };
}

/**
 * Opens a new session (a new id at every login, so a planted token never gets promoted). `expiresAt`
 * is when it ends unless used; `endsAt`, when it ends however much it is used (what the cookie's
 * own expiry should be: the server decides idleness, and a cookie that expired on its own first
 * would end a session that use keeps alive).
 */
export async function startSession(
	db: Db,
	accountId: string,
	now: number,
	policy: SessionPolicy = configuredSessionPolicy()
): Promise<{ token: string; expiresAt: number; endsAt: number }> {
	const token = newSessionToken();
	const endsAt = now + policy.maxAgeMs;
	const expiresAt = Math.min(now + policy.idleMs, endsAt);
	await insertSession(db, {
		id: sessionIdOf(token)!,
		account_id: accountId,
		created_at: now,
		expires_at: expiresAt,
		last_used_at: now
	});
	return { token, expiresAt, endsAt };
}

export async function logout(db: Db, token: string): Promise<void> {
	const id = sessionIdOf(token);
	if (id) await deleteSession(db, id);
}

export interface ResolvedSession {
	account: SessionAccount;
	expiresAt: number;
}

/**
 * The account behind a session token, extending the session (sliding expiry) when it was last
 * extended `touchEveryMs` ago or more; null when not live.
 */
export async function sessionFromToken(
	db: Db,
	token: string,
	now: number,
	policy: SessionPolicy = configuredSessionPolicy()
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

export type ChangePasswordResult =
	| { ok: true; otherSessionsEnded: number }
	| ({ ok: false; field: 'newPassword' } & PasswordProblem)
	| { ok: false; code: 'wrong_current_password'; field: 'currentPassword'; message: string }
	| RateLimited;

/**
 * The signed-in user changes the password: the current one must be right (checked under the login
 * limits), and every other session of the account ends, so whoever else was signed in (a lost
 * laptop, a stolen cookie) is out. The session that asked stays signed in.
 */
export async function changePassword(
	db: Db,
	input: {
		account: SessionAccount;
		sessionToken: string;
		currentPassword: string;
		newPassword: string;
		clientAddress: string;
	},
	now: number,
	options: AuthOptions = {}
): Promise<ChangePasswordResult> {
	const problem = checkNewPassword(input.newPassword);
	if (problem) return { ok: false, field: 'newPassword', ...problem };
	const cost = options.passwordCost ?? DEFAULT_PASSWORD_COST;
	const checked = await checkPassword(
		db,
		input.account.email,
		input.currentPassword,
		input.clientAddress,
		now,
		options.limits ?? DEFAULT_LOGIN_LIMITS,
		cost
	);
	if (!checked.ok) {
		return checked.code === 'rate_limited'
			? checked
			: {
					ok: false,
					code: 'wrong_current_password',
					field: 'currentPassword',
					message: 'The current password is not right. Type it again; the new one was not saved.'
				};
	}
	const passwordHash = await hashPassword(input.newPassword, cost);
	const keep = sessionIdOf(input.sessionToken);
	const otherSessionsEnded = await db.transaction().execute(async (trx) => {
		await updatePasswordHash(trx, checked.account.id, passwordHash);
		const ended = await deleteSessionsOfAccount(trx, checked.account.id, { except: keep });
		await recordAuditEvent(
			trx,
			{
				kind: 'account.password',
				actor: 'customer',
				account: checked.account,
				detail: { sessionsEnded: ended }
			},
			now,
			originOf(input.clientAddress)
		);
		return ended;
	});
	return { ok: true, otherSessionsEnded };
}

export type SetPasswordResult =
	| { ok: true; email: string; sessionsEnded: number }
	| ({ ok: false } & PasswordProblem)
	| { ok: false; code: 'unknown_account'; message: string };

/**
 * The vendor sets an account's password (the admin CLI): every session of the account ends, and a
 * lockout is lifted, since the usual reason is a user who forgot the password and tried too often.
 */
export async function setAccountPassword(
	db: Db,
	email: string,
	password: string,
	now: number,
	cost: PasswordCost = DEFAULT_PASSWORD_COST
): Promise<SetPasswordResult> {
	const account = await accountByTypedEmail(db, email);
	if (!account)
		return { ok: false, code: 'unknown_account', message: `There is no account ${email.trim()}.` };
	const problem = checkNewPassword(password);
	if (problem) return { ok: false, ...problem };
	const passwordHash = await hashPassword(password, cost);
	const sessionsEnded = await db.transaction().execute(async (trx) => {
		await updatePasswordHash(trx, account.id, passwordHash);
		const ended = await deleteSessionsOfAccount(trx, account.id);
		await recordAuditEvent(
			trx,
			{ kind: 'account.password', actor: 'admin', account, detail: { sessionsEnded: ended } },
			now
		);
		return ended;
	});
	await clearLockout(db, account.email);
	return { ok: true, email: account.email, sessionsEnded };
}

export type UnlockResult =
	{ ok: true; email: string; wasLocked: boolean } | { ok: false; code: 'unknown_account'; message: string };

/**
 * Lifts an account's lockout: its failed sign-in counters (per address and overall) are cleared, so
 * the right password works again at once from anywhere. An address that guessed at many accounts
 * stays limited: that limit belongs to the address, not to this account.
 */
export async function unlockAccount(
	db: Db,
	email: string,
	now: number,
	limits: LoginLimits = DEFAULT_LOGIN_LIMITS
): Promise<UnlockResult> {
	const account = await accountByTypedEmail(db, email);
	if (!account)
		return { ok: false, code: 'unknown_account', message: `There is no account ${email.trim()}.` };
	const counters = await lockoutCounters(db, account.email);
	const wasLocked = counters.some((row) =>
		row.key.startsWith('login:pair:')
			? row.window_start > now - limits.windowMs && row.count >= limits.perAccountAddress
			: row.window_start > now - limits.perAccountWindowMs && row.count >= limits.perAccount
	);
	await db.transaction().execute(async (trx) => {
		await clearLockout(trx, account.email);
		await recordAuditEvent(
			trx,
			{ kind: 'account.unlock', actor: 'admin', account, detail: { wasLocked } },
			now
		);
	});
	return { ok: true, email: account.email, wasLocked };
}

async function accountByTypedEmail(db: Db, email: string): Promise<Account | undefined> {
	const parsed = emailSchema.safeParse(email);
	return parsed.success ? findAccountByEmail(db, parsed.data) : undefined;
}

function lockoutCounters(db: Db, email: string) {
	return rateLimitCounters(db, { keys: [loginKeys(email, '').account], prefix: `login:pair:${email}|` });
}

async function clearLockout(db: Db, email: string): Promise<void> {
	await deleteRateLimits(
		db,
		(await lockoutCounters(db, email)).map((row) => row.key)
	);
}

/** Deletes expired sessions and finished rate-limit windows; call it now and then (e.g. hourly). */
export async function pruneAuthState(
	db: Db,
	now: number,
	limits: LoginLimits = DEFAULT_LOGIN_LIMITS
): Promise<void> {
	await deleteExpiredSessions(db, now);
	await pruneRateLimits(
		db,
		now - Math.max(limits.windowMs, limits.perAccountWindowMs, DEFAULT_SIGNUP_LIMITS.windowMs)
	);
}
