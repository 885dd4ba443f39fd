// See https://svelte.dev/docs/kit/types#app.d.ts
declare global {
	namespace App {
		interface Error {
			code?: string;
		}
		interface Locals {
			/** The signed-in account (API requests with a live session cookie), else null. */
			account: { id: string; email: string } | null;
		}
	}
}

export {};
