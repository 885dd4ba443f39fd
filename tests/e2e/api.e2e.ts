// The activation server's HTTP API, against the built app on SQLite, as clients see it.
import { expect, request as playwrightRequest, test } from '@playwright/test';
import { verifyLicenseFile } from '../../src/lib/protocol/license-file';
import { activationResponseSchema, syncResponseSchema } from '../../src/lib/protocol/api';
import { healthResponseSchema } from '../../src/lib/protocol/health';
import { verifyServerTime } from '../../src/lib/protocol/server-time';
import { createTestAccount, createTestLicense } from './support/admin';
import { apiClient, baseURL, publishedTrustedKeys, errorCode } from './support/api-client';
import { newTestDevice } from './support/device';

test.describe('sessions', () => {
	test('sign-in sets a fresh HttpOnly, SameSite=Lax cookie; the same answer for an unknown e-mail and a wrong password', async () => {
		const account = createTestAccount();
		const api = await apiClient();
		const wrong = await api.post('/api/v1/session', {
			data: { email: account.email, password: 'not the password' }
		});
		const unknown = await api.post('/api/v1/session', {
			data: { email: `nobody-${Date.now()}@example.com`, password: 'not the password' }
		});
		expect(wrong.status()).toBe(401);
		expect(await wrong.json()).toEqual(await unknown.json());

		const cookies: string[] = [];
		for (let i = 0; i < 2; i++) {
			const ok = await api.post('/api/v1/session', {
				data: { email: account.email.toUpperCase(), password: account.password }
			});
			expect(ok.status()).toBe(200);
			const setCookie = ok.headers()['set-cookie']!;
			expect(setCookie).toMatch(/^airlock_session=[^;]+;/);
			expect(setCookie).toContain('HttpOnly');
			expect(setCookie).toContain('SameSite=Lax');
			expect(setCookie).not.toContain('Secure'); // plain http here; https adds Secure and __Host-
			cookies.push(setCookie.split(';')[0]!);
		}
		expect(cookies[0]).not.toBe(cookies[1]);
		expect((await (await api.get('/api/v1/session')).json()).account.email).toBe(account.email);
		expect((await api.delete('/api/v1/session')).status()).toBe(204);
		expect(await errorCode(await api.get('/api/v1/session'))).toBe('401 not_signed_in');
	});
});

test.describe('activation', () => {
	test('Instant Activation returns license files that verify against the published keys', async () => {
		const account = createTestAccount();
		const license = createTestLicense(account.email, { seats: 1, expansions: ['CLX'] });
		const api = await apiClient(account);
		const device = newTestDevice();
		const response = await api.post('/api/v1/activations', {
			data: { request: await device.regFile(account.email, [license.number]) }
		});
		expect(response.status()).toBe(200);
		const body = activationResponseSchema.parse(await response.json());
		expect(body.licenses.map((l) => l.licenseNumber)).toEqual([
			license.number,
			license.expansions[0]!.number
		]);
		const keys = await publishedTrustedKeys(api);
		for (const issued of body.licenses) {
			expect(
				(
					await verifyLicenseFile(issued.file, {
						trustedKeys: keys,
						devicePublicKey: device.keyPair.publicKey,
						now: Date.now()
					})
				).ok
			).toBe(true);
		}
		// The seat is taken: a second device is refused; the first device again is not.
		expect(
			await errorCode(
				await api.post('/api/v1/activations', {
					data: { request: await newTestDevice().regFile(account.email, [license.number]) }
				})
			)
		).toBe('409 no_free_seat');
		expect(
			(
				await api.post('/api/v1/activations', {
					data: { request: await device.regFile(account.email, [license.number]) }
				})
			).status()
		).toBe(200);
	});

	test('every refusal is a specific JSON error and changes nothing', async () => {
		const account = createTestAccount();
		const other = createTestAccount();
		const license = createTestLicense(account.email);
		const theirs = createTestLicense(other.email);
		const api = await apiClient(account);
		const device = newTestDevice();
		const post = async (request: string) =>
			errorCode(await api.post('/api/v1/activations', { data: { request } }));
		expect(
			await errorCode(
				await (
					await apiClient()
				).post('/api/v1/activations', {
					data: { request: await device.regFile(account.email, [license.number]) }
				})
			)
		).toBe('401 not_signed_in');
		expect(await post(await device.regFile(other.email, [license.number]))).toBe('403 email_mismatch');
		expect(await post(await device.regFile(account.email, [theirs.number]))).toBe('404 license_not_found');
		expect(await post('hello')).toBe('400 request_not_a_request');
		const tampered = (await device.regFile(account.email, [license.number])).replace(
			'Purpose: activate',
			'Purpose: refresh'
		);
		expect(await post(tampered)).toBe('400 request_bad_signature');
		expect(await errorCode(await api.post('/api/v1/activations', { data: { nope: 1 } }))).toBe(
			'400 invalid_body'
		);
		expect(
			await errorCode(
				await api.post('/api/v1/activations', {
					headers: { 'content-type': 'application/json' },
					data: Buffer.from('{')
				})
			)
		).toBe('400 invalid_json');
		// Nothing was taken: the license still activates.
		expect(
			(
				await api.post('/api/v1/activations', {
					data: { request: await device.regFile(account.email, [license.number]) }
				})
			).status()
		).toBe(200);
	});

	test('Deferred Activation takes reg.txt as text, as an upload and as a QR URL; refuses an "R" license', async () => {
		const account = createTestAccount();
		const license = createTestLicense(account.email, { seats: 3 });
		const rLicense = createTestLicense(account.email, { noDeferred: true });
		const api = await apiClient(account);
		const asText = await api.post('/api/v1/deferred', {
			headers: { 'content-type': 'text/plain' },
			data: await newTestDevice().regFile(account.email, [license.number])
		});
		expect(asText.status()).toBe(200);
		const upload = await api.post('/api/v1/deferred', {
			multipart: {
				file: {
					name: 'reg.txt',
					mimeType: 'text/plain',
					buffer: Buffer.from(await newTestDevice().regFile(account.email, [license.number]))
				}
			}
		});
		expect(upload.status()).toBe(200);
		const qr = await api.post('/api/v1/deferred', {
			data: { request: await newTestDevice().qrUrl(account.email, [license.number]) }
		});
		expect(qr.status()).toBe(200);
		expect(
			await errorCode(
				await api.post('/api/v1/deferred', {
					data: { request: await newTestDevice().regFile(account.email, [rLicense.number]) }
				})
			)
		).toBe('403 deferred_not_allowed');
	});

	test('a replayed request gets the same answer; another account presenting it is refused', async () => {
		const account = createTestAccount();
		const intruder = createTestAccount();
		const license = createTestLicense(account.email, { seats: 5 });
		const api = await apiClient(account);
		const regFile = await newTestDevice().regFile(account.email, [license.number]);
		const responses = await Promise.all(
			Array.from({ length: 20 }, () => api.post('/api/v1/deferred', { data: { request: regFile } }))
		);
		const files = await Promise.all(responses.map(async (r) => (await r.json()).licenses[0].file as string));
		expect(new Set(files).size).toBe(1);
		expect(
			await errorCode(
				await (await apiClient(intruder)).post('/api/v1/deferred', { data: { request: regFile } })
			)
		).toBe('403 email_mismatch');
	});

	test('Refresh needs no sign-in and returns what the device holds, with expansions', async () => {
		const account = createTestAccount();
		const license = createTestLicense(account.email, { expansions: ['WEB'] });
		const device = newTestDevice();
		await (
			await apiClient(account)
		).post('/api/v1/activations', {
			data: { request: await device.regFile(account.email, [license.number]) }
		});
		const anonymous = await apiClient();
		const response = await anonymous.post('/api/v1/refresh', {
			data: { request: await device.regFile(account.email, [], 'refresh') }
		});
		expect(response.status()).toBe(200);
		expect(
			activationResponseSchema.parse(await response.json()).licenses.map((l) => l.licenseNumber)
		).toEqual([license.number, license.expansions[0]!.number]);
		const stranger = await anonymous.post('/api/v1/refresh', {
			data: { request: await newTestDevice().regFile(account.email, [], 'refresh') }
		});
		expect(activationResponseSchema.parse(await stranger.json()).licenses).toEqual([]);
	});
});

test.describe('sync', () => {
	test('applies each operation once, asks for a sign-in where needed, rejects unknown operations', async () => {
		const account = createTestAccount();
		const license = createTestLicense(account.email, { seats: 2 });
		const device = newTestDevice();
		const operations = [
			{
				id: crypto.randomUUID(),
				type: 'instant-activation',
				payload: { request: await device.regFile(account.email, [license.number]) }
			},
			{ id: crypto.randomUUID(), type: 'mystery', payload: {} }
		];
		const anonymous = syncResponseSchema.parse(
			await (await (await apiClient()).post('/api/v1/sync', { data: { operations } })).json()
		);
		expect(anonymous.results.map((r) => r.status)).toEqual(['needs-sign-in', 'rejected']);
		const api = await apiClient(account);
		const first = syncResponseSchema.parse(
			await (await api.post('/api/v1/sync', { data: { operations } })).json()
		);
		const again = syncResponseSchema.parse(
			await (await api.post('/api/v1/sync', { data: { operations } })).json()
		);
		expect(first.results.map((r) => r.status)).toEqual(['applied', 'rejected']);
		expect(again.results[0]).toEqual(first.results[0]);
		expect(first.results[1]!.error!.code).toBe('unknown_operation');
		// Applied once: the second seat is still free.
		expect(
			(
				await api.post('/api/v1/activations', {
					data: { request: await newTestDevice().regFile(account.email, [license.number]) }
				})
			).status()
		).toBe(200);
	});
});

test.describe('protection', () => {
	const endpoints = [
		'/api/v1/session',
		'/api/v1/activations',
		'/api/v1/deferred',
		'/api/v1/refresh',
		'/api/v1/sync'
	];

	test('cross-site POSTs are refused whatever their content type, and so is one with no Origin', async () => {
		const bare = await playwrightRequest.newContext({ baseURL });
		for (const path of endpoints) {
			for (const headers of <Record<string, string>[]>[
				{ origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
				{ origin: 'https://evil.example', 'content-type': 'text/plain' },
				{ origin: 'HTTPS://EVIL.EXAMPLE', 'content-type': 'Text/Plain' },
				{ 'content-type': 'application/json' }
			]) {
				expect(await errorCode(await bare.post(path, { headers, data: '{}' }))).toBe(
					'403 cross_site_request'
				);
			}
		}
	});

	test('bodies above the limit are refused with 413 before they are parsed', async () => {
		const api = await apiClient(createTestAccount());
		const huge = 'x'.repeat(5 * 1024 * 1024 + 10);
		for (const path of endpoints) {
			const response = await api.post(path, { headers: { 'content-type': 'application/json' }, data: huge });
			expect(response.status(), path).toBe(413);
		}
		const justOver = await api.post('/api/v1/activations', {
			headers: { 'content-type': 'application/json' },
			data: `{"request":"${'x'.repeat(21 * 1024)}"}`
		});
		expect(await errorCode(justOver)).toBe('413 payload_too_large');
	});

	test('a body of another content type is refused with 415', async () => {
		const api = await apiClient(createTestAccount());
		const response = await api.post('/api/v1/activations', {
			headers: { 'content-type': 'text/plain' },
			data: 'hello'
		});
		expect(await errorCode(response)).toBe('415 unsupported_media_type');
	});

	test('repeated wrong passwords are answered with 429 and Retry-After, as JSON', async () => {
		const account = createTestAccount();
		const api = await apiClient();
		let limited: { status(): number; headers(): Record<string, string>; json(): Promise<unknown> } | null =
			null;
		for (let attempt = 0; attempt < 30 && !limited; attempt++) {
			const response = await api.post('/api/v1/session', {
				data: { email: account.email, password: `wrong-${attempt}` }
			});
			if (response.status() === 429) limited = response;
			else expect(response.status()).toBe(401);
		}
		expect(limited).not.toBeNull();
		expect(Number(limited!.headers()['retry-after'])).toBeGreaterThan(0);
		expect(await errorCode(limited!)).toBe('429 rate_limited');
	});

	test('an account never reaches another account’s licenses', async () => {
		const owner = createTestAccount();
		const intruder = createTestAccount();
		const license = createTestLicense(owner.email, { seats: 5 });
		const api = await apiClient(intruder);
		const device = newTestDevice();
		expect(
			await errorCode(
				await api.post('/api/v1/activations', {
					data: { request: await device.regFile(intruder.email, [license.number]) }
				})
			)
		).toBe('404 license_not_found');
		expect(
			await errorCode(
				await api.post('/api/v1/deferred', {
					data: { request: await device.regFile(intruder.email, [license.number]) }
				})
			)
		).toBe('404 license_not_found');
		const sync = syncResponseSchema.parse(
			await (
				await api.post('/api/v1/sync', {
					data: {
						operations: [
							{
								id: crypto.randomUUID(),
								type: 'instant-activation',
								payload: { request: await device.regFile(intruder.email, [license.number]) }
							}
						]
					}
				})
			).json()
		);
		expect(sync.results[0]).toMatchObject({ status: 'rejected', error: { code: 'license_not_found' } });
	});
});

test('health: the server’s version, a signed time that verifies with the published keys, and the vendor’s contacts', async () => {
	const api = await apiClient();
	const response = await api.get('/api/v1/health');
	expect(response.status()).toBe(200);
	expect(response.headers()['cache-control']).toBe('no-store');
	const health = healthResponseSchema.parse(await response.json());
	const time = await verifyServerTime(health.signedTime, { trustedKeys: await publishedTrustedKeys(api) });
	expect(time.ok && Math.abs(time.serverTime - Date.now())).toBeLessThan(60_000);
	expect(health.vendor.name.length).toBeGreaterThan(0);
	expect(health.vendor.supportUrl).toMatch(/^https?:\/\//);
});
