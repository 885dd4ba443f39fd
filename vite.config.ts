import { sveltekit } from '@sveltejs/kit/vite';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [sveltekit()],
	build: {
		// The framework's modules in one chunk instead of a handful of small ones: each start-up
		// chunk is one more request through the service worker and one more module to instantiate.
		rolldownOptions: {
			output: {
				codeSplitting: {
					groups: [
						{
							name: 'framework',
							test: /node_modules[\\/](svelte|@sveltejs[\\/]kit|esm-env|devalue|clsx)[\\/]/
						}
					]
				}
			}
		}
	},
	test: {
		// Two cores on every machine: never more than two workers.
		maxWorkers: 2,
		projects: [
			{
				extends: true,
				test: {
					name: 'unit',
					environment: 'node',
					include: ['src/**/*.test.ts', 'scripts/**/*.test.js'],
					exclude: ['src/lib/server/**', 'src/**/*.svelte.test.ts']
				}
			},
			{
				extends: true,
				test: {
					// The components, rendered in a real browser (Chromium, as the e2e tests use it).
					name: 'component',
					include: ['src/**/*.svelte.test.ts'],
					expect: { requireAssertions: true },
					browser: {
						enabled: true,
						headless: true,
						provider: playwright({
							launchOptions: {
								executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
								args: ['--no-sandbox', '--disable-gpu']
							}
						}),
						instances: [{ browser: 'chromium' }]
					}
				}
			},
			{
				extends: true,
				test: {
					name: 'server',
					environment: 'node',
					include: ['src/lib/server/**/*.test.ts'],
					testTimeout: 30_000,
					hookTimeout: 60_000
				}
			}
		]
	}
});
