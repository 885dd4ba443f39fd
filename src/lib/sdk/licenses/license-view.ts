// How a stored license is shown: its time status against the trusted clock (days left, a warning
// ahead of expiry, expired, or not trustworthy because the clock was set back), and which license is
// "current" (shown in bold, as in the reference's Active Licenses list). Expired licenses stay listed.
import type { ClockProblem } from '$lib/protocol/trusted-clock.js';
import { ISSUED_AT_TOLERANCE_MS } from '$lib/protocol/fields.js';
import { judge } from '../check/evaluate.js';
import type { LicenseFacts } from '../check/verify-stored.js';
import type { LicenseRow } from '../rows.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** A time-limited license is announced this many days before it ends. */
export const EXPIRY_WARNING_DAYS = 7;

/** What the trusted clock says (see time/trusted-clock.ts). */
export interface LicenseClock {
	effectiveNow: number;
	problem: ClockProblem | null;
}

export type TimeStatus =
	| { kind: 'unlimited' }
	| { kind: 'running'; expiresAt: number; daysLeft: number; hoursLeft: number; warning: boolean }
	| { kind: 'expired'; expiresAt: number }
	/** Time-limited, and the clock cannot be trusted: treated as expired until it can. */
	| { kind: 'clock-set-back'; expiresAt: number; problem: ClockProblem }
	/**
	 * Issued later than this computer's trusted time (its clock runs behind the one that made it, e.g.
	 * an emergency started with the clock ahead, then corrected): not usable until then, as a check says.
	 */
	| { kind: 'not-yet-valid'; startsAt: number; expiresAt: number | null };

export function timeStatus(license: LicenseRow, clock: LicenseClock): TimeStatus {
	const { expiresAt } = license;
	if (expiresAt !== null && clock.problem)
		return { kind: 'clock-set-back', expiresAt, problem: clock.problem };
	if (license.issuedAt > clock.effectiveNow + ISSUED_AT_TOLERANCE_MS)
		return { kind: 'not-yet-valid', startsAt: license.issuedAt, expiresAt };
	if (expiresAt === null) return { kind: 'unlimited' };
	const left = expiresAt - clock.effectiveNow;
	if (left <= 0) return { kind: 'expired', expiresAt };
	return {
		kind: 'running',
		expiresAt,
		daysLeft: Math.ceil(left / DAY_MS),
		hoursLeft: Math.ceil(left / HOUR_MS),
		warning: left <= EXPIRY_WARNING_DAYS * DAY_MS
	};
}

/**
 * When timeStatus(license, …) next changes as the effective time runs on (its kind, its days or
 * hours left, or its warning), as an effective time; null if it never does (unlimited, expired, or
 * judged with a clock problem, which time alone does not end). Lets a view drawn now say until when
 * it stays true (the home page's snapshot: client/first-view-snapshot.ts).
 */
export function nextTimeStatusChange(license: LicenseRow, clock: LicenseClock): number | null {
	const status = timeStatus(license, clock);
	if (status.kind === 'not-yet-valid') return license.issuedAt - ISSUED_AT_TOLERANCE_MS;
	if (status.kind !== 'running') return null;
	// Days left are counted up (ceil): the count drops when a whole day less is left; in the last
	// day the hours are shown, and they drop the same way, down to the expiry itself.
	return status.daysLeft > 1
		? status.expiresAt - (status.daysLeft - 1) * DAY_MS
		: status.expiresAt - (status.hoursLeft - 1) * HOUR_MS;
}

/**
 * What a stored license's columns say, for showing it. Only a check (check/) reads the signed text;
 * both judge by the same rule.
 */
export function factsOfRow(license: LicenseRow): LicenseFacts {
	const {
		licenseNumber,
		product,
		productName,
		quantity,
		kind,
		parent,
		expansions,
		email,
		issuedAt,
		expiresAt
	} = license;
	return {
		licenseNumber,
		product,
		productName,
		quantity,
		kind,
		parent,
		expansions,
		email,
		issuedAt,
		expiresAt
	};
}

/**
 * Whether the license may be used now on this device (`deviceId`; null before the identity is read),
 * by the rule a license check uses (check/evaluate.ts).
 */
export function isUsable(license: LicenseRow, clock: LicenseClock, deviceId: string | null): boolean {
	return judge({ row: license, verified: { ok: true, facts: factsOfRow(license) } }, clock, deviceId).usable;
}

/** Whether the license was made for another device than this one (a storage made again, a copied row). */
export function madeForAnotherDevice(license: LicenseRow, deviceId: string | null): boolean {
	return deviceId !== null && license.deviceId !== deviceId;
}

/** The current license: the most recently stored application license usable on this device. */
export function currentLicense(
	licenses: LicenseRow[],
	clock: LicenseClock,
	deviceId: string | null
): LicenseRow | null {
	const usable = licenses.filter((l) => l.parent === null && isUsable(l, clock, deviceId));
	return (
		usable.sort((a, b) => b.storedAt - a.storedAt || a.licenseNumber.localeCompare(b.licenseNumber))[0] ??
		null
	);
}

/** Licenses that need the user's attention soon: running and within the warning period. */
export function expiringSoon(
	licenses: LicenseRow[],
	clock: LicenseClock,
	deviceId: string | null
): LicenseRow[] {
	return licenses.filter((l) => {
		if (madeForAnotherDevice(l, deviceId)) return false;
		const status = timeStatus(l, clock);
		return l.status === 'active' && status.kind === 'running' && status.warning;
	});
}

/** Application licenses first (by product and number), each followed by its expansions. */
export function orderForDisplay(licenses: LicenseRow[]): LicenseRow[] {
	const byNumber = (a: LicenseRow, b: LicenseRow) =>
		a.product.localeCompare(b.product) || a.licenseNumber.localeCompare(b.licenseNumber);
	const parents = licenses
		.filter((l) => l.parent === null || !licenses.some((p) => p.licenseNumber === l.parent))
		.sort(byNumber);
	return parents.flatMap((parent) => [
		parent,
		...licenses.filter((l) => l.parent === parent.licenseNumber).sort(byNumber)
	]);
}
