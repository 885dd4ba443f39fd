// GET /metrics: Prometheus' text format for a scraper holding METRICS_TOKEN, parsed here by the
// official Prometheus client's parser; its counters move with the traffic. Every answer carries a
// request id.
import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { createTestAccount, createTestLicense } from './support/admin';
import { apiClient, errorCode } from './support/api-client';
import { newTestDevice } from './support/device';
import { E2E_METRICS_TOKEN } from './support/metrics-token';

interface Sample {
	family: string;
	type: string;
	/** null for the family's own line. */
	name: string | null;
	labels: Record<string, string>;
	value: number;
}

function parsePrometheusText(text: string): Sample[] {
	const out = execFileSync('/usr/bin/python3', [`${import.meta.dirname}/support/prometheus-text.py`], {
		input: text,
		encoding: 'utf8'
	});
	return out
		.split('\n')
		.filter(Boolean)
		.map((line) => JSON.parse(line) as Sample);
}

const value = (samples: Sample[], name: string, labels: Record<string, string>) =>
	samples
		.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
		.reduce((sum, s) => sum + s.value, 0);

test('metrics need the token, parse as Prometheus text, and count activations, requests and latency', async () => {
	const anonymous = await apiClient();
	const refused = await anonymous.get('/metrics');
	expect(refused.status()).toBe(401);
	expect(refused.headers()['www-authenticate']).toContain('Bearer');
	expect(
		(
			await anonymous.get('/metrics', { headers: { authorization: 'Bearer wrong-token-wrong-token' } })
		).status()
	).toBe(401);

	const scrape = async () => {
		const response = await anonymous.get('/metrics', {
			headers: { authorization: `Bearer ${E2E_METRICS_TOKEN}` }
		});
		expect(response.status()).toBe(200);
		expect(response.headers()['content-type']).toContain('text/plain');
		return parsePrometheusText(await response.text());
	};
	const before = await scrape();
	for (const family of [
		'airlock_http_requests',
		'airlock_http_request_duration_seconds',
		'airlock_activations',
		'airlock_sync_operations',
		'airlock_database_errors',
		'airlock_database_busy_waits',
		'airlock_queue_depth',
		'airlock_process_resident_memory_bytes'
	])
		expect(
			before.some((sample) => sample.family === family),
			family
		).toBe(true);

	const account = createTestAccount('metrics');
	const license = createTestLicense(account.email);
	const api = await apiClient(account);
	const device = newTestDevice();
	const activated = await api.post('/api/v1/activations', {
		data: { request: await device.regFile(account.email, [license.number]) }
	});
	expect(activated.status()).toBe(200);
	// Every answer names its request, for the logs; a proxy's own id is kept.
	expect(activated.headers()['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
	const traced = await api.get('/api/v1/health', { headers: { 'x-request-id': 'proxy-7f3a' } });
	expect(traced.headers()['x-request-id']).toBe('proxy-7f3a');
	const second = await api.post('/api/v1/activations', {
		data: { request: await newTestDevice().regFile(account.email, [license.number]) }
	});
	expect(await errorCode(second)).toBe('409 no_free_seat');

	const after = await scrape();
	const route = { route: '/api/v1/activations', method: 'POST' };
	expect(
		value(after, 'airlock_activations_total', { path: 'instant', outcome: 'activated' })
	).toBeGreaterThan(value(before, 'airlock_activations_total', { path: 'instant', outcome: 'activated' }));
	expect(
		value(after, 'airlock_activations_total', { path: 'instant', outcome: 'no_free_seat' })
	).toBeGreaterThan(value(before, 'airlock_activations_total', { path: 'instant', outcome: 'no_free_seat' }));
	expect(value(after, 'airlock_http_requests_total', { ...route, status: '409' })).toBeGreaterThan(
		value(before, 'airlock_http_requests_total', { ...route, status: '409' })
	);
	expect(value(after, 'airlock_http_request_duration_seconds_count', route)).toBeGreaterThanOrEqual(
		value(before, 'airlock_http_request_duration_seconds_count', route) + 2
	);
	// No license number or e-mail address ever becomes a label.
	const labels = after.flatMap((sample) => Object.values(sample.labels)).join('\n');
	expect(labels).not.toContain(license.number);
	expect(labels).not.toContain(account.email);
});
