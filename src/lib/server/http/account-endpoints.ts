// The account endpoints' answers, from a Request to a Response, apart from their SvelteKit routes so
// that the server suites check the exact status, body and headers on both databases:
// `POST /api/v1/accounts` (sign-up) and `POST /api/v1/account/password` (change password).
import { json } from '@sveltejs/kit';
import {
	passwordChangeRequestSchema,
	signUpRequestSchema,
	type PasswordChangeResponse
} from '$lib/protocol/account-api';
import type { ServerConfig } from '../config';
import type { Db } from '../db/schema';
import { signUp, type SignUpOptions } from '../accounts/account.service';
import { changePassword, type AuthOptions, type SessionAccount } from '../accounts/auth.service';
import { DomainError, refusalOf } from '../errors';
import { errorResponse, fail } from './api-error';
import { readJson } from './body';
import { answerFailures } from './handler';

const ACCOUNT_BODY_LIMIT = 4096;

export interface AccountEndpointContext {
	db: Db;
	config: Pick<ServerConfig, 'signupOpen'>;
}

export interface Caller {
	clientAddress: string;
	now: number;
}

/**
 * Sign-up. Closed (the default): `403 signup_closed`, whatever the body. Open: every well-formed
 * request gets the same `202`, whether the e-mail was free or taken.
 */
export function signUpAnswer(
	context: AccountEndpointContext,
	request: Request,
	caller: Caller,
	options: SignUpOptions = {}
): Promise<Response> {
	return answerFailures(async () => {
		if (!context.config.signupOpen) {
			return fail(
				'signup_closed',
				'This server does not create accounts itself: your vendor does. Ask your vendor for an account.'
			);
		}
		const body = await readJson(request, signUpRequestSchema, ACCOUNT_BODY_LIMIT);
		const result = await signUp(context.db, body, caller.clientAddress, caller.now, options);
		if (result.ok) return json(result.answer, { status: 202 });
		return errorResponse(refusalOf(result));
	});
}

/** Change password, for the session `sessionToken` of `account` (null: not signed in). */
export function passwordChangeAnswer(
	context: Pick<AccountEndpointContext, 'db'>,
	request: Request,
	session: { account: SessionAccount | null; token: string | undefined },
	caller: Caller,
	options: AuthOptions = {}
): Promise<Response> {
	return answerFailures(async () => {
		const { account, token } = session;
		if (!account || !token) throw new DomainError({ code: 'not_signed_in', message: 'Sign in to continue.' });
		const body = await readJson(request, passwordChangeRequestSchema, ACCOUNT_BODY_LIMIT);
		const result = await changePassword(
			context.db,
			{
				account,
				sessionToken: token,
				currentPassword: body.currentPassword,
				newPassword: body.newPassword,
				clientAddress: caller.clientAddress
			},
			caller.now,
			options
		);
		if (result.ok) {
			return json({
				status: 'changed',
				otherSessionsEnded: result.otherSessionsEnded
			} satisfies PasswordChangeResponse);
		}
		return errorResponse(refusalOf(result));
	});
}
