// The strings of the app shell and the home page (layout, status bar, Active Licenses, the clock
// and storage warnings): the first view loads only these. Every other string is in en.ts.
import type { LicenseRow } from '$lib/sdk/rows';
import type { LicenseChanges } from '$lib/sdk/workflows/license-changes';

const named = (rows: LicenseRow[]) =>
	rows.map((row) => `${row.productName} (${row.licenseNumber})`).join(', ');
const counted = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

/** What a Refresh changed, in one sentence: "1 new expansion: …; nothing else changed." */
function describeRefresh(changes: LicenseChanges): string {
	const parts = [
		changes.newLicenses.length > 0 &&
			`${counted(changes.newLicenses.length, 'new license', 'new licenses')}: ${named(changes.newLicenses)}`,
		changes.newExpansions.length > 0 &&
			`${counted(changes.newExpansions.length, 'new expansion', 'new expansions')}: ${named(changes.newExpansions)}`,
		changes.renewed.length > 0 &&
			`${counted(changes.renewed.length, 'license renewed', 'licenses renewed')}: ${named(changes.renewed)}`,
		changes.withdrawn.length > 0 &&
			`${counted(changes.withdrawn.length, 'license', 'licenses')} no longer usable on this device: ${named(changes.withdrawn)}`
	].filter((part): part is string => typeof part === 'string');
	if (parts.length === 0) return 'Refresh done: nothing changed, every license is up to date.';
	return `Refresh done — ${parts.join('; ')}; nothing else changed.`;
}

export const enShell = {
	appName: 'Airlock License Manager',
	appShortName: 'Airlock',
	skipToContent: 'Skip to content',
	menu: 'Menu',
	common: { next: 'Next' },
	nav: {
		home: 'License Manager',
		instant: 'Instant Activation',
		deferred: 'Deferred Activation',
		emergency: 'Emergency Activation',
		refresh: 'Refresh',
		licenseList: 'License list',
		projects: 'Projects',
		account: 'Account',
		troubleshooting: 'Troubleshooting'
	},
	status: {
		email: 'User ID (e-mail)',
		password: 'Password',
		online: 'Online',
		offline: 'Offline — working from this device',
		pending: (count: number) =>
			count === 1 ? '1 operation waiting for the server' : `${count} operations waiting for the server`,
		nothingPending: 'Nothing waiting for the server',
		needsYou: (count: number) =>
			count === 1 ? '1 operation needs you: sign in' : `${count} operations need you: sign in`,
		failed: (count: number) =>
			count === 1 ? '1 operation refused by the server' : `${count} operations refused by the server`,
		lastSync: (when: string) => `Last sync ${when}`,
		neverSynced: 'Not synced yet',
		queue: 'Queued operations',
		signInToFinish: 'Sign in to finish the queued operations',
		signIn: 'Sign in',
		signInUnreachable: 'The activation server cannot be reached. Try again when you are online.',
		retry: 'Retry',
		states: {
			queued: 'Queued',
			sending: 'Sending…',
			done: 'Done',
			failed: 'Failed',
			'needs-sign-in': 'Needs you: sign in'
		},
		types: {
			'instant-activation': 'Instant Activation',
			refresh: 'Refresh',
			'emergency-report': 'Emergency Activation report',
			'store-edit': 'License list change'
		},
		storagePersistent: 'Storage: kept by the browser',
		storageBestEffort: 'Storage: may be cleared by the browser when space runs low'
	},
	pwa: {
		offlineReady: 'Ready to work offline: this License Manager now opens without a network.',
		updateAvailable: 'A new version is available',
		reload: 'Reload',
		install: 'Install the License Manager',
		dismiss: 'Dismiss'
	},
	home: {
		title: 'License Manager',
		activeLicenses: 'Active Licenses',
		noLicenses: 'No license is active on this device yet.',
		ways: {
			title: 'Activate a license',
			introOnline: 'Choose how to activate. We recommend Instant Activation.',
			introOffline:
				'This device is offline: Deferred Activation (with a phone or another computer) or Emergency Activation work without a network here.',
			recommended: 'Recommended',
			offlineChoice: 'Works offline',
			instant: {
				name: 'Instant Activation',
				when: 'This computer is online: sign in and enter the license number.'
			},
			deferred: {
				name: 'Deferred Activation',
				when: 'This computer has no internet: a phone or an online computer takes the request and brings back the license files.'
			},
			emergency: {
				name: 'Emergency Activation',
				when: 'Nothing else works and you need it now: 5 days at most, one time per device.'
			}
		},
		device: (id: string) => `This device: ${id}`,
		columns: {
			product: 'Product',
			number: 'License number',
			kind: 'Kind',
			expansions: 'Expansions',
			expiry: 'Expires',
			device: 'Device'
		},
		current: 'current',
		never: 'Never',
		daysLeft: (days: number) => (days === 1 ? '1 day left' : `${days} days left`),
		expired: 'Expired',
		deactivated: 'Deactivated: its seat was released',
		revoked: 'No longer valid for this device',
		otherDevice: (id: string) =>
			`Not usable: made for another device (id ${id}), not this one. Activate it on this device.`,
		details: 'Details',
		detailsOf: (number: string) => `Details of ${number}`,
		detailsTitle: (product: string, number: string) => `${product} — ${number}`,
		close: 'Close',
		showFile: 'Show the license file',
		remove: 'Remove from this device',
		confirmRemove: (number: string) =>
			`Remove license ${number} from this device? You can load it again later.`,
		refresh: 'Refresh',
		refreshHelp: 'Gets new and updated licenses and expansions for this device from the server.',
		refreshDone: describeRefresh,
		refreshFailed:
			'Refresh could not finish because of an unexpected problem on this device. Try again; if it happens again, open Troubleshooting.',
		refreshQueued:
			'The server cannot be reached: Refresh is queued and will run when the connection returns.',
		refreshNothing: 'There is nothing to refresh yet: activate a license first.'
	},
	clock: {
		setBack: (when: string) =>
			`Your computer’s clock was set back: it is behind a time this License Manager has already seen (${when}). Time-limited licenses (emergency, temporary, expiring) are treated as expired until the clock is right again or a sync with the server confirms the time.`,
		setBackRepeatedly:
			'Your computer’s clock was set back several times. Time-limited licenses (emergency, temporary, expiring) are treated as expired until a sync with the server confirms the time: connect to the internet, then choose Refresh.',
		expiringSoon: (count: number) =>
			count === 1
				? '1 license ends soon: renew it with Refresh, or contact your vendor.'
				: `${count} licenses end soon: renew them with Refresh, or contact your vendor.`,
		hoursLeft: (hours: number) => (hours === 1 ? '1 hour left' : `${hours} hours left`),
		notTrusted: 'Not usable: the clock was set back'
	}
} as const;
