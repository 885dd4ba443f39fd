import { en } from './en';

/** The messages of the current language. English is the only language so far. */
export const t = en;
