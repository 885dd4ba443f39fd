// An HTTP client of the activation server for API tests: same-origin, signed in when given an account.
import { expect, request as playwrightRequest, type APIRequestContext } from '@playwright/test';
import { publishedKeySetSchema, trustedKeysFrom } from '../../../src/lib/protocol/vendor-keys';
import type { TestAccount } from './admin';

export const baseURL = process.env.E2E_BASE_URL!;

export async function apiClient(account?: TestAccount): Promise<APIRequestContext> {
	const context = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { origin: baseURL } });
	if (account) {
		const response = await context.post('/api/v1/session', {
			data: { email: account.email, password: account.password }
		});
		expect(response.status()).toBe(200);
	}
	return context;
}

/** The trusted keys as a License Manager would get them. */
export async function publishedTrustedKeys(api: APIRequestContext) {
	return await trustedKeysFrom(publishedKeySetSchema.parse(await (await api.get('/api/v1/keys')).json()));
}

/** "status code" of an answer, e.g. "409 no_free_seat" (just "200" when there is no error). */
export async function errorCode(response: { status(): number; json(): Promise<unknown> }): Promise<string> {
	const body = (await response.json()) as { error?: { code: string } };
	return `${response.status()} ${body.error?.code ?? ''}`.trim();
}
