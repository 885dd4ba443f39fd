/** The METRICS_TOKEN the end-to-end server runs with (playwright.config.ts): a test value, not a secret. */
export const E2E_METRICS_TOKEN = 'e2e-metrics-token-0123456789';
