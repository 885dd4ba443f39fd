// The calls the License Manager makes, typed by the shared protocol schemas.
import { activationResponseSchema, sessionSchema, type SyncOperation } from '$lib/protocol/api';
import { emergencyCodeResponseSchema } from '$lib/protocol/emergency-code';
import { healthResponseSchema } from '$lib/protocol/health';
import { syncResponseWithTimeSchema } from '$lib/protocol/server-time';
import {
	releaseSeatResponseSchema,
	storeLicensesResponseSchema,
	storeProjectsResponseSchema
} from '$lib/protocol/store';
import { publishedKeySetSchema } from '$lib/protocol/vendor-keys';
import type { ApiClient } from './api-client';

export function serverApi(client: ApiClient) {
	return {
		signIn: (email: string, password: string) =>
			client.post('/api/v1/session', { email, password }, sessionSchema),
		whoAmI: () => client.get('/api/v1/session', sessionSchema),
		signOut: () => client.delete('/api/v1/session'),
		keys: () => client.get('/api/v1/keys', publishedKeySetSchema),
		/** Instant Activation of a signed request (reg.txt text). */
		activate: (request: string) => client.post('/api/v1/activations', { request }, activationResponseSchema),
		/** Deferred Activation on the portal: a reg.txt or the request QR URL brought from an offline device. */
		deferred: (request: string) => client.post('/api/v1/deferred', { request }, activationResponseSchema),
		refresh: (request: string) => client.post('/api/v1/refresh', { request }, activationResponseSchema),
		sync: (operations: SyncOperation[]) =>
			client.post('/api/v1/sync', { operations }, syncResponseWithTimeSchema),
		/** The license's vendor-signed emergency code (the owner only). */
		emergencyCode: (licenseNumber: string) =>
			client.get(
				`/api/v1/licenses/${encodeURIComponent(licenseNumber)}/emergency-code`,
				emergencyCodeResponseSchema
			),
		/** Reachability, version, signed time and the vendor's contacts. */
		health: () => client.get('/api/v1/health', healthResponseSchema),
		storeLicenses: () => client.get('/api/v1/store/licenses', storeLicensesResponseSchema),
		storeProjects: () => client.get('/api/v1/store/projects', storeProjectsResponseSchema),
		releaseSeat: (licenseNumber: string, deviceId: string) =>
			client.post(
				`/api/v1/store/licenses/${encodeURIComponent(licenseNumber)}/release`,
				{ deviceId },
				releaseSeatResponseSchema
			)
	};
}

export type ServerApi = ReturnType<typeof serverApi>;
