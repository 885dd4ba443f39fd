// Whether a license may be used now, and which one answers a check: pure functions over the stored
// licenses (each verified from its signed text) and the trusted clock, so every rule is tested with
// any set of licenses and any time.
import { ISSUED_AT_TOLERANCE_MS } from '$lib/protocol/fields.js';
import type { ClockProblem } from '$lib/protocol/trusted-clock.js';
import type { LicenseRow } from '../rows.js';
import { CHECK_REASONS, type CheckReason } from './reasons.js';
import type { LicenseFacts, Verified } from './verify-stored.js';

const DAY_MS = 86_400_000;

export interface TrustedTime {
	/** The trusted clock's time (never before its high-water mark). */
	effectiveNow: number;
	/** Why time-limited licenses cannot be trusted now, or null. */
	problem: ClockProblem | null;
}

/** A stored license with the verdict on its signed text. */
export interface Candidate {
	row: Pick<LicenseRow, 'licenseNumber' | 'product' | 'parent' | 'status' | 'storedAt'> &
		Partial<Pick<LicenseRow, 'deviceId' | 'deactivation'>>;
	verified: Verified;
}

/** A license as a check reports it: what its signed file says. */
export interface LicenseSummary {
	licenseNumber: string;
	product: string;
	productName: string;
	kind: LicenseFacts['kind'];
	quantity: number;
	email: string;
	expiresAt: number | null;
}

export type Judgement =
	| { usable: true; facts: LicenseFacts; expiresAt: number | null; daysLeft: number | null }
	| { usable: false; reason: CheckReason };

export type CheckResult =
	| {
			ok: true;
			license: LicenseSummary;
			/** The expansion asked for, when one was. */
			expansion?: LicenseSummary;
			/** When the first of them ends (null: never). */
			expiresAt: number | null;
			daysLeft: number | null;
	  }
	| {
			ok: false;
			reason: CheckReason;
			message: string;
			licenseNumber?: string;
			/** For `other_device`: the device id the license was made for, when the row names it. */
			madeFor?: string;
	  };

function summaryOf(facts: LicenseFacts): LicenseSummary {
	const { licenseNumber, product, productName, kind, quantity, email, expiresAt } = facts;
	return { licenseNumber, product, productName, kind, quantity, email, expiresAt };
}

export function daysLeft(expiresAt: number | null, now: number): number | null {
	return expiresAt === null ? null : Math.max(0, Math.ceil((expiresAt - now) / DAY_MS));
}

/**
 * Whether one stored license may be used at this trusted time on this device, and if not, why.
 * `deviceId` is this device's id (null when not known yet): a row made for another id is never
 * usable, even where its signature was not checked (the License Manager's list reads the columns) —
 * a storage deleted and made again under a new key keeps no license of the old one usable.
 */
export function judge(candidate: Candidate, time: TrustedTime, deviceId: string | null = null): Judgement {
	const { row, verified } = candidate;
	if (!verified.ok) return { usable: false, reason: verified.reason };
	const { facts } = verified;
	// A row holding another license's file is an edited storage, not a license.
	if (facts.licenseNumber !== row.licenseNumber) return { usable: false, reason: 'tampered' };
	if (deviceId !== null && row.deviceId !== undefined && row.deviceId !== deviceId)
		return { usable: false, reason: 'other_device' };
	if (row.status === 'deactivated')
		return {
			usable: false,
			reason:
				row.deactivation && row.deactivation.reportedAt === null ? 'deactivated_not_reported' : 'deactivated'
		};
	if (row.status === 'revoked') return { usable: false, reason: 'revoked' };
	if (facts.expiresAt !== null || row.status === 'expired') {
		if (time.problem) return { usable: false, reason: 'clock_set_back' };
		if (row.status === 'expired' || (facts.expiresAt !== null && facts.expiresAt <= time.effectiveNow))
			return { usable: false, reason: facts.kind === 'emergency' ? 'emergency_over' : 'expired' };
	}
	if (facts.issuedAt > time.effectiveNow + ISSUED_AT_TOLERANCE_MS)
		return { usable: false, reason: 'not_yet_valid' };
	return {
		usable: true,
		facts,
		expiresAt: facts.expiresAt,
		daysLeft: daysLeft(facts.expiresAt, time.effectiveNow)
	};
}

/** The product and parent a candidate stands for: its signed text's, or its row's if that did not verify. */
function identityOf(candidate: Candidate): { product: string; parent: string | null } {
	return candidate.verified.ok ? candidate.verified.facts : candidate.row;
}

type Usable = Extract<Judgement, { usable: true }>;

/** The best usable one (an unlimited license first, then the one that ends last), or why none is. */
interface Failure {
	reason: CheckReason;
	licenseNumber: string;
	madeFor?: string;
}

function best(
	candidates: Candidate[],
	time: TrustedTime,
	deviceId: string | null
): { usable: Usable[]; failure: Failure | null } {
	const judged = candidates.map((candidate) => ({ candidate, judgement: judge(candidate, time, deviceId) }));
	const usable = judged
		.flatMap(({ judgement }) => (judgement.usable ? [judgement] : []))
		.sort((a, b) => (b.expiresAt ?? Infinity) - (a.expiresAt ?? Infinity));
	// The most recently stored license speaks for the product when none can be used.
	const latest = judged
		.filter(({ judgement }) => !judgement.usable)
		.sort((a, b) => b.candidate.row.storedAt - a.candidate.row.storedAt)[0];
	const failure: Failure | null =
		latest && !latest.judgement.usable
			? {
					reason: latest.judgement.reason,
					licenseNumber: latest.candidate.row.licenseNumber,
					...(latest.judgement.reason === 'other_device' && latest.candidate.row.deviceId
						? { madeFor: latest.candidate.row.deviceId }
						: {})
				}
			: null;
	return { usable, failure };
}

/** The sentence for a license made for another device: which one, and what to do. */
export function otherDeviceMessage(madeFor: string): string {
	return `The license was made for another device (id ${madeFor}), not this one: activate it on this device.`;
}

function refusal(reason: CheckReason, failure?: Failure): CheckResult {
	if (failure === undefined) return { ok: false, reason, message: CHECK_REASONS[reason] };
	const { licenseNumber, madeFor } = failure;
	return madeFor === undefined
		? { ok: false, reason, message: CHECK_REASONS[reason], licenseNumber }
		: { ok: false, reason, message: otherDeviceMessage(madeFor), licenseNumber, madeFor };
}

const PRODUCT_CODE = /^[2-9A-HJ-NP-TV-Z]{3}$/;

/** Normalises a product or expansion code (`srv` → `SRV`); null when it cannot be one. */
export function productCode(input: unknown): string | null {
	if (typeof input !== 'string') return null;
	const code = input.trim().toUpperCase();
	return PRODUCT_CODE.test(code) ? code : null;
}

/** "May this product (with this expansion) run on this computer now?" (`deviceId`: see judge). */
export function checkLicenses(
	candidates: Candidate[],
	query: { product: unknown; expansion?: unknown },
	time: TrustedTime,
	deviceId: string | null = null
): CheckResult {
	const product = productCode(query.product);
	const expansion = query.expansion === undefined ? undefined : productCode(query.expansion);
	if (product === null || expansion === null) return refusal('invalid_query');
	const applications = best(
		candidates.filter((c) => {
			const identity = identityOf(c);
			return identity.product === product && identity.parent === null;
		}),
		time,
		deviceId
	);
	if (applications.usable.length === 0)
		return applications.failure
			? refusal(applications.failure.reason, applications.failure)
			: refusal('not_activated');
	if (expansion === undefined) {
		const [chosen] = applications.usable;
		return {
			ok: true,
			license: summaryOf(chosen!.facts),
			expiresAt: chosen!.expiresAt,
			daysLeft: chosen!.daysLeft
		};
	}
	let failure: Failure | null = null;
	for (const application of applications.usable) {
		const expansions = best(
			candidates.filter((c) => {
				const identity = identityOf(c);
				return identity.product === expansion && identity.parent === application.facts.licenseNumber;
			}),
			time,
			deviceId
		);
		const [chosen] = expansions.usable;
		if (chosen) {
			const ends = [application.expiresAt, chosen.expiresAt].filter((at): at is number => at !== null);
			const expiresAt = ends.length > 0 ? Math.min(...ends) : null;
			return {
				ok: true,
				license: summaryOf(application.facts),
				expansion: summaryOf(chosen.facts),
				expiresAt,
				daysLeft: daysLeft(expiresAt, time.effectiveNow)
			};
		}
		failure ??= expansions.failure;
	}
	return failure ? refusal(failure.reason, failure) : refusal('expansion_missing');
}

export interface Entitlement {
	license: LicenseSummary;
	usable: boolean;
	reason: CheckReason | null;
	daysLeft: number | null;
	expansions: {
		license: LicenseSummary;
		usable: boolean;
		reason: CheckReason | null;
		daysLeft: number | null;
	}[];
}

/** Every application license on this computer that verifies, with its expansions and whether each may run. */
export function entitlementsOf(
	candidates: Candidate[],
	time: TrustedTime,
	deviceId: string | null = null
): Entitlement[] {
	const judged = candidates.flatMap((candidate) =>
		candidate.verified.ok
			? [{ facts: candidate.verified.facts, judgement: judge(candidate, time, deviceId) }]
			: []
	);
	const entry = ({ facts, judgement }: (typeof judged)[number]) => ({
		license: summaryOf(facts),
		usable: judgement.usable,
		reason: judgement.usable ? null : judgement.reason,
		daysLeft: judgement.usable ? judgement.daysLeft : null
	});
	return judged
		.filter(({ facts }) => facts.parent === null)
		.sort((a, b) => a.facts.licenseNumber.localeCompare(b.facts.licenseNumber))
		.map((application) => ({
			...entry(application),
			expansions: judged
				.filter(({ facts }) => facts.parent === application.facts.licenseNumber)
				.sort((a, b) => a.facts.licenseNumber.localeCompare(b.facts.licenseNumber))
				.map(entry)
		}));
}
