// Login brute force over HTTP, through a server configured as behind a proxy (ADDRESS_HEADER and
// XFF_DEPTH, see README): 1,000 wrong passwords for one account from one address get a handful of
// evaluations and 429s for the rest (each saying how long to wait), while the owner signs in from
// another address; and the vendor's `account unlock` lifts a lockout at once.
import { expect, test } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminOn, startOwnServer } from './support/own-server';

/** reliability.e2e.ts +21, cookies-https +22, update +23, update-pending +24. */
const PORT = Number(process.env.E2E_PORT ?? 4173) + 25;
const ATTEMPTS = 1000;

test('1,000 wrong passwords from one address: at most 5 evaluated, the rest 429; the owner still signs in elsewhere; unlock', async () => {
	test.setTimeout(120_000);
	const dataDir = mkdtempSync(join(tmpdir(), 'airlock-brute-'));
	const email = `owner-${Date.now()}@example.com`;
	const password = `pw-${crypto.randomUUID()}`;
	adminOn(dataDir, ['account', 'create', '--email', email, '--password', password]);
	const server = await startOwnServer({
		port: PORT,
		dataDir,
		env: { ADDRESS_HEADER: 'X-Forwarded-For', XFF_DEPTH: '1' }
	});
	const signIn = (from: string, attempt: string) =>
		fetch(`${server.url}/api/v1/session`, {
			method: 'POST',
			headers: { origin: server.url, 'content-type': 'application/json', 'x-forwarded-for': from },
			body: JSON.stringify({ email, password: attempt })
		});
	try {
		const statuses: Record<number, number> = {};
		let locked: Response | undefined;
		// Ten at a time, as a scripted attack would.
		for (let i = 0; i < ATTEMPTS; i += 10) {
			const batch = await Promise.all(
				Array.from({ length: 10 }, (_, j) => signIn('203.0.113.7', `guess-${i + j}`))
			);
			for (const response of batch) statuses[response.status] = (statuses[response.status] ?? 0) + 1;
			locked ??= batch.find((response) => response.status === 429);
		}
		expect(Object.keys(statuses).sort()).toEqual(['401', '429']);
		expect(statuses[401]).toBeLessThanOrEqual(5);
		expect(statuses[429]).toBeGreaterThanOrEqual(ATTEMPTS - 5);
		// The lockout says how long: in seconds for programs (body and Retry-After), in minutes for people.
		const { error } = (await locked!.json()) as { error: { retryAfterSeconds: number; message: string } };
		expect(error.retryAfterSeconds).toBeGreaterThan(0);
		expect(error.retryAfterSeconds).toBeLessThanOrEqual(15 * 60);
		expect(locked!.headers.get('retry-after')).toBe(String(error.retryAfterSeconds));
		expect(error.message).toMatch(
			/^Too many wrong passwords: this account is locked for \d+ more minutes?\. Try again then, or ask your vendor to unlock it\.$/
		);
		// The right password from the attacker's address waits too…
		expect((await signIn('203.0.113.7', password)).status).toBe(429);
		// …but the owner, from another address, is not locked out.
		expect((await signIn('198.51.100.20', password)).status).toBe(200);
		// A user who mistyped too often from one address is locked there; the vendor unlocks the account
		// and the right password works at once. (The attacker's address stays limited: it guessed past
		// the limit of an address, which is not the account's to lift.)
		for (let i = 0; i < 5; i++) expect((await signIn('198.51.100.30', `typo-${i}`)).status).toBe(401);
		expect((await signIn('198.51.100.30', password)).status).toBe(429);
		expect(adminOn(dataDir, ['account', 'unlock', '--email', email])).toEqual({ email, wasLocked: true });
		expect((await signIn('198.51.100.30', password)).status).toBe(200);
		expect((await signIn('203.0.113.7', password)).status).toBe(429);
		console.log(`brute force over HTTP: ${JSON.stringify(statuses)}`);
	} finally {
		await server.stop();
		rmSync(dataDir, { recursive: true, force: true });
	}
});
