// See https://svelte.dev/docs/kit/types#app.d.ts
import type { ServerContext } from '$lib/server/context';

declare global {
	namespace App {
		interface Error {
			code?: string;
		}
		interface Locals {
			/** The signed-in account (API requests with a live session cookie), else null. */
			account: { id: string; email: string } | null;
			/** This request's id in logs and in the `x-request-id` answer header. */
			requestId: string;
			/** The server's configuration, database and signing key (set by the hooks for API requests). */
			server: ServerContext;
		}
	}
}

export {};
