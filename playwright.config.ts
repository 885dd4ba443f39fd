import { defineConfig, devices } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { E2E_METRICS_TOKEN } from './tests/e2e/support/metrics-token';

const port = Number(process.env.E2E_PORT ?? 4173);
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

export const e2eBaseURL = `http://localhost:${port}`;
// One data folder per run, shared with the workers (they inherit the environment): tests seed
// accounts and licenses into it with the admin CLI while the server runs on it.
process.env.E2E_DATA_DIR ??= mkdtempSync(join(tmpdir(), 'airlock-e2e-'));
process.env.E2E_BASE_URL = e2eBaseURL;

export default defineConfig({
	testDir: 'tests/e2e',
	testMatch: '**/*.e2e.ts',
	globalSetup: './tests/e2e/support/packaged-sdk.ts',
	fullyParallel: false,
	workers: 2,
	retries: 0,
	forbidOnly: !!process.env.CI,
	reporter: process.env.CI ? [['list']] : [['list']],
	// Many tests first make accounts and licenses with the admin CLI (a Node process each, a few
	// seconds apiece on a loaded 2-core machine), then drive one or two browsers.
	timeout: 120_000,
	// An Instant Activation signs in (argon2), signs a request and stores the verified files: on that
	// loaded machine it has taken more than the default 5 s. A wait, not a speed check (see the bench).
	expect: { timeout: 15_000 },
	use: {
		baseURL: e2eBaseURL,
		trace: 'retain-on-failure',
		...devices['Desktop Chrome'],
		launchOptions: {
			executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
			args: [
				...(isRoot ? ['--no-sandbox'] : []),
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
				'--no-first-run',
				'--disable-gpu',
				'--disable-quic'
			]
		}
	},
	webServer: {
		command: 'node scripts/start.js',
		url: `${e2eBaseURL}/`,
		reuseExistingServer: false,
		timeout: 240_000,
		stdout: 'pipe',
		env: {
			PORT: String(port),
			DATA_DIR: process.env.E2E_DATA_DIR,
			ORIGIN: e2eBaseURL,
			METRICS_TOKEN: E2E_METRICS_TOKEN,
			// One JSON line per request would bury the test report; warnings and errors still show.
			LOG_LEVEL: 'warn'
		}
	}
});
