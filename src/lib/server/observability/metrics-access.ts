// Who may read GET /metrics: nobody unless METRICS_TOKEN is set, then whoever sends it as a bearer
// token. Metrics tell traffic and error rates, which are the vendor's business only.
import { createHash, timingSafeEqual } from 'node:crypto';

export type MetricsAccess = 'off' | 'allowed' | 'refused';

const digest = (text: string) => createHash('sha256').update(text).digest();

export function metricsAccess(token: string | null, authorization: string | null): MetricsAccess {
	if (token === null) return 'off';
	const given = /^Bearer (\S+)$/i.exec(authorization ?? '')?.[1];
	// Compared as digests of equal length, in constant time: the answer's timing tells nothing.
	return given !== undefined && timingSafeEqual(digest(given), digest(token)) ? 'allowed' : 'refused';
}
