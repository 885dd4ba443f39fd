import { describe, expect, it } from 'vitest';
import { refreshNotice } from './refresh-notice';
import { t } from '$lib/i18n/shell';

describe('what a Refresh came to', () => {
	it('says why there is nothing to refresh: no license, or licenses with no account (a bare emergency)', () => {
		expect(refreshNotice({ kind: 'nothing-to-refresh' }, false)).toEqual({
			text: t.home.refreshNothing,
			alert: true
		});
		const emergency = refreshNotice({ kind: 'nothing-to-refresh' }, true);
		expect(emergency.alert).toBe(true);
		expect(emergency.text).toContain('Emergency Activation');
		expect(emergency.text).toContain('Instant Activation');
	});

	it('passes a refusal’s own sentence on', () => {
		expect(refreshNotice({ kind: 'refused', error: { code: 'rejected', message: 'No.' } }, true)).toEqual({
			text: 'No.',
			alert: true
		});
	});
});
