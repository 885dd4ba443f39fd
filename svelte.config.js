import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

const { version: packageVersion } = JSON.parse(
	readFileSync(new URL('./package.json', import.meta.url), 'utf8')
);
// The inline script of src/app.html (it paints the home page's snapshot before the app starts), allowed
// by its hash: hashed here from the file itself, so an edit there can never be blocked by a stale hash.
const appHtml = readFileSync(new URL('./src/app.html', import.meta.url), 'utf8');
const inlineScripts = [...appHtml.matchAll(/<script>([\s\S]*?)<\/script>/g)].map(
	([, source]) =>
		/** @type {`sha256-${string}`} */ (`sha256-${createHash('sha256').update(source).digest('base64')}`)
);

// The build loads this file more than once (client, server, prerendering): one build time for all.
process.env.AIRLOCK_BUILD_TIME ??= String(Date.now());

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
		// The pages' Content-Security-Policy. SvelteKit hashes each page's inline start-up script,
		// prerendered pages included (there it sends the policy in a <meta> tag); the server adds what a
		// <meta> policy cannot say (frame-ancestors) to every answer: src/lib/server/http/security-headers.js.
		csp: {
			mode: 'hash',
			directives: {
				'default-src': ['self'],
				// The QR scanner's decoder is WebAssembly, served from here (static/).
				'script-src': ['self', 'wasm-unsafe-eval', ...inlineScripts],
				// Svelte's transitions and a few computed sizes are inline styles.
				'style-src': ['self', 'unsafe-inline'],
				// QR codes are drawn as data: URLs; saved files are blob: URLs.
				'img-src': ['self', 'data:', 'blob:'],
				'connect-src': ['self'],
				'worker-src': ['self'],
				'manifest-src': ['self'],
				'media-src': ['self', 'blob:'],
				'object-src': ['none'],
				// Sent only with rendered pages' header (a <meta> policy cannot hold it); the server
				// entry sends it with every other answer.
				'frame-ancestors': ['none'],
				'base-uri': ['self'],
				'form-action': ['self']
			}
		},
		// Registered by the layout (src/lib/client/sw-registration.ts), which offers updates with a prompt.
		serviceWorker: { register: false },
		// Unique per build (the service worker's cache and the update prompt go by it) and readable:
		// the package's version and the build time, shown as "0.1.0 · built 2026-12-01".
		version: { name: `${packageVersion}+${process.env.AIRLOCK_BUILD_TIME}` },
		typescript: {
			config: (config) => {
				config.include.push('../playwright.config.ts', '../scripts/**/*.ts');
			}
		}
	}
};

export default config;
