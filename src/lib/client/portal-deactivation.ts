// The portal's side of offline deactivation: it reads the statement an offline computer made (file,
// QR code, or the link its QR code opens) and sends it, so the seat it gives up is freed — on its
// own, or just before the new computer's request is activated (moving a license in one visit).
import type { ApiError } from '$lib/protocol/api';
import {
	DEACTIVATION_FRAGMENT_PREFIX,
	parseDeactivationText,
	type DeactivationStatement
} from '$lib/protocol/deactivation';
import type { DeactivationReceiptBody } from '$lib/protocol/deactivation-api';
import type { ServerApi } from '$lib/sdk/api/server-api';

export interface PortalStatement {
	/** What is sent to the server: deactivation.txt's text or the portal URL of its QR code. */
	text: string;
	statement: DeactivationStatement;
}

export type StatementRead = { ok: true; value: PortalStatement } | { ok: false; error: ApiError };

/** Whether a URL or a scanned text carries a deactivation statement. */
export function carriesStatement(text: string): boolean {
	return text.includes(DEACTIVATION_FRAGMENT_PREFIX);
}

/** Reads (and verifies the device's signature of) a statement in either text form. */
export async function readStatement(text: string): Promise<StatementRead> {
	const result = await parseDeactivationText(text);
	return result.ok ? { ok: true, value: { text, statement: result.statement } } : result;
}

export type SeatFreed =
	| { kind: 'done'; receipt: DeactivationReceiptBody }
	| { kind: 'refused'; error: ApiError }
	| { kind: 'offline' };

export async function freeSeat(api: ServerApi, text: string): Promise<SeatFreed> {
	const answer = await api.deactivate(text);
	if (answer.kind === 'unreachable') return { kind: 'offline' };
	if (answer.kind === 'refused') return { kind: 'refused', error: answer.error };
	return { kind: 'done', receipt: answer.value };
}
