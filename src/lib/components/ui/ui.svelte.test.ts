import { createRawSnippet } from 'svelte';
import { describe, expect, it } from 'vitest';
import { render } from 'vitest-browser-svelte';
import Field from './Field.svelte';
import Outcome from './Outcome.svelte';
import QrDisplay from './QrDisplay.svelte';
import Sheet from './Sheet.svelte';
import SignInForm from './SignInForm.svelte';
import Steps from './Steps.svelte';

/** The control a page would give a Field: an input wired to the ids the Field hands it. */
const input = createRawSnippet<[{ id: string; describedby: string; invalid: true | undefined }]>((props) => ({
	render: () =>
		`<input id="${props().id}" aria-describedby="${props().describedby}"${props().invalid ? ' aria-invalid="true"' : ''} />`
}));

describe('Field', () => {
	it('labels its control and ties the hint to it', async () => {
		const screen = await render(Field, {
			id: 'number',
			label: 'License number',
			hint: 'For example SRV-…',
			children: input
		});
		const control = screen.getByLabelText('License number');
		await expect.element(control).toBeVisible();
		await expect.element(control).toHaveAccessibleDescription('For example SRV-…');
		await expect.element(control).not.toHaveAttribute('aria-invalid');
	});

	it('shows an error as an alert and marks the control invalid', async () => {
		const screen = await render(Field, {
			id: 'number',
			label: 'License number',
			error: 'Type the 4 groups of 4 characters.',
			children: input
		});
		await expect.element(screen.getByRole('alert')).toHaveTextContent('Type the 4 groups of 4 characters.');
		await expect.element(screen.getByLabelText('License number')).toHaveAttribute('aria-invalid', 'true');
		await expect
			.element(screen.getByLabelText('License number'))
			.toHaveAccessibleDescription('Type the 4 groups of 4 characters.');
	});
});

describe('Outcome', () => {
	it('is a status when it went well and an alert when the user must act', async () => {
		const screen = await render(Outcome, { notice: { text: 'Activated.', alert: false } });
		await expect.element(screen.getByRole('status')).toHaveTextContent('Activated.');
		await screen.rerender({ notice: { text: 'Refused: no free seat.', alert: true } });
		await expect.element(screen.getByRole('alert')).toHaveTextContent('Refused: no free seat.');
	});

	it('takes the focus when asked to, so the next step starts from the result', async () => {
		const screen = await render(Outcome, { notice: null, focus: true });
		await screen.rerender({ notice: { text: 'Activated on this device: SRV-1.', alert: false } });
		await expect.element(screen.getByRole('status')).toHaveFocus();
	});
});

describe('Steps', () => {
	it('numbers the steps and marks the current one', async () => {
		const screen = await render(Steps, {
			label: 'Steps',
			steps: ['Generate', 'Take it', 'Load'],
			current: 1
		});
		await expect.element(screen.getByRole('listitem').nth(1)).toHaveAttribute('aria-current', 'step');
		await expect
			.element(screen.getByRole('list', { name: 'Steps' }))
			.toHaveTextContent(/1\s*Generate\s*2\s*Take it\s*3\s*Load/);
	});
});

describe('QrDisplay', () => {
	const svg =
		'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>';

	it('never grows wider than its box, whatever its size', async () => {
		const screen = await render(QrDisplay, { svg, label: 'QR code of the request', size: '40rem' });
		const figure = screen.getByRole('figure', { name: 'QR code of the request' });
		await expect.element(figure).toBeVisible();
		const box = figure.element().getBoundingClientRect();
		expect(box.width).toBeLessThanOrEqual(document.body.clientWidth);
		expect(box.width).toBeGreaterThan(0);
	});

	it('is one picture with its name when it is part of other content', async () => {
		const screen = await render(QrDisplay, { svg, label: 'QR code of the emergency code', role: 'img' });
		await expect.element(screen.getByRole('img', { name: 'QR code of the emergency code' })).toBeVisible();
	});
});

describe('Sheet', () => {
	const children = createRawSnippet(() => ({ render: () => '<p>The license file</p>' }));

	it('opens as a modal dialog with its title, and Close closes it', async () => {
		let closed = 0;
		const screen = await render(Sheet, {
			open: true,
			title: 'SRV-1',
			closeLabel: 'Close',
			details: 'SRV-1',
			onclose: () => closed++,
			children
		});
		const dialog = screen.getByRole('dialog', { name: 'SRV-1' });
		await expect.element(dialog).toBeVisible();
		await expect.element(dialog.getByText('The license file')).toBeVisible();
		await screen.getByRole('button', { name: 'Close' }).click();
		await expect.element(dialog).not.toBeInTheDocument();
		expect(closed).toBe(1);
	});
});

describe('SignInForm', () => {
	const title = createRawSnippet(() => ({ render: () => '<strong>Sign in to see your licenses</strong>' }));

	it('is named by its title, sends what was typed, and forgets the password whatever the answer', async () => {
		const sent: [string, string][] = [];
		const answers: (string | null)[] = ['The user ID or the password is wrong.', null];
		const screen = await render(SignInForm, {
			title,
			email: 'ada@example.com',
			onSignIn: async (email: string, password: string) => {
				sent.push([email, password]);
				return answers.shift()!;
			}
		});
		await expect.element(screen.getByRole('form', { name: 'Sign in to see your licenses' })).toBeVisible();
		await expect.element(screen.getByLabelText('User ID (e-mail)')).toHaveValue('ada@example.com');
		await screen.getByLabelText('Password').fill('not it');
		await screen.getByRole('button', { name: 'Sign in' }).click();
		await expect
			.element(screen.getByRole('alert'))
			.toHaveTextContent('The user ID or the password is wrong.');
		await expect.element(screen.getByLabelText('Password')).toHaveValue('');

		await screen.getByLabelText('Password').fill('the password');
		await screen.getByRole('button', { name: 'Sign in' }).click();
		await expect.element(screen.getByRole('alert')).not.toBeInTheDocument();
		expect(sent).toEqual([
			['ada@example.com', 'not it'],
			['ada@example.com', 'the password']
		]);
		await expect.element(screen.getByLabelText('Password')).toHaveValue('');
	});
});
