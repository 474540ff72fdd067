import { BadInput } from '../bad-input-kit';

/** Bad inputs for whole-app checks (duplicates, selector overlap, size limits) and synthesizeApp. */
export const APP_ROWS: readonly BadInput[] = [
];
