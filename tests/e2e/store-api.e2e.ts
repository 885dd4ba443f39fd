// The store's endpoints over HTTP: a session is needed, another account sees and changes nothing,
// and a cross-site release is refused.
import { expect, request as playwrightRequest, test } from '@playwright/test';
import { storeLicensesResponseSchema, storeProjectsResponseSchema } from '../../src/lib/protocol/store';
import { syncResponseSchema } from '../../src/lib/protocol/api';
import { createTestAccount, createTestLicense } from './support/admin';
import { apiClient, baseURL } from './support/api-client';
import { newTestDevice } from './support/device';

async function errorOf(response: { status(): number; json(): Promise<unknown> }) {
	const body = (await response.json()) as { error?: { code: string; message: string } };
	return { status: response.status(), code: body.error?.code, message: body.error?.message };
}

test('the store endpoints need a session, and another account sees and changes nothing of yours', async () => {
	const owner = createTestAccount('owner');
	const license = createTestLicense(owner.email, { seats: 2 });
	const ownerApi = await apiClient(owner);
	const device = newTestDevice();
	const activated = await ownerApi.post('/api/v1/activations', {
		data: { request: await device.regFile(owner.email, [license.number]) }
	});
	expect(activated.status()).toBe(200);
	const projectId = crypto.randomUUID();
	const stamp = { wall: Date.now(), counter: 0, device: 'AAAA-AAAA-AAAA' };
	const created = syncResponseSchema.parse(
		await (
			await ownerApi.post('/api/v1/sync', {
				data: {
					operations: [
						{
							id: `op-${crypto.randomUUID()}`,
							type: 'store-edit',
							payload: { edit: { kind: 'project-name', projectId, name: 'Secret', stamp, base: null } }
						}
					]
				}
			})
		).json()
	);
	expect(created.results).toMatchObject([{ status: 'applied', result: { lost: [] } }]);
	const list = storeLicensesResponseSchema.parse(await (await ownerApi.get('/api/v1/store/licenses')).json());
	const deviceId = list.licenses[0]!.devices[0]!.deviceId;
	expect(list.licenses.map((l) => l.number)).toEqual([license.number]);

	const anonymous = await apiClient();
	expect(await errorOf(await anonymous.get('/api/v1/store/licenses'))).toMatchObject({
		status: 401,
		code: 'not_signed_in'
	});
	expect(await errorOf(await anonymous.get('/api/v1/store/projects'))).toMatchObject({ status: 401 });

	const otherApi = await apiClient(createTestAccount('other'));
	expect(
		storeLicensesResponseSchema.parse(await (await otherApi.get('/api/v1/store/licenses')).json()).licenses
	).toEqual([]);
	expect(
		storeProjectsResponseSchema.parse(await (await otherApi.get('/api/v1/store/projects')).json()).projects
	).toEqual([]);
	const theirs = await errorOf(
		await otherApi.post(`/api/v1/store/licenses/${license.number}/release`, { data: { deviceId } })
	);
	const missing = 'SRV-2222-2222-2222';
	const nothing = await errorOf(
		await otherApi.post(`/api/v1/store/licenses/${missing}/release`, { data: { deviceId } })
	);
	expect(theirs).toMatchObject({ status: 404, code: 'seat_not_found' });
	expect({ ...theirs, message: theirs.message?.replace(license.number, 'N') }).toEqual({
		...nothing,
		message: nothing.message?.replace(missing, 'N')
	});

	const crossSite = await playwrightRequest.newContext({ baseURL });
	const refused = await crossSite.post(`/api/v1/store/licenses/${license.number}/release`, {
		headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
		data: { deviceId }
	});
	expect(await errorOf(refused)).toMatchObject({ status: 403, code: 'cross_site_request' });

	expect(
		storeLicensesResponseSchema.parse(await (await ownerApi.get('/api/v1/store/licenses')).json())
			.licenses[0]!.seatsUsed
	).toBe(1);
	const released = await ownerApi.post(`/api/v1/store/licenses/${license.number}/release`, {
		data: { deviceId }
	});
	expect(released.status()).toBe(200);
	expect(
		storeLicensesResponseSchema.parse(await (await ownerApi.get('/api/v1/store/licenses')).json())
			.licenses[0]!.seatsUsed
	).toBe(0);
});
