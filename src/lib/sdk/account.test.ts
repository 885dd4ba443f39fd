// The account signed in on a device: remembered at sign-in, kept as "session ended" when the server
// ends it, forgotten at a sign-out, which keeps or discards the account's queued work as asked.
import { describe, expect, it } from 'vitest';
import { FakeActivationServer } from '../../../tests/fixtures/fake-activation-server';
import { checkSession, queuedFor, sessionEndedAccount, signedInAccount, signIn, signOut } from './account';
import { enqueue, newOutboxItem } from './outbox/outbox';
import { testCore } from './testing/test-core';

async function setup() {
	const server = new FakeActivationServer(() => Date.now());
	server.add({ number: 'SRV-5BQ7-MKXD-3H99', productName: 'Server', email: 'ada@example.com' });
	const core = await testCore({ fetch: server.fetch });
	return { server, core };
}

describe('the account on this device', () => {
	it('is remembered at sign-in; a wrong password or no network changes nothing', async () => {
		const { core, server } = await setup();
		expect(await signIn(core, 'ada@example.com', 'wrong')).toMatchObject({ ok: false, unreachable: false });
		expect(await signedInAccount(core.storage)).toBeNull();
		server.online = false;
		expect(await signIn(core, 'ada@example.com', 'correct horse')).toEqual({ ok: false, unreachable: true });
		server.online = true;
		expect(await signIn(core, ' Ada@Example.com', 'correct horse')).toEqual({
			ok: true,
			email: 'ada@example.com'
		});
		expect(await signedInAccount(core.storage)).toBe('ada@example.com');
	});

	it('a session ended on the server is kept as such (its copy stays on show); a sign-out forgets it', async () => {
		const { core, server } = await setup();
		await signIn(core, 'ada@example.com', 'correct horse');
		server.expireSessions();
		expect(await checkSession(core)).toBeNull();
		expect(await signedInAccount(core.storage)).toBeNull();
		expect(await sessionEndedAccount(core.storage)).toBe('ada@example.com');
		await signIn(core, 'ada@example.com', 'correct horse');
		expect(await sessionEndedAccount(core.storage)).toBeNull();
		expect(await signOut(core, { discardQueued: false })).toEqual({ ok: true });
		expect(await checkSession(core)).toBeNull();
		expect(await sessionEndedAccount(core.storage)).toBeNull();
	});

	it('sign-out keeps or discards the account’s queued work as asked, never another account’s; offline it changes nothing', async () => {
		const { core, server } = await setup();
		await signIn(core, 'ada@example.com', 'correct horse');
		const queue = (account: string) =>
			core.storage.transaction('rw', ['outbox'], (tx) =>
				enqueue(tx, { ...newOutboxItem('store-edit', { edit: {} }, Date.now()), account })
			);
		await queue('ada@example.com');
		await queue('bob@example.com');
		server.online = false;
		expect(await signOut(core, { discardQueued: true })).toEqual({ ok: false, unreachable: true });
		expect(await signedInAccount(core.storage)).toBe('ada@example.com');
		expect(await queuedFor(core.storage, 'ada@example.com')).toHaveLength(1);
		server.online = true;
		expect(await signOut(core, { discardQueued: false })).toEqual({ ok: true });
		expect(await queuedFor(core.storage, 'ADA@example.com')).toHaveLength(1);
		await signIn(core, 'ada@example.com', 'correct horse');
		expect(await signOut(core, { discardQueued: true })).toEqual({ ok: true });
		expect(await queuedFor(core.storage, 'ada@example.com')).toHaveLength(0);
		expect(await queuedFor(core.storage, 'bob@example.com')).toHaveLength(1);
	});
});
