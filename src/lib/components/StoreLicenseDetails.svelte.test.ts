import { createRawSnippet } from 'svelte';
import { describe, expect, it } from 'vitest';
import { render } from 'vitest-browser-svelte';
import type { LicenseListEntry } from '$lib/sdk/store/store-view';
import StoreLicenseDetails from './StoreLicenseDetails.svelte';

const license: LicenseListEntry = {
	number: 'SRV-AAAA-BBBB-CCCC',
	product: 'SRV',
	productName: 'Airlock Server Edition',
	kind: 'standard',
	status: 'active',
	expiresAt: null,
	renewalDays: null,
	deferredAllowed: false,
	emergencyAllowed: false,
	seats: 2,
	seatsUsed: 1,
	expansions: [{ number: 'CLX-DDDD-EEEE-FFFF', product: 'CLX', productName: 'Client Connections' }],
	devices: [{ deviceId: 'DEV1-AAAA-BBBB', activatedAt: 0, lastSeenAt: 0 }],
	link: null,
	projectId: null,
	projectName: null,
	searchText: ''
};

describe('StoreLicenseDetails', () => {
	it('shows what the license is and allows, and hands a seat release to the page', async () => {
		const released: string[] = [];
		const more = createRawSnippet(() => ({ render: () => '<section><h3>History</h3></section>' }));
		const screen = await render(StoreLicenseDetails, {
			license,
			core: null,
			fileText: null,
			notice: null,
			onLink: () => {},
			onUnlink: () => {},
			onRelease: (deviceId: string) => released.push(deviceId),
			more
		});
		await expect.element(screen.getByText('Client Connections (CLX-DDDD-EEEE-FFFF)')).toBeVisible();
		await expect.element(screen.getByText(/An “R” license/)).toBeVisible();
		await expect.element(screen.getByText(/Emergency Activation is not available/)).toBeVisible();
		// No file on this device: no disclosure; no Unlink for a license in no project.
		await expect.element(screen.getByText('Show the license file')).not.toBeInTheDocument();
		await expect.element(screen.getByRole('button', { name: 'Unlink' })).not.toBeInTheDocument();
		await screen.getByRole('button', { name: 'Release the seat of DEV1-AAAA-BBBB' }).click();
		expect(released).toEqual(['DEV1-AAAA-BBBB']);
		// What the page adds below (its history) has its place.
		await expect.element(screen.getByRole('heading', { name: 'History' })).toBeVisible();
	});

	it('keeps the signed file this device holds behind a disclosure, and shows the last outcome', async () => {
		const screen = await render(StoreLicenseDetails, {
			license: { ...license, deferredAllowed: true, projectId: 'p1', projectName: 'Shop' },
			core: null,
			fileText: '-----BEGIN AIRLOCK LICENSE-----\nSRV-AAAA-BBBB-CCCC',
			notice: { text: 'SRV-AAAA-BBBB-CCCC is in project Shop.', alert: false },
			onLink: () => {},
			onUnlink: () => {},
			onRelease: () => {}
		});
		await expect.element(screen.getByText(/An “R” license/)).not.toBeInTheDocument();
		await expect.element(screen.getByRole('status')).toHaveTextContent('is in project Shop');
		await expect.element(screen.getByRole('button', { name: 'Unlink' })).toBeVisible();
		const file = screen.getByText(/BEGIN AIRLOCK LICENSE/);
		await expect.element(file).not.toBeVisible();
		await screen.getByText('Show the license file').click();
		await expect.element(file).toBeVisible();
	});
});
