// The account signed in on this device: which one it is (kept, so a page knows whose offline copy to
// show when the server cannot be asked), signing in, and signing out. The licenses activated on the
// device stay at sign-out: they belong to the device, not to the session (as in the reference). Work
// an account queued stays bound to that account: it waits for it, or the user discards it.
import type { ApiError } from '$lib/protocol/api.js';
import type { Core } from './core.js';
import { resumeAfterSignIn } from './outbox/outbox.js';
import type { LicenseStorage } from './platform/storage.js';
import type { OutboxItem } from './rows.js';
import { outboxItemSchema } from './rows.js';

export const SIGNED_IN_SETTING = 'signedInAccount';
/**
 * The account whose session ended on the server (expired, or ended elsewhere) without a sign-out
 * here: its offline copy is still shown, said to be a copy, until someone signs in or out.
 */
export const SESSION_ENDED_SETTING = 'sessionEndedAccount';

const normalized = (email: string) => email.trim().toLowerCase();

/** The account signed in on this device at its last contact with the server, or null. */
export async function signedInAccount(storage: LicenseStorage): Promise<string | null> {
	const row = await storage.transaction('r', ['settings'], (tx) => tx.get('settings', SIGNED_IN_SETTING));
	return typeof row?.value === 'string' ? row.value : null;
}

/** The account whose session ended without a sign-out on this device, or null. */
export async function sessionEndedAccount(storage: LicenseStorage): Promise<string | null> {
	const row = await storage.transaction('r', ['settings'], (tx) => tx.get('settings', SESSION_ENDED_SETTING));
	return typeof row?.value === 'string' ? row.value : null;
}

/**
 * Who is signed in now (null: nobody). `ended`: the session of the account remembered so far ended
 * on the server, not by a sign-out here, so its copy stays on show as a copy.
 */
async function rememberAccount(storage: LicenseStorage, email: string | null, ended = false): Promise<void> {
	await storage.transaction('rw', ['settings'], async (tx) => {
		const before = await tx.get('settings', SIGNED_IN_SETTING);
		if (email === null) await tx.delete('settings', SIGNED_IN_SETTING);
		else await tx.put('settings', { key: SIGNED_IN_SETTING, value: normalized(email) });
		if (ended && typeof before?.value === 'string')
			await tx.put('settings', { key: SESSION_ENDED_SETTING, value: before.value });
		else if (!ended) await tx.delete('settings', SESSION_ENDED_SETTING);
	});
}

export type SignInOutcome =
	{ ok: true; email: string } | { ok: false; unreachable: boolean; error?: ApiError };

/** Signs in; the work queued for this account goes back in the queue at once. */
export async function signIn(core: Core, email: string, password: string): Promise<SignInOutcome> {
	const outcome = await core.api.signIn(normalized(email), password);
	if (outcome.kind === 'unreachable') return { ok: false, unreachable: true };
	if (outcome.kind === 'refused') return { ok: false, unreachable: false, error: outcome.error };
	const signedIn = outcome.value.account.email;
	await rememberAccount(core.storage, signedIn);
	await resumeAfterSignIn(core.storage, core.clock.now());
	return { ok: true, email: normalized(signedIn) };
}

/** What the server says of the session now: the account's e-mail, null when none, or unreachable. */
export async function checkSession(core: Core): Promise<string | null | 'unreachable'> {
	const outcome = await core.api.whoAmI();
	if (outcome.kind === 'unreachable') return 'unreachable';
	const email = outcome.kind === 'ok' ? normalized(outcome.value.account.email) : null;
	if (email !== (await signedInAccount(core.storage)))
		await rememberAccount(core.storage, email, email === null);
	return email;
}

/** The account's work that has not reached the server (queued, or waiting for its sign-in). */
export async function queuedFor(storage: LicenseStorage, email: string): Promise<OutboxItem[]> {
	const rows = await storage.transaction('r', ['outbox'], (tx) =>
		tx.where('outbox', 'state', ['queued', 'sending', 'needs-sign-in'])
	);
	return rows.flatMap((row) => {
		const parsed = outboxItemSchema.safeParse(row);
		return parsed.success &&
			parsed.data.account !== undefined &&
			normalized(parsed.data.account) === normalized(email)
			? [parsed.data]
			: [];
	});
}

export type SignOutOutcome = { ok: true } | { ok: false; unreachable: true };

/**
 * Ends the session on the server. The account's queued work is kept for its next sign-in, or
 * discarded when the user chose so (`discardQueued`). Offline, nothing changes: the session can only
 * be ended on the server, and the user is told so.
 */
export async function signOut(core: Core, options: { discardQueued: boolean }): Promise<SignOutOutcome> {
	const email = await signedInAccount(core.storage);
	const outcome = await core.api.signOut();
	if (outcome.kind === 'unreachable') return { ok: false, unreachable: true };
	await rememberAccount(core.storage, null);
	if (email && options.discardQueued) {
		const ids = (await queuedFor(core.storage, email)).map((item) => item.id);
		if (ids.length > 0)
			await core.storage.transaction('rw', ['outbox'], (tx) => tx.deleteMany('outbox', ids));
	}
	return { ok: true };
}
