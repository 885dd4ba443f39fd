// Whose operation this is: the account a queued operation is applied for. An operation names the
// account that queued it and is never applied under another account's session; one that carries a
// sealed authorization (protocol/sealed-authorization.ts) is applied with no session at all, once its
// credentials pass the same checks as a sign-in (rate limits included).
import type { SyncOperation } from '$lib/protocol/api';
import type { ApiErrorCode } from '../errors';
import {
	openAuthorization,
	operationPayloadHash,
	type SealKeyPair
} from '$lib/protocol/sealed-authorization';
import type { Db } from '../db/schema';
import { verifyCredentials } from '../accounts/auth.service';
import type { OperationOutcome, SyncAccount } from './operation';

export interface AuthorizationContext {
	db: Db;
	now: number;
	clientAddress: string;
	sealKey: SealKeyPair;
}

export type AccountDecision =
	{ kind: 'account'; account: SyncAccount } | { kind: 'outcome'; outcome: OperationOutcome };

const sameEmail = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

function waitFor(code: ApiErrorCode, message: string): AccountDecision {
	return { kind: 'outcome', outcome: { status: 'needs-sign-in', error: { code, message } } };
}

function refuse(code: ApiErrorCode, message: string): AccountDecision {
	return { kind: 'outcome', outcome: { status: 'rejected', error: { code, message } } };
}

export async function accountForOperation(
	operation: SyncOperation,
	session: SyncAccount,
	ctx: AuthorizationContext
): Promise<AccountDecision> {
	const owner = operation.account;
	if (session && (owner === undefined || sameEmail(owner, session.email)))
		return { kind: 'account', account: session };
	if (operation.authorization === undefined) {
		if (owner === undefined) return { kind: 'account', account: session };
		return waitFor(
			'other_account',
			`This change belongs to ${owner}: it is sent when ${owner} signs in on this device.`
		);
	}
	const opened = openAuthorization(operation.authorization, ctx.sealKey);
	if (!opened.ok) return waitFor(opened.code, opened.message);
	const sealed = opened.content;
	if (
		sealed.operationId !== operation.id ||
		sealed.type !== operation.type ||
		sealed.payloadHash !== operationPayloadHash(operation.payload) ||
		(owner !== undefined && !sameEmail(owner, sealed.email))
	)
		return refuse(
			'authorization_mismatch',
			'The saved authorization belongs to another operation, so this one cannot use it. Sign in and try again.'
		);
	if (sealed.expiresAt < ctx.now)
		return waitFor(
			'authorization_expired',
			'The saved authorization of this operation has expired (it lasts 7 days). Sign in to finish it.'
		);
	const signIn = await verifyCredentials(ctx.db, sealed.email, sealed.password, ctx.clientAddress, ctx.now);
	if (!signIn.ok) {
		if (signIn.code === 'invalid_credentials')
			return refuse(
				'invalid_credentials',
				'The e-mail address or the password given with this activation is not right (or the password was changed since). Activate again with the current ones.'
			);
		return waitFor(signIn.code, signIn.message);
	}
	return { kind: 'account', account: signIn.account };
}
