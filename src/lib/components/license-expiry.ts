// One way to say when a license ends, on every page that shows one: the date, then what is left
// (or why it cannot be used).
import type { TimeStatus } from '$lib/sdk/licenses/license-view';
import { t } from '$lib/i18n/shell';

export function formatDate(ms: number): string {
	return new Date(ms).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

export function describeExpiry(status: TimeStatus): string {
	if (status.kind === 'unlimited') return t.home.never;
	if (status.kind === 'not-yet-valid') return t.home.notYetValid(formatDate(status.startsAt));
	const date = formatDate(status.expiresAt);
	if (status.kind === 'expired') return `${t.home.expired} (${date})`;
	if (status.kind === 'clock-set-back') return `${t.clock.notTrusted} (${date})`;
	const left = status.daysLeft > 1 ? t.home.daysLeft(status.daysLeft) : t.clock.hoursLeft(status.hoursLeft);
	return `${date} — ${left}`;
}
