import { getConfig } from '$lib/server/config';
import { metrics } from '$lib/server/observability/metrics';
import { metricsAccess } from '$lib/server/observability/metrics-access';
import type { RequestHandler } from './$types';

export const prerender = false;

/** Prometheus' text format, for a scraper holding METRICS_TOKEN (off when it is not set). */
export const GET: RequestHandler = async ({ request }) => {
	const access = metricsAccess(getConfig().metricsToken, request.headers.get('authorization'));
	if (access === 'off')
		return new Response('Metrics are off: set METRICS_TOKEN to serve them.\n', {
			status: 404,
			headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }
		});
	if (access === 'refused')
		return new Response('Send the metrics token: Authorization: Bearer <METRICS_TOKEN>.\n', {
			status: 401,
			headers: {
				'content-type': 'text/plain; charset=utf-8',
				'www-authenticate': 'Bearer realm="metrics"',
				'cache-control': 'no-store'
			}
		});
	return new Response(await metrics.registry.metrics(), {
		headers: { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' }
	});
};
