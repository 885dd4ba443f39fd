import { describe, expect, it } from 'vitest';
import { render } from 'vitest-browser-svelte';
import type { LicenseHistoryResponse } from '$lib/protocol/audit-api';
import type { Core } from '$lib/sdk/core';
import type { ServerApi } from '$lib/sdk/api/server-api';
import LicenseHistory from './LicenseHistory.svelte';

const NUMBER = 'SRV-5BQ7-MKXD-3H99';

/** A core whose server answers the history call with `answer` (the rest of the core is not used). */
function coreAnswering(answer: Awaited<ReturnType<ServerApi['licenseHistory']>>): Core {
	return { api: { licenseHistory: async () => answer } } as unknown as Core;
}

describe('LicenseHistory', () => {
	it('tells each event in words, newest first, with the address it came from', async () => {
		const history: LicenseHistoryResponse = {
			licenseNumber: NUMBER,
			events: [
				{
					at: 3,
					kind: 'seat.release',
					licenseNumber: NUMBER,
					deviceId: 'FT3H-H2B7-Z7QV',
					clientAddress: '203.0.113.7',
					via: null,
					seat: null
				},
				{
					at: 2,
					kind: 'activation',
					licenseNumber: NUMBER,
					deviceId: 'FT3H-H2B7-Z7QV',
					clientAddress: '203.0.113.7',
					via: 'deferred',
					seat: 'taken'
				},
				{
					at: 1,
					kind: 'license.expansion',
					licenseNumber: 'CLX-2345-6789-ABCC',
					deviceId: null,
					clientAddress: null,
					via: null,
					seat: null
				}
			],
			more: true
		};
		const screen = await render(LicenseHistory, {
			core: coreAnswering({ kind: 'ok', value: history }),
			licenseNumber: NUMBER
		});
		const items = screen.getByRole('listitem');
		await expect
			.element(items.nth(0))
			.toHaveTextContent(/Seat of device FT3H-H2B7-Z7QV released.*from 203\.0\.113\.7/);
		await expect
			.element(items.nth(1))
			.toHaveTextContent(/Activated on device FT3H-H2B7-Z7QV \(Deferred Activation\)/);
		// An expansion's event names the expansion; the vendor's own changes have no address.
		await expect.element(items.nth(2)).toHaveTextContent(/Expansion added\s*CLX-2345-6789-ABCC$/);
		await expect.element(screen.getByText('Older events are kept by your vendor.')).toBeVisible();
	});

	it('says why there is no history when the server cannot be reached, as an alert', async () => {
		const screen = await render(LicenseHistory, {
			core: coreAnswering({ kind: 'unreachable', reason: 'Failed to fetch' }),
			licenseNumber: NUMBER
		});
		const alert = screen.getByRole('alert');
		await expect.element(alert).toHaveTextContent(/shown here when this device is online/);
		await expect.element(alert).not.toHaveTextContent(/Failed to fetch/);
	});

	it('says when nothing was recorded yet', async () => {
		const screen = await render(LicenseHistory, {
			core: coreAnswering({ kind: 'ok', value: { licenseNumber: NUMBER, events: [], more: false } }),
			licenseNumber: NUMBER
		});
		await expect.element(screen.getByText('Nothing recorded yet.')).toBeVisible();
	});
});
