import { IConstruct } from 'constructs';
import { checkLabelKey, invalidProp } from './errors';
import { isPlainObject } from './props';

/** The release track a workload runs on. The track is part of a workload's identity; the version is not. */
export type Track = 'stable' | 'canary';

/**
 * Which label keys carry an app's identity, track and version.
 * Selectors use only `app` and `track`: selectors are immutable, so a version in
 * them would force a delete and re-create on every release.
 */
export interface LabelKeys {
  /**
   * Identity label shared by every version and track of the app.
   * @default 'app.kubernetes.io/name'
   */
  readonly app?: string;
  /**
   * Track label (`stable` or `canary`).
   * @default 'app.kubernetes.io/track'
   */
  readonly track?: string;
  /**
   * Version label; on pods and objects, never in a selector.
   * @default 'app.kubernetes.io/version'
   */
  readonly version?: string;
}

/** Label keys with every default applied. */
export type ResolvedLabelKeys = Required<LabelKeys>;

export const DEFAULT_LABEL_KEYS: ResolvedLabelKeys = {
  app: 'app.kubernetes.io/name',
  track: 'app.kubernetes.io/track',
  version: 'app.kubernetes.io/version',
};

/** Applies the defaults and checks the keys: valid label keys, three different ones. */
export function resolveLabelKeys(scope: IConstruct, keys: LabelKeys | undefined): ResolvedLabelKeys {
  if (keys !== undefined && !isPlainObject(keys))
    invalidProp(scope, 'labelKeys', keys, 'must be an object of label keys ({ app, track, version }) or left out');
  const resolved = { ...DEFAULT_LABEL_KEYS, ...stripUndefined(keys ?? {}) };
  for (const key of ['app', 'track', 'version'] as const) {
    checkLabelKey(scope, `labelKeys.${key}`, resolved[key]);
    // Valid for Kubernetes, but cdk8s cannot render an object with such an own key.
    if (['constructor', 'prototype'].includes(resolved[key])) {
      invalidProp(
        scope,
        `labelKeys.${key}`,
        resolved[key],
        'is a reserved JavaScript name that cdk8s cannot write as a label key: use a prefixed key such as "example.com/app"',
      );
    }
  }
  if (new Set(Object.values(resolved)).size !== 3) {
    invalidProp(scope, 'labelKeys', resolved, 'must use three different keys for app, track and version');
  }
  return resolved;
}

function stripUndefined<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}
