// Why a license check says no: a documented set of codes (docs/SDK.md), each with a sentence a
// vendor's program can show as it is.
export const CHECK_REASONS = {
	not_activated: 'This product is not activated on this computer. Activate a license for it.',
	expansion_missing:
		'This feature needs an expansion that is not activated on this computer. Activate the expansion, or click Refresh if it was just bought.',
	expired: 'The license has expired. Click Refresh, or ask your vendor to renew it.',
	emergency_over:
		'The Emergency Activation has ended (5 days at most). Activate the license with Instant or Deferred Activation.',
	clock_set_back:
		'This computer’s clock was set back, so time-limited licenses cannot be trusted. Set the date and time right, then connect once so the server confirms the time.',
	not_yet_valid:
		'The license file is dated in the future: this computer’s date and time are wrong. Set them right.',
	other_device: 'The license file was issued for another computer. Activate the license on this computer.',
	unknown_key:
		'The license file was signed by a key this computer does not trust (unknown, or withdrawn by the vendor). Click Refresh, or activate again.',
	tampered: 'The license file was changed after it was issued, so it cannot be used. Activate again.',
	deactivated: 'The license was deactivated on this computer (its seat was released).',
	deactivated_not_reported:
		'The license was deactivated on this computer; its seat is freed once the server has the deactivation statement. Show the statement in the License Manager and take it to the activation portal.',
	revoked: 'The vendor has revoked this license on this computer.',
	invalid_query: 'The product or expansion code is not valid: it is three characters, such as SRV.',
	storage_closed:
		'The licenses on this computer can no longer be read: their storage was deleted or closed while the program ran. Restart the program; if the licenses are gone, activate them again.'
} as const;

export type CheckReason = keyof typeof CHECK_REASONS;
