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
	unexpected:
		'This could not be done because of an unexpected problem on this device. Try again; if it happens again, open Troubleshooting.',
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
		retryFailed: 'Retry could not finish because of an unexpected problem on this device.',
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
			'store-edit': 'License list change',
			'deactivation-report': 'Deactivation statement'
		},
		storagePersistent: 'Storage: kept by the browser',
		storageBestEffort: 'Storage: may be cleared by the browser when space runs low — back up this device'
	},
	pwa: {
		offlineReady: 'Ready to work offline: this License Manager now opens without a network.',
		updateAvailable: 'A new version is available',
		reload: 'Reload',
		install: 'Install the License Manager',
		dismiss: 'Dismiss'
	},
	home: {
		storageNotice:
			'The browser may clear these licenses when disk space runs low (it did not agree to keep them).',
		backUpLink: 'Back up this device',
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
		notYetValid: (date: string) =>
			`Not usable before ${date}: this computer’s date and time are behind. Set them right, then Refresh.`,
		expired: 'Expired',
		deactivated: 'Deactivated: its seat was released',
		deactivatedNotReported: 'Deactivated, not yet reported',
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
		refreshNothing: 'There is nothing to refresh yet: activate a license first.',
		refreshNothingEmergency:
			'There is nothing to refresh: the licenses on this device belong to no account yet (an Emergency Activation made from a license number alone). Activate the license with Instant Activation, or Deferred Activation if this computer is offline, to refresh it later.',
		removeFailed:
			'The license could not be removed because of an unexpected problem on this device. Try again; if it happens again, open Troubleshooting.'
	},
	storage: {
		statusBar: 'Storage unavailable: nothing can be kept or sent from this page',
		reload: 'Reload',
		lostWithIt: 'What was lost:',
		nextSteps: 'What to do:',
		browserSaid: (detail: string) => `The browser said: ${detail}`,
		unavailable: {
			title: 'This browser does not let the License Manager keep its data',
			what: 'The License Manager keeps your licenses in this browser’s own storage, and the browser refused to open it. This happens in a private or incognito window, when this site may not store data (cookies and site data blocked), when the disk is full, or when the browser profile is damaged. Nothing can be activated or kept until it opens.',
			steps: [
				'Open the License Manager in a normal window, not a private or incognito one.',
				'In the browser’s settings, allow this site to store data (cookies and site data).',
				'Make room on the disk if it is full.',
				'Then reload this page. If it still fails, the browser profile may be damaged: use another browser profile or browser, and activate your licenses there.'
			]
		},
		damaged: {
			title: 'The License Manager’s data in this browser cannot be read',
			what: 'The data is there but damaged, so the licenses on this device cannot be used.'
		},
		deleted: {
			title: 'The License Manager’s data was deleted while this page was open',
			what: 'This browser’s data for the License Manager was deleted (browsing data cleared, or another tab or program removed it). This page has stopped: nothing more is saved or sent, so no action here can succeed.'
		},
		closed: {
			title: 'The browser closed the License Manager’s data while this page was open',
			what: 'The browser took the License Manager’s data away (site data cleared, or the disk went away). This page has stopped: nothing more is saved or sent, so no action here can succeed.'
		},
		upgraded: {
			title: 'A newer version of the License Manager is open in another tab',
			what: 'It needed this page to let go of the License Manager’s data, so this page has stopped. Reload it to use the new version: your licenses are kept.',
			steps: ['Reload this page.']
		},
		lost: [
			'the licenses that were on this device,',
			'this device’s key: after a reload the device gets a new device id, and licenses made for the old one cannot be used here,',
			'any operation that was waiting for the server.'
		],
		recover: [
			'Reload the page.',
			'Activate your licenses again: with Instant Activation, or with Deferred Activation if this computer is offline.',
			'The server seats the lost licenses took still count. If no seat is free, release the old device’s seats in the License list (signed in to your account), or ask your vendor.'
		],
		actionStopped:
			'This could not be done: the License Manager’s data in this browser is gone (see the message at the top of the page). Reload the page, then activate your licenses again.'
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
