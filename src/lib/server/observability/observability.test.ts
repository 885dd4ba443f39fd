import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config';
import { createLogger, NODE_NAME } from './logger';
import { metricsAccess } from './metrics-access';
import { countSyncOperation, metrics } from './metrics';

const TOKEN = 'scraper-token-0123456789';

describe('who may read /metrics', () => {
	it('nobody without METRICS_TOKEN; with it, only a bearer of that token', () => {
		expect(metricsAccess(null, `Bearer ${TOKEN}`)).toBe('off');
		expect(metricsAccess(TOKEN, `Bearer ${TOKEN}`)).toBe('allowed');
		expect(metricsAccess(TOKEN, `bearer ${TOKEN}`)).toBe('allowed');
		for (const header of [null, '', TOKEN, `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(1)}`, `Basic ${TOKEN}`])
			expect(metricsAccess(TOKEN, header)).toBe('refused');
	});

	it('takes METRICS_TOKEN from the environment, and refuses a weak one at start-up', () => {
		expect(parseConfig({}).metricsToken).toBeNull();
		expect(parseConfig({ METRICS_TOKEN: ` ${TOKEN} ` }).metricsToken).toBe(TOKEN);
		expect(() => parseConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN: expected 16 to 200/);
		expect(() => parseConfig({ METRICS_TOKEN: 'has a space in it, sixteen+' })).toThrow(/METRICS_TOKEN/);
	});
});

describe('metrics labels', () => {
	it('keep an operation type a client made up out of the labels', async () => {
		countSyncOperation('made-up-by-a-client', 'rejected');
		countSyncOperation('refresh', 'applied');
		const text = await metrics.registry.metrics();
		expect(text).not.toContain('made-up-by-a-client');
		expect(text).toMatch(/airlock_sync_operations_total\{type="unknown",outcome="rejected"\} [1-9]/);
		expect(text).toMatch(/airlock_sync_operations_total\{type="refresh",outcome="applied"\} [1-9]/);
	});
});

describe('structured logs', () => {
	it('are JSON lines with the time and the node, and never carry a secret', () => {
		const lines: string[] = [];
		const sink = new Writable({
			write(chunk: Buffer, _encoding, done) {
				lines.push(chunk.toString());
				done();
			}
		});
		const log = createLogger('info', sink);
		log.info(
			{
				requestId: 'r-1',
				password: 'hunter2',
				headers: { authorization: 'Bearer abc', cookie: 'airlock_session=s' }
			},
			'request'
		);
		log.debug({ requestId: 'r-2' }, 'below the level');
		expect(lines).toHaveLength(1);
		const line = JSON.parse(lines[0]!) as Record<string, unknown>;
		expect(line).toMatchObject({ level: 30, node: NODE_NAME, requestId: 'r-1', msg: 'request' });
		expect(Number.isNaN(Date.parse(String(line.time)))).toBe(false);
		expect(lines[0]).not.toMatch(/hunter2|Bearer abc|airlock_session=s/);
	});
});
