import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter({ out: 'build', precompress: true }),
		// SvelteKit's own origin check covers form content types only and answers in text. The API
		// checks the origin of EVERY state-changing request itself (src/hooks.server.ts, all content
		// types, JSON errors), and the app has no form actions, so SvelteKit's check is switched off
		// ('*' is its documented way to do that) rather than run twice.
		csrf: { trustedOrigins: ['*'] },
		// Registered by the layout (src/lib/client/sw-registration.ts), which offers updates with a prompt.
		serviceWorker: { register: false },
		typescript: {
			config: (config) => {
				config.include.push('../playwright.config.ts', '../scripts/**/*.ts');
			}
		}
	}
};

export default config;
