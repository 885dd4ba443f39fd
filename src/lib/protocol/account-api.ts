// Bodies of the account endpoints (docs/API.md): creating an account (`POST /api/v1/accounts`, when
// the server's sign-up is open) and changing the signed-in account's password
// (`POST /api/v1/account/password`). Shared by the server, which parses requests with them, and the
// License Manager's account page, which parses the answers.
import { z } from './zod.js';

/** The shortest password the server accepts for a new password (sign-up, change, the admin CLI). */
export const MIN_PASSWORD_LENGTH = 10;
/** The longest: argon2 would take any length, but a megabyte "password" is only a way to burn CPU. */
export const MAX_PASSWORD_LENGTH = 256;

// Lengths are checked by the server, which answers `password_too_short` / `password_too_long` with
// the field; the schemas only bound what is worth reading.
export const signUpRequestSchema = z.object({
	email: z.string().max(320),
	password: z.string().max(1024)
});
export type SignUpRequest = z.infer<typeof signUpRequestSchema>;

/**
 * The one answer to every well-formed sign-up, whether the e-mail was free (the account is created)
 * or already registered (nothing changes): the answer never tells which.
 */
export const signUpResponseSchema = z.object({
	status: z.literal('created-or-exists'),
	message: z.string()
});
export type SignUpResponse = z.infer<typeof signUpResponseSchema>;

export const passwordChangeRequestSchema = z.object({
	currentPassword: z.string().min(1).max(1024),
	newPassword: z.string().max(1024)
});
export type PasswordChangeRequest = z.infer<typeof passwordChangeRequestSchema>;

export const passwordChangeResponseSchema = z.object({
	status: z.literal('changed'),
	/** How many other sessions of the account were ended (the one that asked stays signed in). */
	otherSessionsEnded: z.number().int().min(0)
});
export type PasswordChangeResponse = z.infer<typeof passwordChangeResponseSchema>;
