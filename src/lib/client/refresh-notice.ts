// What a Refresh came to, as the sentence the home page shows.
import type { Notice } from '$lib/components/ui/notice';
import type { RefreshOutcome } from '$lib/sdk/workflows/activation';
import { t } from '$lib/i18n/shell';

/** `holdsLicenses`: whether the device holds any (then "nothing to refresh" means none has an account). */
export function refreshNotice(outcome: RefreshOutcome, holdsLicenses: boolean): Notice {
	switch (outcome.kind) {
		case 'refreshed':
			return { text: t.home.refreshDone(outcome.changes), alert: false };
		case 'queued':
			return { text: t.home.refreshQueued, alert: false };
		case 'nothing-to-refresh':
			return { text: holdsLicenses ? t.home.refreshNothingEmergency : t.home.refreshNothing, alert: true };
		case 'refused':
			return { text: outcome.error.message, alert: true };
	}
}
