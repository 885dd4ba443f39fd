// Every user-facing string of the app lives here, so a translation is one file.
export const en = {
	appName: 'Airlock License Manager',
	appShortName: 'Airlock',
	skipToContent: 'Skip to content',
	common: { next: 'Next' },
	nav: {
		home: 'License Manager',
		instant: 'Instant Activation',
		deferred: 'Deferred Activation',
		emergency: 'Emergency Activation',
		refresh: 'Refresh',
		licenseList: 'License list',
		troubleshooting: 'Troubleshooting'
	},
	status: {
		online: 'Online',
		offline: 'Offline — working from this device',
		pending: (count: number) =>
			count === 1 ? '1 operation waiting for the server' : `${count} operations waiting for the server`,
		nothingPending: 'Nothing waiting for the server',
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
			'needs-sign-in': 'Sign in to finish'
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
		chooseMode: 'Choose an activation mode. We recommend Instant Activation.',
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
		details: 'Details',
		remove: 'Remove',
		confirmRemove: (number: string) =>
			`Remove license ${number} from this device? You can load it again later.`,
		refresh: 'Refresh',
		refreshHelp: 'Gets new and updated licenses and expansions for this device from the server.',
		refreshDone: (count: number) =>
			count === 0
				? 'Refresh done: everything is up to date.'
				: `Refresh done: ${count} license file(s) updated.`,
		refreshQueued:
			'The server cannot be reached: Refresh is queued and will run when the connection returns.',
		refreshNothing: 'There is nothing to refresh yet: activate a license first.'
	},
	deferred: {
		intro:
			'For a computer without internet access. Enter the license number(s) and your e-mail address, then click Generate file: take reg.txt to a computer or phone with internet access, or scan the QR code with your phone.',
		licenseNumbers: 'License number(s)',
		licenseNumbersHint: 'One per line. Up to 8.',
		lineError: (line: number, message: string) => `License number ${line}: ${message}`,
		email: 'E-mail address',
		generate: 'Generate file',
		qrTitle: 'Your request',
		qrHelp:
			'Scan this code with a phone: it opens the activation portal with your request. Or take reg.txt there on a USB drive.',
		qrLabel: 'QR code of the registration request',
		portalHint: 'Activation portal:',
		saveAgain: 'Save reg.txt again',
		print: 'Print',
		loadIntro:
			'Load the .license4d files you brought back from the activation portal: click Load… or drop them here. Check what will be activated, then click Next.',
		dropLabel: 'License files',
		dropHint: 'Drop .license4d files here.',
		load: 'Load…',
		addNumber: 'Add N°',
		preview: 'To be activated',
		expansions: 'Expansions',
		expires: (date: string) => `expires ${date}`,
		noExpiry: 'no expiry',
		stored: (numbers: string) => `Activated on this device: ${numbers}.`,
		back: 'Back to the request',
		scan: 'Scan a QR code',
		stopScan: 'Stop the camera',
		scannedName: 'QR code',
		cameraLabel: 'Camera view: show the license QR code from the portal',
		cameraDenied:
			'The camera may not be used by this page. Allow it in the browser’s site settings, or load the .license4d files instead.',
		cameraUnavailable: 'No camera is available. Load the .license4d files instead.'
	},
	emergency: {
		intro:
			'A temporary activation of 5 days at most, on this computer, with no network at all. It can be used one time only. If you kept the emergency code of your license (from the License list), enter it too: the activation is then checked against your vendor’s keys.',
		code: 'Emergency code (optional)',
		codeHint:
			'Starts with AIRLOCK-EC1:. Without it, the license number alone is used, which cannot be checked until this computer goes online.',
		activate: 'Activate for 5 days',
		alreadyUsed: 'Emergency Activation has already been used on this device: it can be used one time only.',
		doneVerified: (number: string, until: string) =>
			`Emergency license ${number} is active until ${until} (checked with your emergency code).`,
		doneBare: (number: string, until: string) =>
			`Emergency license ${number} is active until ${until}. It was made from the license number only: the server checks it at the next sync.`
	},
	portal: {
		title: 'Activation portal',
		intro:
			'Open this page from the QR code shown by the License Manager, or choose the reg.txt file it made.',
		request: 'Request',
		licenses: 'License numbers',
		email: 'E-mail',
		device: 'Device',
		chooseFile: 'Choose File… (reg.txt)',
		fileTooLarge: 'This file is too large to be a reg.txt. Choose the reg.txt made by the License Manager.',
		signIn: 'Sign in',
		signInButton: 'Sign in',
		signedInAs: (email: string) => `Signed in as ${email}.`,
		activate: 'Activate',
		offline: 'This phone is offline: the request is kept and will be sent when it is back online.',
		result: 'License files',
		download: (name: string) => `Download ${name}`,
		showing: (index: number, count: number, product: string, number: string) =>
			`${index} of ${count}: ${product} — ${number}. Scan it with the License Manager.`,
		qrLabel: 'QR code of the license file',
		previous: 'Previous',
		scan: 'Scan the request QR code',
		cameraLabel: 'Camera view: show the QR code of the License Manager',
		notARequest: 'This QR code is not a registration request. Scan the code shown by Deferred Activation.',
		noCamera:
			'The camera cannot be used here. Open the QR code with the phone’s camera app, or choose the reg.txt file.'
	},
	storageFull: {
		queue:
			'This browser has no room left to store the activation for later, so nothing was queued. Free up space (remove other sites’ data or files from this device), then activate again.',
		license:
			'The license was activated, but this browser has no room left to store it on this device, so nothing was stored. Free up space (remove other sites’ data or files from this device), then click Refresh to get it.',
		refresh:
			'This browser has no room left to store what Refresh brought, so nothing was stored. Free up space (remove other sites’ data or files from this device), then click Refresh again.'
	},
	instant: {
		title: 'Instant Activation',
		intro:
			'Enter your user ID (e-mail) and password, then the license number of the product to activate. The license number is in the e-mail you received after your purchase.',
		email: 'User ID (e-mail)',
		password: 'Password',
		licenseNumber: 'License number',
		licenseHint: 'For example SRV-5BQ7-MKXD-3H99. Letters I, O, U and digits 0, 1 are never used.',
		activate: 'Activate',
		activating: 'Activating…',
		looksRight: 'The license number looks right.',
		done: (numbers: string) => `Activated: ${numbers}. The license is now in Active Licenses.`,
		queued:
			'The activation server cannot be reached. Your activation is queued and will finish by itself when the connection returns. If this computer has no internet access, use Deferred Activation.',
		refusedPrefix: 'Activation failed:',
		nextSteps: {
			invalid_credentials: 'Check your user ID and password and try again.',
			rate_limited: 'Wait a few minutes before trying again.',
			license_not_found: 'Check the license number, and that you signed in with the account it was sold to.',
			no_free_seat: 'Release a seat on another device from the License list, or buy more seats.',
			default: 'If this keeps happening, see Troubleshooting.'
		}
	}
} as const;

export type Messages = typeof en;
