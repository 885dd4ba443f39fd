import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createApiClient } from './api-client.js';

function fakeFetch(respond: () => Response | Promise<Response>): typeof fetch {
	return (async () => respond()) as typeof fetch;
}

const schema = z.object({ value: z.number() });

describe('API client', () => {
	it('returns the parsed body and reports the server reachable', async () => {
		const seen: boolean[] = [];
		const client = createApiClient({
			fetch: fakeFetch(() => Response.json({ value: 1 })),
			onReachability: (r) => seen.push(r)
		});
		expect(await client.get('/x', schema)).toEqual({ kind: 'ok', value: { value: 1 } });
		expect(seen).toEqual([true]);
	});

	it('returns the server’s specific error for a refusal', async () => {
		const client = createApiClient({
			fetch: fakeFetch(() =>
				Response.json({ error: { code: 'no_free_seat', message: 'All seats…' } }, { status: 409 })
			)
		});
		expect(await client.post('/x', {}, schema)).toEqual({
			kind: 'refused',
			status: 409,
			error: { code: 'no_free_seat', message: 'All seats…' }
		});
	});

	it('tells an unreachable server from a refusal: network failure and gateway errors', async () => {
		const seen: boolean[] = [];
		const down = createApiClient({
			fetch: fakeFetch(() => Promise.reject(new TypeError('Failed to fetch'))),
			onReachability: (r) => seen.push(r)
		});
		expect(await down.get('/x', schema)).toMatchObject({ kind: 'unreachable' });
		const gateway = createApiClient({ fetch: fakeFetch(() => new Response('bad gateway', { status: 502 })) });
		expect(await gateway.get('/x', schema)).toMatchObject({ kind: 'unreachable' });
		expect(seen).toEqual([false]);
	});

	it('never trusts a malformed answer', async () => {
		const html = createApiClient({ fetch: fakeFetch(() => new Response('<html>', { status: 500 })) });
		expect(await html.get('/x', schema)).toMatchObject({ kind: 'refused', error: { code: 'server_error' } });
		const wrongShape = createApiClient({ fetch: fakeFetch(() => Response.json({ value: 'one' })) });
		expect(await wrongShape.get('/x', schema)).toMatchObject({
			kind: 'refused',
			error: { code: 'unexpected_response' }
		});
	});

	it('loads a lazy schema only when an answer is to be checked', async () => {
		let loads = 0;
		const lazy = async () => {
			loads++;
			return schema;
		};
		const ok = createApiClient({ fetch: fakeFetch(() => Response.json({ value: 2 })) });
		expect(await ok.get('/x', lazy)).toEqual({ kind: 'ok', value: { value: 2 } });
		expect(loads).toBe(1);
		const down = createApiClient({
			fetch: fakeFetch(() => {
				throw new TypeError('Failed to fetch');
			})
		});
		expect((await down.get('/x', lazy)).kind).toBe('unreachable');
		const refused = createApiClient({
			fetch: fakeFetch(() => Response.json({ error: { code: 'c', message: 'm' } }, { status: 409 }))
		});
		expect((await refused.get('/x', lazy)).kind).toBe('refused');
		expect(loads).toBe(1);
	});
});
