// Periodic clean-up of what the server only needs for a while: expired sessions, finished
// rate-limit windows, replay records of requests too old to be accepted again, reports of lost
// store edits no longer handed out, emergency uses of license numbers the server does not hold
// once they are over, and audit events past their retention (AUDIT_RETENTION_DAYS).
import { REQUEST_MAX_AGE_MS } from './activation/activation.service';
import type { Db } from './db/schema';
import { logger } from './observability/logger';
import { pruneRequestRecords } from './activation/requests.repository';
import { pruneAuthState } from './accounts/auth.service';
import { pruneConflicts } from './store/store.repository';
import { CONFLICT_RETENTION_MS } from './store/store.service';
import { pruneEmergencyUses } from './emergency/emergency-report.service';
import { pruneAuditLog } from './audit/audit.service';
import { DEFAULT_AUDIT_RETENTION_DAYS } from './config';

const HOUR_MS = 3_600_000;

const DEFAULT_AUDIT_RETENTION_MS = DEFAULT_AUDIT_RETENTION_DAYS * 24 * HOUR_MS;

export async function housekeeping(
	db: Db,
	now: number,
	options: { auditRetentionMs?: number } = {}
): Promise<void> {
	await pruneAuthState(db, now);
	// A day of margin past the age limit, so clock differences never free a nonce still accepted.
	await pruneRequestRecords(db, now - REQUEST_MAX_AGE_MS - 24 * HOUR_MS);
	await pruneConflicts(db, now - CONFLICT_RETENTION_MS);
	await pruneEmergencyUses(db, now);
	await pruneAuditLog(db, now, options.auditRetentionMs ?? DEFAULT_AUDIT_RETENTION_MS);
}

/** Runs housekeeping every hour for as long as the process lives (never keeping it alive). */
export function scheduleHousekeeping(db: Db, options: { auditRetentionMs: number }): void {
	const run = () => {
		housekeeping(db, Date.now(), options).catch((error: unknown) =>
			logger.error({ err: error }, 'housekeeping failed (it runs again in an hour)')
		);
	};
	setInterval(run, HOUR_MS).unref();
	run();
}
