// Every user-facing string of the app lives here, so a translation is one file.
export const en = {
	appName: 'Airlock License Manager',
	appShortName: 'Airlock',
	nav: {
		home: 'License Manager',
		instant: 'Instant Activation',
		deferred: 'Deferred Activation',
		emergency: 'Emergency Activation',
		refresh: 'Refresh',
		licenseList: 'License list',
		troubleshooting: 'Troubleshooting'
	},
	home: {
		title: 'License Manager',
		activeLicenses: 'Active Licenses',
		noLicenses: 'No license is active on this device yet.',
		chooseMode: 'Choose an activation mode. We recommend Instant Activation.'
	}
} as const;

export type Messages = typeof en;
