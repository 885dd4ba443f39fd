import { enShell } from './en-shell';

/** The messages of the app shell and the home page in the current language (see index.ts). */
export const t = enShell;
