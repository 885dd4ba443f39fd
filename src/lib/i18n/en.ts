// Every user-facing string of the app lives here (the shell's and the home page's in en-shell.ts, which the
// first view loads alone), so a translation is these two files.
import { enShell } from './en-shell';

export const en = {
	...enShell,
	store: {
		listTitle: 'License list',
		projectsTitle: 'Projects',
		listIntro:
			'Every license of your account. Select one to see the devices holding it, release a seat or link it to a project.',
		signInIntro: 'Sign in with your account to see its licenses and projects.',
		email: 'User ID (e-mail)',
		password: 'Password',
		signIn: 'Sign in',
		signInUnreachable: 'The activation server cannot be reached. Try again when you are online.',
		loading: 'Loading the License list…',
		notSyncedOffline:
			'This device is offline and has no copy of the License list yet. Connect to the internet once to get it.',
		offlineCopy: (age: string) => `Offline — showing the copy synced ${age}. Your changes are queued.`,
		syncedAgo: (age: string) => `Synced ${age}.`,
		search: 'Search',
		searchHint: 'License number, product or project.',
		status: 'Status',
		project: 'Project',
		allStatuses: 'All statuses',
		allProjects: 'All projects',
		noProject: 'Not in a project',
		statuses: {
			active: 'Active',
			expired: 'Expired',
			temporary: 'Temporary',
			emergency: 'Emergency in use'
		},
		shown: (shown: number, total: number) =>
			shown === total ? `${total} license(s)` : `${shown} of ${total} license(s)`,
		listLabel: 'Licenses',
		noMatch: 'No license matches. Clear the search or change the filters.',
		noLicenses: 'Your account has no license yet.',
		columns: {
			number: 'License number',
			product: 'Product',
			expansions: 'Expansions',
			status: 'Status',
			seats: 'Seats used',
			project: 'Project',
			expires: 'Expires'
		},
		seats: (used: number, total: number) => `${used} / ${total}`,
		never: 'Never',
		noDeferred:
			'An “R” license: it cannot be activated by Deferred Activation. Activate it with Instant Activation on a computer with internet access.',
		noEmergency:
			'Emergency Activation is not available for this license: activate it with Instant Activation, or Deferred Activation if the computer has no internet access.',
		renewedFor: (days: number) => `${days === 1 ? '1 day' : `${days} days`} from each activation or Refresh`,
		select: (number: string) => `Details of ${number}`,
		details: (number: string) => `License ${number}`,
		devices: 'Devices holding it',
		noDevices: 'No device holds this license.',
		device: 'Device',
		activated: 'Activated',
		lastSeen: 'Last seen',
		releaseSeat: 'Release seat',
		releaseSeatOf: (deviceId: string) => `Release the seat of ${deviceId}`,
		confirmRelease: (number: string, deviceId: string) =>
			`Release the seat of device ${deviceId} on license ${number}? That device can no longer use the license: it is told at its next Refresh.`,
		released: (deviceId: string) => `The seat of ${deviceId} is free.`,
		releaseOffline: 'Releasing a seat needs the server. Try again when you are online.',
		linkToProject: 'Link to a project…',
		unlink: 'Unlink',
		linked: (number: string, project: string) => `${number} is in project ${project}.`,
		unlinked: (number: string) => `${number} is no longer in a project.`,
		dialogTitle: (number: string) => `Link ${number} to a project`,
		chooseProject: 'Project',
		newProject: 'New project…',
		newProjectName: 'New project name',
		link: 'Link',
		cancel: 'Cancel',
		createTitle: 'Create a project',
		create: 'Create',
		created: (name: string) => `Project ${name} created.`,
		noProjects: 'No project yet. Create one, then link licenses to it from the License list.',
		projectLicenses: (count: number) => (count === 1 ? '1 license' : `${count} licenses`),
		emptyProject: 'No license in this project.',
		rename: 'Rename',
		renameLabel: (name: string) => `New name of ${name}`,
		delete: 'Delete',
		confirmDelete: (name: string) => `Delete project ${name}? Its licenses are unlinked, never deleted.`,
		unassigned: (count: number) => `${count} license(s) are not in a project.`,
		conflictsTitle: 'Changes overridden by another device',
		conflict: (change: string, when: string) =>
			`Your change “${change}” was overridden by a change made on another device at ${when}.`,
		conflictDeleted: (change: string, when: string) =>
			`Your change “${change}” was undone: the project was deleted on another device at ${when}.`,
		changeRename: (name: string) => `name a project ${name}`,
		changeDelete: 'delete a project',
		changeLink: (number: string, project: string) => `link ${number} to ${project}`,
		changeUnlink: (number: string) => `unlink ${number}`,
		aProject: 'a project',
		dismiss: 'Dismiss',
		signedInAs: (email: string) => `Signed in as ${email}.`,
		signOut: 'Sign out',
		signOutTitle: (email: string) => `Sign out of ${email}`,
		confirmSignOut: (email: string) =>
			`Sign out of ${email}? The licenses activated on this device stay on it.`,
		queuedAtSignOut: (count: number) =>
			count === 1
				? '1 change made with this account is still waiting for the server. Keep it to be sent at this account’s next sign-in here, or discard it?'
				: `${count} changes made with this account are still waiting for the server. Keep them to be sent at this account’s next sign-in here, or discard them?`,
		keepAndSignOut: (count: number) => (count === 1 ? 'Keep it and sign out' : 'Keep them and sign out'),
		discardAndSignOut: (count: number) =>
			count === 1 ? 'Discard it and sign out' : 'Discard them and sign out',
		signingOut: 'Signing out…',
		signOutOffline:
			'This device is offline: the session can only be ended when it is online. Nothing was changed; try again then.',
		signedOut: (email: string) => `Signed out of ${email}. The licenses activated on this device stay on it.`,
		signedOutKept: (count: number) =>
			count === 1
				? '1 change is kept: it is sent when this account signs in here again.'
				: `${count} changes are kept: they are sent when this account signs in here again.`,
		signedOutDiscarded: (count: number) =>
			count === 1 ? '1 change was discarded.' : `${count} changes were discarded.`,
		sessionEnded: (age: string) =>
			`Your session has ended: this is the copy from ${age}. Sign in to see the current list.`,
		offlineSignedOut: 'This device is offline. Sign in when it is online to see your licenses and projects.',
		othersWaiting: (email: string, count: number) =>
			count === 1
				? `1 change made as ${email} waits on this device until ${email} signs in here again.`
				: `${count} changes made as ${email} wait on this device until ${email} signs in here again.`,
		signInFirst: 'Sign in first: changes are made to an account’s own list.'
	},
	deferred: {
		unexpectedLoad:
			'The license files could not be read or stored because of an unexpected problem on this device. Try again; if it happens again, open Troubleshooting.',
		unexpectedRequest:
			'The request file could not be made because of an unexpected problem on this device. Try again; if it happens again, open Troubleshooting.',
		intro:
			'For a computer without internet access. Enter the license number(s) and your e-mail address, then click Generate file: take reg.txt to a computer or phone with internet access, or scan the QR code with your phone.',
		stepsLabel: 'Steps of Deferred Activation',
		steps: ['Generate the request', 'Take it to a phone or an online computer', 'Load the license files'],
		thenScan:
			'When the portal shows the license QR code, click Scan a QR code and hold the phone in front of the camera: it reads every license file of the request (several codes one after the other, if the portal shows a sequence), then stops and activates them by itself.',
		thenNext: 'Brought back .license4d files instead? Click Next to load them.',
		fromLicenseList:
			'Filled in with the licenses of your License list that are not on this computer yet: remove any you do not want here.',
		fromLastRequest: 'Filled in from your last request.',
		scanProgress: (read: number, total: number) =>
			`Read ${read} of ${total} license files. Keep the phone in front of the camera.`,
		scanMissing: (numbers: string) =>
			`The portal’s codes held no license file for ${numbers}. Check these numbers on the portal, then generate a request for them.`,
		toManager: 'Back to the License Manager',
		haveFiles: 'Already have the license files? Click Next.',
		loadTitle: 'Load the license files',
		addMore: 'More license files for this computer? Click Add N° to load the next one.',
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
		cameraLabel: 'Camera view: show the license QR code from the portal',
		cameraDenied:
			'The camera may not be used by this page. Allow it in the browser’s site settings, or load the .license4d files instead.',
		cameraUnavailable: 'No camera is available. Load the .license4d files instead.'
	},
	emergency: {
		unexpected:
			'Emergency Activation could not finish because of an unexpected problem on this device: nothing was used up. Try again; if it happens again, open Troubleshooting.',
		intro:
			'A temporary activation of 5 days at most, on this computer, with no network at all. It can be used one time only. If you kept the emergency code of your license (from the License list), enter it too: the activation is then checked against your vendor’s keys.',
		code: 'Emergency code (optional)',
		codeHint:
			'Paste it (it starts with AIRLOCK-EC1:, or paste the whole printed sheet) or scan its QR code: the license number is read from it. Without a code, type the license number alone; it cannot be checked until this computer goes online.',
		codeRead: (number: string) => `Emergency code for license ${number}.`,
		numberHint: 'Read from the emergency code; type it only if you have no code.',
		scan: 'Scan the emergency code',
		stopScan: 'Stop the camera',
		cameraLabel: 'Camera: hold the emergency code’s QR code in view',
		cameraDenied:
			'The camera may not be used by this page. Allow it in the browser’s site settings, or paste the emergency code instead.',
		cameraUnavailable: 'No camera is available. Paste the emergency code instead.',
		activate: 'Activate for 5 days',
		alreadyUsed: 'Emergency Activation has already been used on this device: it can be used one time only.',
		doneVerified: (number: string, until: string) =>
			`Emergency license ${number} is active until ${until} (checked with your emergency code).`,
		doneBare: (number: string, until: string) =>
			`Emergency license ${number} is active until ${until}. It was made from the license number only: the server checks it at the next sync.`
	},
	history: {
		title: 'History',
		intro: 'What happened to this license and its expansions, as the activation server recorded it.',
		loading: 'Loading the history…',
		empty: 'Nothing recorded yet.',
		more: 'Older events are kept by your vendor.',
		activation: (device: string, via: 'instant' | 'deferred' | null, renewed: boolean) =>
			`${renewed ? 'Activated again' : 'Activated'} on device ${device}${via === 'instant' ? ' (Instant Activation)' : via === 'deferred' ? ' (Deferred Activation)' : ''}`,
		emergencyUse: (device: string) => `Emergency Activation used on device ${device}`,
		emergencyRevocation: (device: string) =>
			`A second Emergency Activation, on device ${device}, was refused`,
		seatRelease: (device: string) => `Seat of device ${device} released`,
		creation: 'License issued',
		expansion: 'Expansion added',
		from: (address: string) => `from ${address}`
	},
	emergencyCode: {
		title: 'Emergency code',
		intro:
			'Keep this code (print it or save it) for the day the activation server cannot be reached: with it, Emergency Activation on an offline computer is checked against your vendor’s keys. It can be used one time.',
		why: 'For the day the activation server cannot be reached: print or save it now, while online.',
		show: 'Show emergency code',
		loading: 'Getting the emergency code…',
		qrLabel: (number: string) => `QR code of the emergency code of license ${number}`,
		print: 'Print',
		save: 'Save…',
		used: (device: string, when: string) => `Already used by device ${device} on ${when}.`,
		notForEmergency: 'An emergency license has no emergency code of its own.'
	},
	backup: {
		title: 'Back up this device',
		intro:
			'One file with every license and emergency code on this device, to bring them back if the browser’s data is cleared (by the browser when space runs low, by a “clear browsing data”, or a new profile). Work still waiting for the server is not in it.',
		kept: 'Storage: kept by the browser. A backup still helps if the data is cleared by hand.',
		bestEffort:
			'Storage: may be cleared by the browser when space runs low. Back up this device, and keep the file somewhere else.',
		passphrase: 'Passphrase (optional)',
		passphraseHint:
			'With a passphrase, the backup also holds this device’s identity, encrypted: restored, the licenses work again with no activation. Whoever has the file and the passphrase can act as this device, so choose at least 10 characters and keep the passphrase apart from the file. Without one, a restored device must activate its licenses again.',
		backUp: 'Back up this device',
		backingUp: 'Backing up… (deriving the key takes a few seconds)',
		saved: (name: string, licenses: number, withIdentity: boolean) =>
			`Saved ${name}: ${licenses} license${licenses === 1 ? '' : 's'}${withIdentity ? ' and this device’s identity (encrypted with your passphrase)' : ', without the device’s identity'}.`,
		backUpFailed: 'The backup could not be made. Run the checks above, then try again.',
		restoreTitle: 'Restore from a backup…',
		restoreIntro:
			'On this browser after its data was cleared, or on a computer where nothing was activated yet. What is already here is kept: a restore never turns the clock back nor gives a second Emergency Activation.',
		file: 'Backup file (.airlock-backup.json)',
		restorePassphrase: 'Passphrase of the backup (if it has one)',
		restore: 'Restore',
		restoring: 'Restoring…',
		chooseFile: 'Choose the backup file first (its name ends in .airlock-backup.json).',
		restored: (device: string, licenses: number) =>
			`Restored: this is device ${device} again, with ${licenses} license${licenses === 1 ? '' : 's'} brought back.`,
		restoredHere: (licenses: number, codes: number) =>
			`Restored: ${licenses} license${licenses === 1 ? '' : 's'} and ${codes} emergency code${codes === 1 ? '' : 's'} brought back; what was here is kept.`,
		activateAgain: (numbers: string) =>
			`This backup was made without a passphrase, so it does not hold the identity its licenses were activated for. Activate them again on this computer (Instant or Deferred Activation): ${numbers}. Emergency codes and the marks of this device were restored.`,
		restoreFailed:
			'The backup could not be restored. Nothing was changed. Run the checks above, then try again.'
	},
	troubleshooting: {
		title: 'Troubleshooting',
		intro:
			'These checks run on this device now. Each one says what works, what may cause trouble, and what to do.',
		runAgain: 'Run the checks again',
		running: 'Checking…',
		statuses: { pass: 'Pass', warning: 'Warning', failure: 'Failure' },
		checks: {
			network: 'Network',
			server: 'Activation server',
			'service-worker': 'Offline use (service worker)',
			storage: 'Storage',
			'file-access': 'Files (Load… and Save)',
			camera: 'Camera (QR code scanning)',
			clock: 'Clock',
			sync: 'Sync'
		},
		network: {
			online: 'The browser reports a network connection.',
			offline: 'The browser reports no network connection.',
			offlineAction:
				'Connect to the internet for Instant Activation and Refresh, or use Deferred Activation (with a phone or another computer) or Emergency Activation.'
		},
		server: {
			ok: (ms: number, version: string) => `Reachable: answered in ${ms} ms (version ${version}).`,
			slow: (ms: number) => `Reachable but slow: answered in ${ms} ms.`,
			slowAction:
				'A slow network or proxy can make Instant Activation time out. If it does, use Deferred Activation.',
			refused: (status: number, message: string) =>
				`The server answered with an error (HTTP ${status}): ${message}`,
			unreachable: 'Cannot be reached: the server did not answer.',
			unreachableAction:
				'Check the network, then any firewall, proxy or antivirus between this computer and the server. Meanwhile use Deferred Activation (not available for licenses that forbid it) or Emergency Activation.',
			offlineAction:
				'This device is offline. Everything the server is needed for is queued and sent when the connection returns.'
		},
		serviceWorker: {
			unsupported: 'This browser has no service workers: the License Manager cannot open without a network.',
			unsupportedAction: 'Use a current version of Chrome, Edge, Firefox or Safari, not a private window.',
			notActive: 'Not installed yet: the License Manager may not open without a network.',
			notActiveAction: 'Open the License Manager once while online and wait for “Ready to work offline”.',
			active: (version: string) => `Active: opens without a network (version ${version}).`,
			waiting: (version: string) => `Active (version ${version}); a new version is waiting.`,
			waitingAction:
				'Choose Reload in the “A new version is available” bar when no activation is in progress.',
			notControlling: 'Installed, but this page was opened before it: reload the page.'
		},
		storage: {
			unsupported:
				'This browser does not report storage: licenses are kept, but how much room is left is unknown.',
			usage: (used: string, available: string) => `${used} used, ${available} available.`,
			persisted: 'Kept by the browser: licenses are not cleared when space runs low.',
			bestEffort: 'Not persistent: the browser may clear the licenses when disk space runs low.',
			bestEffortAction:
				'Back up this device (below), and install the License Manager (browser menu › Install) so the browser keeps its data.',
			low: 'Less than 10 MB available.',
			lowAction: 'Free some disk space: new licenses and queued work may not be saved.',
			cannotUse: (problem: string) => `Cannot be used: ${problem}`,
			cannotUseAction:
				'Follow the steps at the top of the page (a normal window rather than a private one, this site allowed to store data, room on the disk), then reload. Nothing can be activated or kept until the storage works.'
		},
		fileAccess: {
			native: 'Load… and Save use the system file dialogs.',
			fallback:
				'This browser has no File System Access: Load… uses a file chooser and Save downloads to the Downloads folder.',
			fallbackAction: 'Nothing to fix; you can also drag and drop .license4d files onto Deferred Activation.'
		},
		camera: {
			unsupported: 'No camera access in this browser: QR codes cannot be scanned here.',
			none: 'No camera found.',
			denied: 'Camera access is blocked for this site.',
			deniedAction:
				'Allow the camera in the site settings (the icon left of the address), or use Load… with the files.',
			available: (count: number, permission: string) =>
				`${count === 1 ? '1 camera' : `${count} cameras`} found; permission: ${permission}.`,
			noneAction: 'Use Load… or drag and drop the .license4d files instead of scanning.'
		},
		clock: {
			ok: (skew: string) => `Right: ${skew} from the server’s time at the last sync.`,
			neverSynced: 'Not compared with the server yet (no sync so far).',
			neverSyncedAction: 'Time-limited licenses rely on this computer’s clock until the first sync.',
			skewed: (skew: string) => `${skew} from the server’s time at the last sync.`,
			skewedAction: 'Set the date, time and time zone of this computer right (automatic time if possible).',
			setBack: 'Set back: it is behind a time already seen. Time-limited licenses are treated as expired.',
			setBackAction: 'Set the clock right, or connect and choose Refresh so the server confirms the time.'
		},
		sync: {
			empty: 'Nothing waiting for the server.',
			pending: (count: number) => `${count} operation(s) waiting for the server.`,
			pendingAction: 'They are sent when the server can be reached.',
			needsSignIn: (count: number) => `${count} operation(s) need you to sign in.`,
			needsSignInAction: 'Sign in from the status bar to finish them.',
			failed: (count: number, reason: string) => `${count} operation(s) failed: ${reason}`,
			failedAction:
				'Read the reason; correct it and do the activation again, or contact support with the report below.',
			lastSync: (when: string) => `Last sync ${when}.`
		},
		symptomsTitle: 'Symptoms, causes and solutions',
		symptomsColumns: {
			symptom: 'Symptoms',
			causes: 'Possible causes',
			solutions: 'Solution(s)',
			check: 'Check'
		},
		symptoms: [
			{
				symptom: 'Failure of on-line activation (Instant Activation)',
				causes: 'No network; antivirus application, firewall or proxy; activation server unavailable',
				solutions:
					'1- Temporarily disable your antivirus application or your firewall, or set up the proxy OR 2- Use Deferred Activation (not available for “R” licenses, which forbid it) OR 3- Emergency Activation for 5 days',
				checks: ['network', 'server']
			},
			{
				symptom: 'The License Manager does not open without a network',
				causes: 'Offline use not installed yet; private window',
				solutions:
					'Open it once while online and wait for “Ready to work offline”; install it from the browser menu',
				checks: ['service-worker']
			},
			{
				symptom: 'Licenses are gone after a while',
				causes: 'The browser cleared its data (low disk space, storage not persistent, data cleared by hand)',
				solutions:
					'Install the License Manager; free disk space; load your .license4d files again or use Refresh',
				checks: ['storage']
			},
			{
				symptom: 'Load… or Save shows no file dialog',
				causes: 'The browser has no File System Access',
				solutions: 'Use the file chooser, drag and drop, or the Downloads folder',
				checks: ['file-access']
			},
			{
				symptom: 'Scanning a QR code does not start',
				causes: 'No camera, or camera access blocked',
				solutions: 'Allow the camera for this site, or load the files instead',
				checks: ['camera']
			},
			{
				symptom: 'Time-limited licenses show as expired or “the clock was set back”',
				causes: 'The computer’s date, time or time zone is wrong, or was changed',
				solutions: 'Set the clock right; connect and choose Refresh so the server confirms the time',
				checks: ['clock']
			},
			{
				symptom: 'Operations stay queued or failed',
				causes: 'Offline; a sign-in is needed; the server refused the operation',
				solutions: 'Connect; sign in from the status bar; read the reason shown with the failed operation',
				checks: ['sync', 'server']
			},
			{
				symptom: 'Emergency Activation is refused',
				causes:
					'Already used on this device (one time only); the license does not allow it; the clock was set back',
				solutions: 'Use Instant or Deferred Activation; contact your vendor',
				checks: ['clock']
			}
		],
		reportTitle: 'Diagnostic report',
		reportHelp:
			'Send this text to support. It has no passwords, keys, e-mail addresses or license file contents.',
		copyReport: 'Copy diagnostic report',
		copied: 'The diagnostic report is copied: paste it into your message to support.',
		copyFailed: 'The report could not be copied: select the text below and copy it by hand.',
		runFailed:
			'The checks could not finish because of an unexpected problem on this device. Run them again; if it happens again, send the report below as it is.',
		contactsTitle: 'Contacts',
		contactsIntro: (vendor: string) =>
			`For any questions about the installation or activation of your product, please contact ${vendor}.`,
		contactsUnknown:
			'The vendor’s contacts are shown once this device has reached the activation server one time.',
		web: 'Web',
		telephone: (region: string) => `Telephone (${region})`
	},
	portal: {
		title: 'Activation portal',
		stepsLabel: 'Steps on the portal',
		steps: ['Load the request', 'Sign in', 'Activate', 'Take the license files back'],
		another: 'Use another request',
		resultHelp:
			'Show the code below to the computer’s camera (Deferred Activation › Scan a QR code): it reads every license file and stops by itself. Or download the files and take them back to the computer.',
		intro:
			'Open this page from the QR code shown by the License Manager, or choose the reg.txt file it made.',
		request: 'Request',
		licenses: 'License numbers',
		email: 'E-mail',
		device: 'Device',
		fromLink:
			'This request came in a link. Activate it only if it is your own computer’s: check that the license numbers and the device above are the ones your License Manager shows.',
		chooseFile: 'Choose File… (reg.txt)',
		fileTooLarge: 'This file is too large to be a reg.txt. Choose the reg.txt made by the License Manager.',
		signIn: 'Sign in',
		signInButton: 'Sign in',
		signedInAs: (email: string) => `Signed in as ${email}.`,
		signOut: 'Sign out',
		signOutConfirm: (email: string) =>
			`Sign out of ${email} on this phone? The licenses you activated stay on their computers.`,
		signOutOffline: 'This phone is offline: the session can only be ended when it is back online.',
		activate: 'Activate',
		offline: 'This phone is offline: the request is kept and will be sent when it is back online.',
		result: 'License files',
		download: (name: string) => `Download ${name}`,
		codeAll: (numbers: string[]) =>
			`${numbers.length === 1 ? 'The license file' : `All ${numbers.length} license files`} in one code: ${numbers.join(', ')}.`,
		codePart: (index: number, count: number, numbers: string[]) =>
			`Code ${index} of ${count} (${numbers.join(', ')}). The codes change by themselves: keep the phone in front of the camera until the License Manager says it has them all.`,
		qrLabel: 'QR code of the license files',
		previous: 'Previous',
		pause: 'Pause',
		scan: 'Scan the request QR code',
		cameraLabel: 'Camera view: show the QR code of the License Manager',
		notARequest: 'This QR code is not a registration request. Scan the code shown by Deferred Activation.',
		noCamera:
			'The camera cannot be used here. Open the QR code with the phone’s camera app, or choose the reg.txt file.'
	},
	account: {
		title: 'Your account',
		signOut: 'Sign out',
		signOutConfirm: (email: string) =>
			`Sign out of ${email}? The licenses activated on this device stay on it, and changes queued for this account wait for its next sign-in.`,
		signedOut: (email: string) =>
			`Signed out of ${email}. The licenses activated on this device are still here.`,
		signOutOffline:
			'The activation server cannot be reached: the session can only be ended when you are online.',
		createTitle: 'Create account',
		createIntro:
			'Choose your user ID (an e-mail address) and a password; then sign in with them to activate and see your licenses.',
		checking: 'Asking the activation server whether accounts can be created here…',
		signupClosed:
			'Accounts are created by your vendor, not here. If you have no account yet, ask your vendor for one.',
		unreachable:
			'The activation server cannot be reached, so accounts cannot be created or changed now. Try again when you are online.',
		email: 'User ID (e-mail)',
		password: 'Password',
		passwordHint: (min: number) => `At least ${min} characters. A few words in a row are easy to remember.`,
		create: 'Create account',
		creating: 'Creating the account…',
		changeTitle: 'Change password',
		changeIntro:
			'Every other device and browser signed in with this account is signed out when the password changes; this one stays signed in.',
		signedInAs: (email: string) => `Signed in as ${email}.`,
		notSignedIn: 'Sign in to change your password: the License list page offers it.',
		openLicenseList: 'Open the License list',
		currentPassword: 'Current password',
		newPassword: 'New password',
		change: 'Change password',
		changing: 'Changing the password…',
		changed: (others: number) =>
			others === 0
				? 'Your password is changed. Use it from now on.'
				: `Your password is changed. ${others === 1 ? 'One other session was' : `${others} other sessions were`} signed out.`,
		sessionEnded: 'Your session has ended: sign in again on the License list page, then change the password.',
		unexpected:
			'The request could not be sent because of an unexpected problem on this device. Try again; if it happens again, open Troubleshooting.'
	},
	instant: {
		title: 'Instant Activation',
		intro:
			'Enter your user ID (e-mail) and password, then the license number of the product to activate. The license number is in the e-mail you received after your purchase.',
		email: enShell.status.email,
		password: enShell.status.password,
		licenseNumber: 'License number',
		licenseHint: 'For example SRV-5BQ7-MKXD-3H99. Letters I, O, U and digits 0, 1 are never used.',
		activate: 'Activate',
		activating: 'Activating…',
		looksRight: 'The license number looks right.',
		done: (numbers: string) => `Activated: ${numbers}. The license is now in Active Licenses.`,
		queued:
			'The activation server cannot be reached. Your activation is queued and will finish by itself when the connection returns. If this computer has no internet access, use Deferred Activation.',
		queuedForSignIn:
			'The activation server cannot be reached. Your activation is queued: when the connection returns, sign in to finish it (this device has not met the server yet, so it could not keep your password safely until then).',
		doneLater: (numbers: string) =>
			`Activated: ${numbers}. The queued activation went through: the license is now in Active Licenses.`,
		needsYou: (email: string, reason: string) =>
			`The queued activation needs you: sign in${email ? ` as ${email}` : ''} to finish it. ${reason}`.trim(),
		signInToFinish: 'Sign in to finish this activation',
		notifyMe: 'Tell me when it is done',
		notificationTitle: 'Airlock License Manager',
		unexpected:
			'The activation could not finish because of an unexpected problem on this device. Try again; if it happens again, open Troubleshooting.',
		refusedPrefix: 'Activation failed:',
		nextSteps: {
			invalid_credentials: 'Check your user ID and password and try again.',
			default: 'If this keeps happening, see Troubleshooting.'
		}
	},
	/** Offline deactivation: giving a license up on this device, and the statement on the portal. */
	deactivation: {
		deactivate: 'Deactivate…',
		help: 'Gives this license up on this device, so that its seat can be used on another computer. It stops working here at once; the seat is freed when the deactivation statement reaches the server (through the activation portal, or by itself when this device is online).',
		confirm: (number: string) =>
			`Deactivate license ${number} on this device? It stops working here at once, and cannot be used here again without a new activation.`,
		failed:
			'The license could not be deactivated because of an unexpected problem on this device. Nothing was changed; try again.',
		title: 'Deactivation statement',
		notReported:
			'Deactivated, not yet reported: take this statement to the activation portal (scan the QR code with a phone, or bring deactivation.txt) to free the seat.',
		reported: 'Deactivated: the server has the statement and the seat is free.',
		qrLabel: 'QR code of the deactivation statement',
		portalHint: 'Or open the activation portal on a computer with internet access:',
		save: 'Save deactivation.txt',
		print: 'Print',
		// On the portal
		portalTitle: 'Deactivation statement (from the old computer)',
		portalIntro:
			'Moving a license to another computer? Load the old computer’s deactivation statement here: its seat is freed before the new computer’s request is activated.',
		chooseFile: 'Choose File… (deactivation.txt)',
		scan: 'Scan the deactivation QR code',
		cameraLabel: 'Camera view: show the QR code of the deactivation statement',
		notAStatement:
			'This QR code is not a deactivation statement. Scan the code shown under “Deactivation statement” in the License Manager.',
		fileTooLarge:
			'This file is too large to be a deactivation statement. Choose the deactivation.txt made by the License Manager.',
		loaded: (number: string, device: string) => `License ${number}, given up by device ${device}.`,
		submit: 'Free the seat',
		freed: (number: string, device: string) => `The seat of license ${number} on device ${device} is free.`,
		offline: 'This phone is offline: connect it to the internet, then free the seat again.'
	}
} as const;

export type Messages = typeof en;
