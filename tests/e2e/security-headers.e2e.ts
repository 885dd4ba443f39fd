// Every answer of the server carries the security headers — prerendered pages and static files too,
// which never reach the app's hooks — and the pages run under their Content-Security-Policy with
// nothing blocked; no other site can frame them; the API's checks hold however its path is written.
import { expect, request as playwrightRequest, test, type Page } from '@playwright/test';
import { createTestAccount, createTestLicense } from './support/admin';
import { apiClient, baseURL, errorCode } from './support/api-client';

const PAGES = [
	'/',
	'/instant',
	'/deferred',
	'/emergency',
	'/licenses',
	'/projects',
	'/troubleshooting',
	'/account',
	'/portal'
];

function expectSecurityHeaders(headers: Record<string, string>, what: string): void {
	expect(headers['content-security-policy'], what).toContain("frame-ancestors 'none'");
	expect(headers['x-frame-options'], what).toBe('DENY');
	expect(headers['x-content-type-options'], what).toBe('nosniff');
	expect(headers['referrer-policy'], what).toBe('no-referrer');
	// Plain http here: no HSTS (it would pin a name that has no certificate).
	expect(headers['strict-transport-security'], what).toBeUndefined();
}

test('pages, static files, the service worker and the API all carry the security headers', async () => {
	const api = await apiClient();
	const home = await api.get('/');
	const html = await home.text();
	const asset = html.match(/\/_app\/immutable\/[^"']+\.js/)?.[0];
	expect(asset, 'the home page loads a script of the build').toBeTruthy();
	for (const path of [
		...PAGES,
		asset!,
		'/favicon.svg',
		'/manifest.webmanifest',
		'/service-worker.js',
		'/api/v1/health',
		'/api/v1/session',
		'/no-such-page'
	]) {
		const response = await api.get(path);
		expectSecurityHeaders(response.headers(), path);
	}
});

/** Collects the page's CSP violations (also those of code that caught the error). */
async function watchViolations(page: Page): Promise<string[]> {
	const violations: string[] = [];
	await page.exposeFunction('reportViolation', (text: string) => violations.push(text));
	await page.addInitScript(() => {
		document.addEventListener('securitypolicyviolation', (event) => {
			const report = (window as unknown as { reportViolation(text: string): void }).reportViolation;
			report(
				`${event.violatedDirective} blocked ${event.blockedURI} (${event.sourceFile}:${event.lineNumber})`
			);
		});
	});
	page.on('console', (message) => {
		if (message.text().includes('Content Security Policy')) violations.push(message.text());
	});
	return violations;
}

test('every page runs under its Content-Security-Policy with nothing blocked', async ({ page }) => {
	// Nine pages and a Deferred round, one after the other.
	test.setTimeout(180_000);
	const violations = await watchViolations(page);
	// Saving falls back to a download (browser-fs-access), which the test can wait for.
	await page.addInitScript(() => {
		delete (window as { showSaveFilePicker?: unknown }).showSaveFilePicker;
		delete (window as { showOpenFilePicker?: unknown }).showOpenFilePicker;
	});
	for (const path of PAGES) {
		const response = await page.goto(path);
		// The page's own policy, from SvelteKit with the hash of its start-up script: in a <meta> tag
		// of a prerendered page, in the header of a rendered one.
		const policies = [
			response?.headers()['content-security-policy'],
			await page.locator('meta[http-equiv="content-security-policy"]').getAttribute('content')
		].join(', ');
		expect(policies, path).toMatch(/script-src 'self'[^,;]* 'sha256-/);
		await expect(page.locator('main, h1').first(), path).toBeVisible();
		await page.waitForLoadState('load');
	}
	// A flow that signs a request, saves a file and draws a QR code.
	const account = createTestAccount();
	const license = createTestLicense(account.email);
	await page.goto('/deferred');
	await page.getByLabel('License number(s)').fill(license.number);
	await page.getByLabel('E-mail address').fill(account.email);
	await Promise.all([
		page.waitForEvent('download'),
		page.getByRole('button', { name: 'Generate file' }).click()
	]);
	await expect(
		page.getByRole('figure', { name: 'QR code of the registration request' }).locator('svg')
	).toBeVisible();
	expect(violations).toEqual([]);
});

test('another site cannot frame the portal (or any page)', async ({ page }) => {
	// Another origin serving a page that frames ours; the frame's load event fires for an error page too.
	const portal = `${baseURL}/portal#r1=anything`;
	await page.route('http://attacker.test/', (route) =>
		route.fulfill({
			contentType: 'text/html',
			body: `<!doctype html><title>attacker</title><iframe src="${portal}" onload="document.title='loaded'"></iframe>`
		})
	);
	await page.goto('http://attacker.test/');
	await expect(page).toHaveTitle('loaded');
	const frame = page.frames().find((each) => each !== page.mainFrame())!;
	// Chromium puts its own error page in place of the refused document.
	expect(frame.url()).toMatch(/^chrome-error:/);
	expect(await frame.evaluate(() => document.querySelector('main') !== null).catch(() => false)).toBe(false);
});

test('the API answers in JSON for a method it does not take and for a malformed path', async () => {
	const api = await apiClient();
	const put = await api.put('/api/v1/health', { data: {} });
	expect(await errorCode(put)).toBe('405 method_not_allowed');
	expect(put.headers()['allow']).toContain('GET');
	expect(put.headers()['cache-control']).toBe('no-store');
	const malformed = await api.get('/api/v1/%E0%A4%A');
	expect(await errorCode(malformed)).toBe('400 malformed_path');
	expectSecurityHeaders(malformed.headers(), 'malformed path');
});

test('a percent-encoded API path gets the same checks: cross-site refusal, session, no-store', async () => {
	const account = createTestAccount();
	const signedIn = await apiClient(account);
	const encoded = '/%61pi/v1/session';
	const answer = await signedIn.get(encoded);
	expect(answer.status()).toBe(200);
	expect((await answer.json()).account.email).toBe(account.email);
	expect(answer.headers()['cache-control']).toBe('no-store');

	const crossSite = await playwrightRequest.newContext({
		baseURL,
		extraHTTPHeaders: { origin: 'http://attacker.test' }
	});
	const login = await crossSite.post(encoded, { data: { email: account.email, password: account.password } });
	expect(await errorCode(login)).toBe('403 cross_site_request');
	expect(login.headers()['set-cookie']).toBeUndefined();
	// Another scheme or port of this host is another site too.
	const otherScheme = await playwrightRequest.newContext({
		baseURL,
		extraHTTPHeaders: { origin: baseURL.replace('http://', 'https://') }
	});
	expect(await errorCode(await otherScheme.delete('/api/v1/session'))).toBe('403 cross_site_request');
});
