/** A sentence telling the user what an action came to; `alert` when they must do something. */
export interface Notice {
	text: string;
	alert: boolean;
}
