// A request that arrives in a link never activates by itself on the portal, not even when the user
// has a pending request of their own (saved when they pressed Activate offline): the portal shows the
// link's device and licenses, says where the request came from, and waits for Activate.
import { expect, test } from '@playwright/test';
import { createTestAccount, createTestLicense } from './support/admin';
import { apiClient } from './support/api-client';
import { newTestDevice } from './support/device';

test('a link’s request waits for Activate; the user’s own pending request is kept and goes on by itself', async ({
	page
}) => {
	const victim = createTestAccount();
	const license = createTestLicense(victim.email, { seats: 2 });
	const own = await newTestDevice().regFile(victim.email, [license.number]);
	const attackers = newTestDevice();
	const link = await attackers.qrUrl(victim.email, [license.number]);

	await page.goto('/portal');
	await page.getByLabel('User ID (e-mail)').fill(victim.email);
	await page.getByLabel('Password').fill(victim.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByText(`Signed in as ${victim.email}.`)).toBeVisible();
	// The user's own request, waiting from an offline visit.
	await page.evaluate((text) => localStorage.setItem('airlock-portal-pending-request', text), own);

	// The link, opened as a link is (a new document, not a change of this page's fragment).
	await page.goto('about:blank');
	await page.goto(link);
	await expect(page.getByText('This request came in a link.')).toBeVisible();
	await expect(page.getByRole('button', { name: 'Activate' })).toBeEnabled();
	const api = await apiClient(victim);
	const seats = async () => {
		const answer = await api.get('/api/v1/store/licenses');
		const body = (await answer.json()) as { licenses: { number: string; seatsUsed: number }[] };
		return body.licenses.find((each) => each.number === license.number)!.seatsUsed;
	};
	// Nothing was activated by opening the link, and the user's own request is still pending.
	await expect(page.getByRole('heading', { name: 'License files' })).toHaveCount(0);
	expect(await seats()).toBe(0);
	expect(await page.evaluate(() => localStorage.getItem('airlock-portal-pending-request'))).toBe(own);

	// The user's own pending request, opened without a link, goes on by itself.
	await page.goto('/portal');
	await expect(page.getByText('This request came in a link.')).toHaveCount(0);
	await expect.poll(seats).toBe(1);
	expect(await page.evaluate(() => localStorage.getItem('airlock-portal-pending-request'))).toBeNull();
});
