import { IConstruct } from 'constructs';

/**
 * Makes sure the whole-app checks (duplicate objects, selectors that catch another workload's
 * pods, object size limits) run when the app containing `scope` synthesizes, whichever way it
 * synthesizes. Called by every library construct (through `checkProps`); registers once per app.
 */
export function ensureAppChecks(_scope: IConstruct): void {
  // Filled in by the whole-app checks.
}
