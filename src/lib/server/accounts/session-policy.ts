// How long a session lives. Sliding: every use pushes its end to `idleMs` from now, so a session in
// use stays alive and an idle one ends; never past `maxAgeMs` after sign-in, however often it is
// used, so a stolen cookie cannot be kept alive for ever.
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export interface SessionPolicy {
	/** A session unused this long expires. */
	idleMs: number;
	/** No session lives longer than this, however often it is used. */
	maxAgeMs: number;
	/** Sessions are extended at most this often, to save a database write per request. */
	touchEveryMs: number;
}

/**
 * A policy for these lengths. A session is extended at most every 5 minutes (and at most every tenth
 * of the idle time, for short ones): an idle session then ends between `idleMs - touchEveryMs` and
 * `idleMs` after its last use, and a busy one costs one write per 5 minutes instead of one per request.
 */
export function sessionPolicyOf(idleMs: number, maxAgeMs: number): SessionPolicy {
	return { idleMs, maxAgeMs, touchEveryMs: Math.min(5 * MINUTE, Math.floor(idleMs / 10)) };
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = sessionPolicyOf(30 * DAY, 180 * DAY);
