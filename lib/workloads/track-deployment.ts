import { ApiObject, Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import {
  checkDnsSubdomain,
  checkLabelValue,
  checkPositiveInt,
  DNS1123_SUBDOMAIN,
  invalidProp,
  wholeSeconds,
} from '../core/errors';
import { PropShape } from '../core/props';
import { LabelKeys, resolveLabelKeys, Track } from '../core/labels';
import { UpdateStrategy } from '../core/update-strategy';
import { PodWorkload, PodWorkloadIdentity } from './pod-workload';
import { ContainerOptions, resolveVersion, WorkloadOptions } from './workload';

/** How a Deployment rolls out changes, shared by the stable and canary tracks. */
export interface DeploymentUpdateOptions {
  /**
   * How pods are replaced on a change.
   * @default UpdateStrategy.rollingUpdate() (25% surge, 25% unavailable)
   */
  readonly strategy?: UpdateStrategy;
  /**
   * How long a new pod must be ready before it counts as available.
   * @default - Kubernetes' default (0 s)
   */
  readonly minReady?: Duration;
  /**
   * How long a rollout may make no progress before it is reported as failed.
   * @default - Kubernetes' default (600 s)
   */
  readonly progressDeadline?: Duration;
  /**
   * Old ReplicaSets kept for `kubectl rollout undo`.
   * @default - Kubernetes' default (10)
   */
  readonly revisionHistoryLimit?: number;
}

/** @internal The runtime shape of {@link DeploymentUpdateOptions}, for `checkProps`. */
export const DEPLOYMENT_UPDATE_SHAPE: PropShape = {
  strategy: UpdateStrategy,
  minReady: Duration,
  progressDeadline: Duration,
  revisionHistoryLimit: 'number',
};

/** @internal Everything a track deployment needs once its app and labels are settled. */
export interface TrackDeploymentSettings extends ContainerOptions, DeploymentUpdateOptions, WorkloadOptions {
  readonly app: string;
  readonly labelKeys?: LabelKeys;
  readonly name?: string;
}

/** @internal apiVersion and kind of a Deployment, which an autoscaler targets. */
export const DEPLOYMENT_KIND = { apiVersion: 'apps/v1', kind: 'Deployment' };

/** A Deployment of one app on one track. Base of StableDeployment and CanaryDeployment. */
export abstract class TrackDeployment extends PodWorkload {
  /** The Deployment manifest; use `ApiObject.of(...).addJsonPatch()` for fields the props do not cover. */
  public readonly deployment: ApiObject;
  public readonly fixedReplicaCount = false;
  /**
   * The container, pod and object options (labels, annotations) this Deployment was built from; a canary starts
   * from its stable's. The disruption budget is not among them: each track sizes its own.
   */
  public readonly containerOptions: ContainerOptions & Pick<WorkloadOptions, 'labels' | 'annotations'>;

  /**
   * @internal StableDeployment and CanaryDeployment are the subclasses.
   * @param props the props as given, checked against `shape` before anything reads them
   * @param settingsOf turns the checked props into the deployment's settings
   */
  protected constructor(
    scope: Construct,
    id: string,
    props: unknown,
    shape: PropShape,
    track: Track,
    // `never`: each subclass's function takes its own props type, which the shape check has just vouched for.
    settingsOf: (self: Construct, props: never) => TrackDeploymentSettings,
  ) {
    // The settings are made while the identity is checked (a canary's come from its stable), and used after.
    let settings!: TrackDeploymentSettings;
    super(scope, id, {
      props,
      shape,
      kind: DEPLOYMENT_KIND,
      track,
      identify: self => {
        settings = settingsOf(self, props as never);
        return identifyTrack(self, settings, track);
      },
    });
    // What a canary inherits: the container, pod and update options, not the identity (app, name, replicas, label
    // keys) nor the disruption budget, which depends on the track's own pod count.
    const {
      app: _app,
      name: _name,
      labelKeys: _keys,
      replicas: _replicas,
      disruptionBudget: _budget,
      ...containerOptions
    } = settings as TrackDeploymentSettings & { replicas?: number };
    this.containerOptions = containerOptions;
    const timing = renderUpdateTiming(this, settings);
    const template = this.podTemplate(settings);
    const strategy = (settings.strategy ?? UpdateStrategy.rollingUpdate())._render(this, 'strategy');
    this.deployment = this.createManifest(() => ({ ...timing, strategy, template }));
  }
}

/** Checks a track deployment's app, label keys, name and version. */
function identifyTrack(scope: Construct, settings: TrackDeploymentSettings, track: Track): PodWorkloadIdentity {
  const app = settings.app;
  const labelKeys = resolveLabelKeys(scope, settings.labelKeys);
  checkLabelValue(scope, 'app', app);
  if (app === '') invalidProp(scope, 'app', app, 'must not be empty');
  let name: string;
  if (settings.name !== undefined) {
    checkDnsSubdomain(scope, 'name', settings.name);
    name = settings.name;
  } else {
    name = `${app}-${track}`;
    // The default name is made from app: report it as app, the prop the user set.
    if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) {
      invalidProp(
        scope,
        'app',
        app,
        `makes the default Deployment name "${name}", which is not a DNS-1123 subdomain (lower-case letters, digits, "-" and ".", at most 253 characters): use such an app or set name`,
      );
    }
  }
  const { labels, annotations, disruptionBudget } = settings;
  return {
    app,
    labelKeys,
    name,
    version: resolveVersion(scope, settings),
    container: settings,
    options: { labels, annotations, disruptionBudget },
  };
}

/** `progressDeadlineSeconds` of a Deployment or Rollout that sets none. */
const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;

/**
 * `revisionHistoryLimit`, `minReadySeconds` and `progressDeadlineSeconds` of a Deployment or
 * Rollout spec, checked: a progress deadline not longer than minReady fails every rollout.
 */
export function renderUpdateTiming(
  scope: IConstruct,
  options: Pick<DeploymentUpdateOptions, 'minReady' | 'progressDeadline' | 'revisionHistoryLimit'>,
) {
  if (options.revisionHistoryLimit !== undefined)
    checkPositiveInt(scope, 'revisionHistoryLimit', options.revisionHistoryLimit, { allowZero: true });
  const minReadySeconds = wholeSeconds(scope, 'minReady', options.minReady);
  const progressDeadlineSeconds = wholeSeconds(scope, 'progressDeadline', options.progressDeadline);
  if (progressDeadlineSeconds !== undefined && progressDeadlineSeconds <= (minReadySeconds ?? 0)) {
    invalidProp(
      scope,
      'progressDeadline',
      `${progressDeadlineSeconds}s`,
      `must be longer than minReady (${minReadySeconds ?? 0}s), or every rollout is reported as failed`,
    );
  }
  // The API server (and Argo) default progressDeadlineSeconds to 600 and then make the same comparison.
  if (progressDeadlineSeconds === undefined && (minReadySeconds ?? 0) >= DEFAULT_PROGRESS_DEADLINE_SECONDS) {
    invalidProp(
      scope,
      'minReady',
      `${minReadySeconds}s`,
      `must be shorter than the progress deadline, ${DEFAULT_PROGRESS_DEADLINE_SECONDS}s by default (the API server refuses the object otherwise); set progressDeadline longer, or minReady shorter`,
    );
  }
  return { revisionHistoryLimit: options.revisionHistoryLimit, minReadySeconds, progressDeadlineSeconds };
}
