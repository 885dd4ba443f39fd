// The session cookie when the server is reached over https (ORIGIN https://…, as behind a TLS
// proxy): Secure, HttpOnly, SameSite=Lax and the __Host- prefix (path /, no Domain), a new session
// id at every login, and cleared the same way at sign-out. (Plain http is in api.e2e.ts.)
import { expect, test } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminOn, startOwnServer } from './support/own-server';

const PORT = Number(process.env.E2E_PORT ?? 4173) + 22;

test('over https the session cookie is __Host-, Secure, HttpOnly and SameSite, with a new id at each login', async () => {
	test.setTimeout(90_000);
	const dataDir = mkdtempSync(join(tmpdir(), 'airlock-https-'));
	const origin = `https://localhost:${PORT}`;
	const email = `https-${Date.now()}@example.com`;
	const password = `pw-${crypto.randomUUID()}`;
	adminOn(dataDir, ['account', 'create', '--email', email, '--password', password]);
	const server = await startOwnServer({ port: PORT, dataDir, origin });
	try {
		const login = () =>
			fetch(`${server.url}/api/v1/session`, {
				method: 'POST',
				headers: { origin, 'content-type': 'application/json' },
				body: JSON.stringify({ email, password })
			});
		const cookies: string[] = [];
		for (let i = 0; i < 2; i++) {
			const response = await login();
			expect(response.status).toBe(200);
			const setCookies = response.headers.getSetCookie();
			expect(setCookies).toHaveLength(1);
			const [pair, ...attributes] = setCookies[0]!.split(';').map((part) => part.trim());
			expect(pair).toMatch(/^__Host-airlock_session=[^;]+$/);
			expect(attributes).toEqual(expect.arrayContaining(['Path=/', 'HttpOnly', 'Secure', 'SameSite=Lax']));
			expect(attributes.some((attribute) => /^domain=/i.test(attribute))).toBe(false);
			cookies.push(pair!);
		}
		expect(cookies[0]).not.toBe(cookies[1]);

		// The cookie is what signs the request in; the same name without the prefix is not read.
		const whoAmI = (cookie: string) => fetch(`${server.url}/api/v1/session`, { headers: { origin, cookie } });
		expect(await (await whoAmI(cookies[1]!)).json()).toEqual({ account: { email } });
		expect((await whoAmI(cookies[1]!.replace('__Host-', ''))).status).toBe(401);

		const signOut = await fetch(`${server.url}/api/v1/session`, {
			method: 'DELETE',
			headers: { origin, cookie: cookies[1]! }
		});
		expect(signOut.status).toBe(204);
		const cleared = signOut.headers.getSetCookie()[0]!;
		expect(cleared).toMatch(/^__Host-airlock_session=;/);
		expect(cleared).toContain('Secure');
		expect(cleared).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/);
		expect((await whoAmI(cookies[1]!)).status).toBe(401);
	} finally {
		await server.stop();
		rmSync(dataDir, { recursive: true, force: true });
	}
});
