import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter({ out: 'build', precompress: true }),
		// The API checks the origin of every state-changing request itself (src/hooks.server.ts), for
		// every content type and with JSON errors; SvelteKit's own check covers form types only.
		// The app has no form actions, so nothing else relies on it.
		csrf: { checkOrigin: false },
		typescript: {
			config: (config) => {
				config.include.push('../playwright.config.ts', '../scripts/**/*.ts');
			}
		}
	}
};

export default config;
