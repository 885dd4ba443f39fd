import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter({ out: 'build', precompress: true }),
		// Cookie-authenticated API endpoints check the Origin themselves (src/hooks.server.ts),
		// for every content type, not only the form types SvelteKit's own check covers.
		csrf: { trustedOrigins: [] },
		typescript: {
			config: (config) => {
				config.include.push('../playwright.config.ts', '../scripts/**/*.ts');
			}
		}
	}
};

export default config;
