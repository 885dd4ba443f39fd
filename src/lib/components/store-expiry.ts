// When a license of the License list ends. A temporary license has no end of its own: each of its
// files runs a number of days from its activation or last Refresh, which is what the list says
// (the device's own copy, on the home page, shows its file's date and the days left).
import type { StoreLicense } from '$lib/protocol/store';
import { t } from '$lib/i18n';
import { formatDate } from './license-expiry';

export function describeStoreExpiry(license: Pick<StoreLicense, 'expiresAt' | 'renewalDays'>): string {
	const end = license.expiresAt === null ? null : formatDate(license.expiresAt);
	if (license.renewalDays === null) return end ?? t.store.never;
	const renewal = t.store.renewedFor(license.renewalDays);
	return end === null ? renewal : `${end} · ${renewal}`;
}
