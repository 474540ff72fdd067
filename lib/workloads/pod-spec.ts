import { Duration } from 'cdk8s';
import { EnvFrom, EnvValue, k8s, Volume } from 'cdk8s-plus-27';
import type { ISecret, IServiceAccount } from 'cdk8s-plus-27';
import { IConstruct } from 'constructs';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IEnvFromSource } from 'kubernetes-models/v1/EnvFromSource';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import type { IEnvVarSource } from 'kubernetes-models/v1/EnvVarSource';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IToleration } from 'kubernetes-models/v1/Toleration';
import type { ITopologySpreadConstraint } from 'kubernetes-models/v1/TopologySpreadConstraint';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import type { IVolumeMount } from 'kubernetes-models/v1/VolumeMount';
import {
  checkDnsLabel,
  checkDnsSubdomain,
  checkEnum,
  checkEnvName,
  checkInt,
  checkLabelKey,
  checkLabelValue,
  invalidProp,
  wholeSeconds,
} from '../core/errors';
import type { PodSecurity } from '../core/pod-security';
import { PodVolume } from '../core/pod-volume';
import { Probe } from '../core/probe';
import { renderAffinity } from './affinity';
import type { ImagePullPolicy } from './workload';
import type { ContainerResources } from '../core/quantity';
import { checkPlainData, checkProps, isPlainObject, PropShape } from '../core/props';

/**
 * A value of an environment variable: plain text, or a `kplus.EnvValue` (a Secret or ConfigMap key, a field or
 * resource reference).
 */
export type EnvVarValue = string | EnvValue;

/** A volume mounted into a container. */
export interface VolumeMount {
  /**
   * The volume: a cdk8s-plus one (`Volume.fromSecret`, `Volume.fromConfigMap`, `Volume.fromPersistentVolumeClaim`,
   * `Volume.fromEmptyDir`, `Volume.fromCsi` ...), or a {@link PodVolume} (`PodVolume.projected`,
   * `PodVolume.emptyDir` with a Memory `sizeLimit`).
   */
  readonly volume: Volume | PodVolume;
  /** Absolute path in the container, e.g. `/etc/app/tls`. */
  readonly path: string;
  /**
   * Mount it read-only.
   * @default true for Secret, ConfigMap, projected and downward API volumes; false for the others
   */
  readonly readOnly?: boolean;
  /**
   * Mount only this path inside the volume.
   * @default - the whole volume
   */
  readonly subPath?: string;
}

/** A named container port. */
export interface ExtraContainerPort {
  /** IANA service name of the port, e.g. `metrics`. */
  readonly name: string;
  /** The port number. */
  readonly number: number;
}

/**
 * A container beside the workload's main one: another app container, an init container or a native sidecar.
 * It runs under the pod's security context ({@link ContainerOptions.security}) and gets the same checks as the
 * main container.
 */
export interface ExtraContainer {
  /** Container name, unique in the pod. */
  readonly name: string;
  /** Image with an explicit tag or digest. */
  readonly image: string;
  /**
   * When to pull the image.
   * @default 'IfNotPresent'
   */
  readonly imagePullPolicy?: ImagePullPolicy;
  /**
   * Overrides the image's entrypoint.
   * @default - the image's entrypoint
   */
  readonly command?: readonly string[];
  /**
   * Arguments to the entrypoint.
   * @default - the image's arguments
   */
  readonly args?: readonly string[];
  /**
   * Ports the container listens on; unique in the pod (its containers share one network).
   * @default - none
   */
  readonly ports?: readonly ExtraContainerPort[];
  /**
   * Environment variables, in the order given.
   * @default - none
   */
  readonly env?: Readonly<Record<string, EnvVarValue>>;
  /**
   * Whole Secrets or ConfigMaps as environment variables (`kplus.Env.fromSecret`, `kplus.Env.fromConfigMap`).
   * @default - none
   */
  readonly envFrom?: readonly EnvFrom[];
  /**
   * Volumes mounted into this container.
   * @default - none
   */
  readonly mounts?: readonly VolumeMount[];
  /**
   * CPU and memory requests and limits. An autoscaler on CPU or memory utilization needs a request on every
   * container and sidecar (the HPA sums them).
   * @default - none
   */
  readonly resources?: ContainerResources;
  /**
   * Readiness probe (app containers and sidecars only).
   * @default - none
   */
  readonly readiness?: Probe;
  /**
   * Liveness probe (app containers and sidecars only).
   * @default - none
   */
  readonly liveness?: Probe;
  /**
   * Startup probe (app containers and sidecars only).
   * @default - none
   */
  readonly startup?: Probe;
}

/** How a pod tolerates a node taint. */
export interface Toleration {
  /**
   * The taint key; with `Exists` and no key, every taint is tolerated.
   * @default - any key (only with operator 'Exists')
   */
  readonly key?: string;
  /**
   * `Equal` matches the taint's value, `Exists` any value.
   * @default 'Equal'
   */
  readonly operator?: 'Equal' | 'Exists';
  /**
   * The taint value, with `Equal`.
   * @default ''
   */
  readonly value?: string;
  /**
   * The taint effect tolerated.
   * @default - every effect
   */
  readonly effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  /**
   * With `NoExecute`: how long the pod stays on a node after the taint appears.
   * @default - for ever
   */
  readonly tolerationSeconds?: Duration;
}

/** How the pods spread across a topology (zones, nodes). */
export interface TopologySpread {
  /** Node label that names the domains, e.g. `topology.kubernetes.io/zone` or `kubernetes.io/hostname`. */
  readonly topologyKey: string;
  /**
   * The most the pod counts of two domains may differ.
   * @default 1
   */
  readonly maxSkew?: number;
  /**
   * What the scheduler does when no node keeps the skew: `ScheduleAnyway` prefers the spread but never leaves a
   * pod pending; `DoNotSchedule` keeps the pod pending.
   * @default 'ScheduleAnyway'
   */
  readonly whenUnsatisfiable?: 'DoNotSchedule' | 'ScheduleAnyway';
  /**
   * With `DoNotSchedule`: the fewest domains the pods spread over, so a cluster scaling out gets new domains
   * used.
   * @default - no minimum
   */
  readonly minDomains?: number;
}

/** Labels and annotations of the pod template. */
export interface PodMetadata {
  /**
   * Labels on every pod, beside the identity labels (which they may not override).
   * @default - none
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Annotations on every pod.
   * @default - none
   */
  readonly annotations?: Readonly<Record<string, string>>;
}

/** Pod-level settings shared by every workload construct: identity, more containers, scheduling and shutdown. */
export interface PodOptions {
  /**
   * The service account the pods run as: a `kplus.ServiceAccount`, or `kplus.ServiceAccount.fromServiceAccountName`
   * for an existing one. Its token is still not mounted unless `automountServiceAccountToken` is true.
   * @default - the namespace's `default` service account
   */
  readonly serviceAccount?: IServiceAccount;
  /**
   * Secrets holding registry credentials to pull the images with (`kplus.Secret.fromSecretName` for existing
   * ones).
   * @default - none
   */
  readonly imagePullSecrets?: readonly ISecret[];
  /**
   * More app containers beside the main one.
   * @default - none
   */
  readonly containers?: readonly ExtraContainer[];
  /**
   * Containers that run to completion, in order, before the app containers start.
   * @default - none
   */
  readonly initContainers?: readonly ExtraContainer[];
  /**
   * Native sidecars: init containers with `restartPolicy: Always` (Kubernetes 1.29+), started before the init
   * containers and the app containers and stopped after them.
   * @default - none
   */
  readonly sidecars?: readonly ExtraContainer[];
  /**
   * Node labels a node must carry to run the pods.
   * @default - any node
   */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /**
   * Taints the pods tolerate.
   * @default - none
   */
  readonly tolerations?: readonly Toleration[];
  /**
   * Node affinity and pod (anti-)affinity, as Kubernetes writes them.
   * @default - none
   */
  readonly affinity?: k8s.Affinity;
  /**
   * Spread the pods across zones or nodes. The constraint selects the workload's pods by its identity labels
   * (never the version) and counts each rollout's pods apart (`matchLabelKeys` with the pod-template hash), so
   * a rollout does not skew the spread.
   * @default - none
   */
  readonly topologySpread?: readonly TopologySpread[];
  /**
   * Name of the PriorityClass of the pods.
   * @default - the cluster's default priority
   */
  readonly priorityClassName?: string;
  /**
   * How long Kubernetes waits for a stopping pod before killing it.
   * @default - Kubernetes' default (30 s)
   */
  readonly terminationGracePeriod?: Duration;
  /**
   * A `preStop` sleep on the main container: the pod keeps serving while the endpoints and load balancers
   * forget it (Kubernetes 1.30+). Must be shorter than the termination grace period.
   * @default - none
   */
  readonly preStopSleep?: Duration;
  /**
   * Labels and annotations on the pod template.
   * @default - the identity labels only
   */
  readonly podMetadata?: PodMetadata;
}

/** @internal The runtime shape of the volume mounts, for `checkProps`. */
const MOUNT_SHAPE: PropShape = { volume: 'any', path: 'string!', readOnly: 'boolean', subPath: 'string' };
const TOLERATION_SHAPE: PropShape = {
  key: 'string',
  operator: 'string',
  value: 'string',
  effect: 'string',
  tolerationSeconds: Duration,
};
const SPREAD_SHAPE: PropShape = {
  topologyKey: 'string!',
  maxSkew: 'number',
  whenUnsatisfiable: 'string',
  minDomains: 'number',
};

/** @internal The runtime shape of {@link PodOptions}, for `checkProps`. */
export const POD_OPTIONS_SHAPE: PropShape = {
  serviceAccount: 'construct',
  imagePullSecrets: 'array',
  containers: 'array',
  initContainers: 'array',
  sidecars: 'array',
  nodeSelector: 'map',
  tolerations: 'array',
  affinity: 'object',
  topologySpread: 'array',
  priorityClassName: 'string',
  terminationGracePeriod: Duration,
  preStopSleep: Duration,
  podMetadata: { labels: 'map', annotations: 'map' },
};

/** @internal The runtime shape of {@link ExtraContainer}. */
export const EXTRA_CONTAINER_SHAPE: PropShape = {
  name: 'string!',
  image: 'string!',
  imagePullPolicy: 'string',
  command: 'any',
  args: 'any',
  ports: 'array',
  env: 'map',
  envFrom: 'array',
  mounts: 'array',
  resources: 'object',
  readiness: Probe,
  liveness: Probe,
  startup: Probe,
};

// Secret and ConfigMap keys: what the API server allows (IsConfigMapKey).
const DATA_KEY = /^[-._a-zA-Z0-9]+$/;
const READ_ONLY_SOURCES = ['secret', 'configMap', 'projected', 'downwardAPI'] as const;

/**
 * The environment of a container: plain strings and `kplus.EnvValue`s, checked, in the order given.
 * @internal
 */
export function renderEnv(scope: IConstruct, prop: string, value: unknown): IEnvVar[] {
  const envMap: unknown = value ?? {};
  if (!isPlainObject(envMap))
    invalidProp(scope, prop, envMap, 'must be an object of variable names to string or EnvValue values');
  checkPlainData(scope, prop, envMap);
  return Object.entries(envMap).map(([name, v]) => {
    checkEnvName(scope, `${prop}.${name}`, name);
    if (typeof v === 'string') return { name, value: v };
    if (!(v instanceof EnvValue))
      invalidProp(
        scope,
        `${prop}.${name}`,
        v,
        'must be a string or a kplus.EnvValue (Kubernetes takes only string values: quote numbers and booleans)',
      );
    if (v.valueFrom !== undefined) return { name, valueFrom: renderEnvSource(scope, `${prop}.${name}`, v.valueFrom) };
    if (typeof v.value !== 'string')
      invalidProp(
        scope,
        `${prop}.${name}`,
        v.value,
        'must be an EnvValue with a string value or a source (EnvValue.fromProcess of an unset variable has neither)',
      );
    return { name, value: v.value };
  });
}

/** A kplus env source as Kubernetes JSON, with the Secret or ConfigMap it names checked. */
function renderEnvSource(scope: IConstruct, prop: string, source: unknown): IEnvVarSource {
  const json = k8s.toJson_EnvVarSource(source as k8s.EnvVarSource) as IEnvVarSource;
  const ref = json.secretKeyRef ?? json.configMapKeyRef;
  if (ref) {
    const what = json.secretKeyRef ? 'Secret' : 'ConfigMap';
    checkDnsSubdomain(scope, `${prop}.name`, ref.name);
    checkDataKey(scope, `${prop}.key`, ref.key, what);
  }
  return json;
}

function checkDataKey(scope: IConstruct, prop: string, key: unknown, what: string): void {
  if (typeof key !== 'string' || key.length > 253 || !DATA_KEY.test(key))
    invalidProp(scope, prop, key, `must be a ${what} key: at most 253 letters, digits, "-", "_" and "."`);
}

/** `envFrom` of a container: kplus.EnvFrom values (`Env.fromSecret`, `Env.fromConfigMap`). @internal */
export function renderEnvFrom(scope: IConstruct, prop: string, value: unknown): IEnvFromSource[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value))
    invalidProp(scope, prop, value, 'must be an array of kplus.EnvFrom (Env.fromSecret(...), Env.fromConfigMap(...))');
  const out = value.map((e: unknown, i) => {
    if (!(e instanceof EnvFrom))
      invalidProp(scope, `${prop}[${i}]`, e, 'must be a kplus.EnvFrom, made by Env.fromSecret or Env.fromConfigMap');
    const json = k8s.toJson_EnvFromSource(e._toKube()) as IEnvFromSource;
    const ref = json.secretRef ?? json.configMapRef;
    if (ref) checkDnsSubdomain(scope, `${prop}[${i}].name`, ref.name);
    if (json.prefix !== undefined && json.prefix !== '') checkEnvName(scope, `${prop}[${i}].prefix`, json.prefix);
    return json;
  });
  return out.length ? out : undefined;
}

/**
 * The volumes of a pod, collected from its containers' mounts: one entry per volume, a name used by two
 * different volumes refused.
 * @internal
 */
export class PodVolumes {
  private readonly byName = new Map<string, { owner: Volume | PodVolume | string; json: IVolume }>();

  constructor(private readonly scope: IConstruct) {}

  /** Reserves a volume the library adds itself (e.g. the writable `/tmp`). */
  public reserve(volume: IVolume, owner: string): void {
    this.byName.set(volume.name, { owner, json: volume });
  }

  /** The volumes, in the order they were first mounted. */
  public get list(): IVolume[] | undefined {
    return this.byName.size ? [...this.byName.values()].map(v => v.json) : undefined;
  }

  /**
   * Checks the mounts of one container and returns them, registering their volumes; `level` is the pod's Pod
   * Security Standard, which limits the volume types.
   */
  public mount(prop: string, mounts: unknown, taken: readonly string[], level: PodSecurity['level']): IVolumeMount[] {
    if (mounts === undefined) return [];
    if (!Array.isArray(mounts))
      invalidProp(this.scope, prop, mounts, 'must be an array of mounts ({ volume, path, readOnly?, subPath? })');
    const paths = new Set(taken);
    return mounts.map((m: unknown, i) => {
      const at = `${prop}[${i}]`;
      checkProps(this.scope, m, MOUNT_SHAPE, `${at}.`);
      const mount = m as VolumeMount;
      if (!(mount.volume instanceof Volume || mount.volume instanceof PodVolume))
        invalidProp(
          this.scope,
          `${at}.volume`,
          mount.volume,
          `${mount.volume === undefined ? 'is required: give' : 'must be'} a kplus.Volume (Volume.fromSecret ...) or a PodVolume`,
        );
      checkMountPath(this.scope, `${at}.path`, mount.path);
      if (paths.has(mount.path))
        invalidProp(
          this.scope,
          `${at}.path`,
          mount.path,
          taken.includes(mount.path)
            ? 'must differ from /tmp, where the writable emptyDir of PodSecurity is mounted (set writableTmp: false to mount your own)'
            : 'must differ from the other mount paths of the container',
        );
      paths.add(mount.path);
      if (mount.subPath !== undefined && (mount.subPath.startsWith('/') || mount.subPath.split('/').includes('..')))
        invalidProp(this.scope, `${at}.subPath`, mount.subPath, 'must be a relative path without ".." segments');
      const json = this.add(`${at}.volume`, mount.volume);
      checkVolumeType(this.scope, `${at}.volume`, json, level);
      const readOnlyByDefault = READ_ONLY_SOURCES.some(k => json[k] !== undefined);
      return {
        name: json.name,
        mountPath: mount.path,
        readOnly: mount.readOnly ?? (readOnlyByDefault ? true : undefined),
        subPath: mount.subPath,
      };
    });
  }

  private add(prop: string, volume: Volume | PodVolume): IVolume {
    const name = volume.name;
    checkDnsLabel(this.scope, `${prop}.name`, name);
    const seen = this.byName.get(name);
    if (seen) {
      if (seen.owner === volume) return seen.json;
      const other =
        typeof seen.owner === 'string'
          ? seen.owner
          : seen.owner instanceof PodVolume
            ? `another PodVolume`
            : `the volume at ${seen.owner.node.path}`;
      invalidProp(this.scope, `${prop}.name`, name, `must differ from the name of ${other}: give the volume a name`);
    }
    const json =
      volume instanceof PodVolume ? volume._render(this.scope, prop) : (k8s.toJson_Volume(volume._toKube()) as IVolume);
    this.byName.set(name, { owner: volume, json });
    return json;
  }
}

// The volume types the "restricted" Pod Security Standard allows; "baseline" refuses only hostPath.
const RESTRICTED_VOLUME_TYPES = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
];

function checkVolumeType(scope: IConstruct, prop: string, volume: IVolume, level: PodSecurity['level']): void {
  const type = Object.keys(volume).find(k => k !== 'name' && volume[k as keyof IVolume] !== undefined) ?? 'unknown';
  if (type === 'hostPath')
    invalidProp(
      scope,
      prop,
      `${type} volume ${volume.name}`,
      'must not be a hostPath volume: it reaches into the node, which only the "privileged" Pod Security Standard allows',
    );
  if (level === 'restricted' && !RESTRICTED_VOLUME_TYPES.includes(type))
    invalidProp(
      scope,
      prop,
      `${type} volume ${volume.name}`,
      `must be a volume type the "restricted" Pod Security Standard allows (${RESTRICTED_VOLUME_TYPES.join(', ')}), or the pod's security must be PodSecurity.baseline()`,
    );
}

function checkMountPath(scope: IConstruct, prop: string, path: unknown): void {
  if (typeof path !== 'string' || !path.startsWith('/') || path.includes(':') || path.split('/').includes('..'))
    invalidProp(scope, prop, path, 'must be an absolute path without ":" or ".." segments, e.g. "/etc/app/tls"');
}

/** A map of labels: keys and values checked, the identity keys refused. @internal */
export function checkLabels(
  scope: IConstruct,
  prop: string,
  value: unknown,
  reserved: readonly string[],
): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) invalidProp(scope, prop, value, 'must be an object of label keys to label values');
  checkPlainData(scope, prop, value);
  for (const [k, v] of Object.entries(value)) {
    checkLabelKey(scope, `${prop}.${k}`, k);
    if (reserved.includes(k))
      invalidProp(
        scope,
        `${prop}.${k}`,
        v,
        'must be left out: the library sets this label itself (the identity and selector labels are its own)',
      );
    checkLabelValue(scope, `${prop}.${k}`, v);
  }
  return Object.keys(value).length ? { ...(value as Record<string, string>) } : undefined;
}

/** A map of annotations: keys are label keys, values strings. @internal */
export function checkAnnotations(scope: IConstruct, prop: string, value: unknown): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) invalidProp(scope, prop, value, 'must be an object of annotation keys to string values');
  checkPlainData(scope, prop, value);
  for (const [k, v] of Object.entries(value)) {
    checkLabelKey(scope, `${prop}.${k}`, k);
    if (typeof v !== 'string') invalidProp(scope, `${prop}.${k}`, v, 'must be a string');
  }
  return Object.keys(value).length ? { ...(value as Record<string, string>) } : undefined;
}

/** What the pod-level settings need to know about the workload. @internal */
export interface PodIdentity {
  /** Labels the topology spread selects on: the identity labels, never the version. */
  readonly selectorLabels: Readonly<Record<string, string>>;
  /** The label each rollout's pods carry apart: `pod-template-hash` (Argo: `rollouts-pod-template-hash`). */
  readonly hashLabel: string;
}

/** Kubernetes' termination grace period when none is set. */
const DEFAULT_GRACE_SECONDS = 30;

/**
 * The pod-level fields of {@link PodOptions}: service account, pull secrets, scheduling and shutdown, checked.
 * @internal
 */
export function renderPodSettings(
  scope: IConstruct,
  o: PodOptions,
  identity: PodIdentity | undefined,
): Omit<IPodSpec, 'containers'> {
  const sa: unknown = o.serviceAccount;
  if (sa !== undefined && !hasName(sa))
    invalidProp(scope, 'serviceAccount', sa, 'must be a kplus.IServiceAccount (ServiceAccount.fromServiceAccountName)');
  if (sa !== undefined) checkDnsSubdomain(scope, 'serviceAccount.name', sa.name);
  const pullSecrets = namedList(scope, 'imagePullSecrets', o.imagePullSecrets, 'kplus.ISecret (Secret.fromSecretName)');
  if (o.priorityClassName !== undefined) checkDnsSubdomain(scope, 'priorityClassName', o.priorityClassName);
  const grace = wholeSeconds(scope, 'terminationGracePeriod', o.terminationGracePeriod, 0);
  const affinity = renderAffinity(scope, 'affinity', o.affinity);
  return {
    serviceAccountName: sa !== undefined ? sa.name : undefined,
    imagePullSecrets: pullSecrets?.map(name => ({ name })),
    priorityClassName: o.priorityClassName,
    terminationGracePeriodSeconds: grace,
    nodeSelector: checkLabels(scope, 'nodeSelector', o.nodeSelector, []),
    tolerations: renderTolerations(scope, o.tolerations),
    affinity,
    topologySpreadConstraints: renderSpread(scope, o.topologySpread, identity),
  };
}

/** The `preStop` sleep of the main container, checked against the grace period. @internal */
export function renderPreStopSleep(scope: IConstruct, o: PodOptions): IContainer['lifecycle'] {
  const sleep = wholeSeconds(scope, 'preStopSleep', o.preStopSleep, 1);
  if (sleep === undefined) return undefined;
  const grace = wholeSeconds(scope, 'terminationGracePeriod', o.terminationGracePeriod, 0) ?? DEFAULT_GRACE_SECONDS;
  if (sleep >= grace)
    invalidProp(
      scope,
      'preStopSleep',
      `${sleep}s`,
      `must be shorter than the termination grace period (${grace}s${o.terminationGracePeriod ? '' : ', the default'}): the kubelet kills the container when it ends; raise terminationGracePeriod`,
    );
  return { preStop: { sleep: { seconds: sleep } } };
}

function hasName(v: unknown): v is { name: string } {
  return typeof v === 'object' && v !== null && typeof (v as { name?: unknown }).name === 'string';
}

function namedList(scope: IConstruct, prop: string, value: unknown, what: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) invalidProp(scope, prop, value, `must be an array of ${what}`);
  const names = value.map((v: unknown, i) => {
    if (!hasName(v)) invalidProp(scope, `${prop}[${i}]`, v, `must be a ${what}`);
    checkDnsSubdomain(scope, `${prop}[${i}].name`, v.name);
    return v.name;
  });
  return names.length ? [...new Set(names)] : undefined;
}

function renderTolerations(scope: IConstruct, value: unknown): IToleration[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) invalidProp(scope, 'tolerations', value, 'must be an array of tolerations');
  const out = value.map((t: unknown, i): IToleration => {
    const at = `tolerations[${i}]`;
    checkProps(scope, t, TOLERATION_SHAPE, `${at}.`);
    const o = t as Toleration;
    const operator = o.operator ?? 'Equal';
    checkEnum(scope, `${at}.operator`, operator, ['Equal', 'Exists']);
    if (o.effect !== undefined)
      checkEnum(scope, `${at}.effect`, o.effect, ['NoSchedule', 'PreferNoSchedule', 'NoExecute']);
    if (o.key !== undefined) checkLabelKey(scope, `${at}.key`, o.key);
    if (o.key === undefined && operator !== 'Exists')
      invalidProp(
        scope,
        `${at}.key`,
        undefined,
        'must be given unless operator is "Exists" (which then tolerates every taint)',
      );
    if (operator === 'Exists' && o.value !== undefined && o.value !== '')
      invalidProp(scope, `${at}.value`, o.value, 'must be left out with operator "Exists"');
    if (o.value !== undefined && o.value !== '') checkLabelValue(scope, `${at}.value`, o.value);
    const seconds = wholeSeconds(scope, `${at}.tolerationSeconds`, o.tolerationSeconds, 0);
    if (seconds !== undefined && o.effect !== 'NoExecute')
      invalidProp(scope, `${at}.tolerationSeconds`, `${seconds}s`, 'only applies with effect "NoExecute"');
    return { key: o.key, operator, value: o.value, effect: o.effect, tolerationSeconds: seconds };
  });
  return out.length ? out : undefined;
}

function renderSpread(
  scope: IConstruct,
  value: unknown,
  identity: PodIdentity | undefined,
): ITopologySpreadConstraint[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) invalidProp(scope, 'topologySpread', value, 'must be an array of { topologyKey, ... }');
  if (!identity) invalidProp(scope, 'topologySpread', value, 'is not supported here');
  const keys = new Set<string>();
  const out = value.map((s: unknown, i): ITopologySpreadConstraint => {
    const at = `topologySpread[${i}]`;
    checkProps(scope, s, SPREAD_SHAPE, `${at}.`);
    const o = s as TopologySpread;
    checkLabelKey(scope, `${at}.topologyKey`, o.topologyKey);
    if (keys.has(o.topologyKey))
      invalidProp(scope, `${at}.topologyKey`, o.topologyKey, "must differ from the other constraints' topology keys");
    keys.add(o.topologyKey);
    const maxSkew = o.maxSkew ?? 1;
    checkInt(scope, `${at}.maxSkew`, maxSkew, 1);
    const when = o.whenUnsatisfiable ?? 'ScheduleAnyway';
    checkEnum(scope, `${at}.whenUnsatisfiable`, when, ['DoNotSchedule', 'ScheduleAnyway']);
    if (o.minDomains !== undefined) {
      checkInt(scope, `${at}.minDomains`, o.minDomains, 1);
      if (when !== 'DoNotSchedule')
        invalidProp(scope, `${at}.minDomains`, o.minDomains, 'only applies with whenUnsatisfiable "DoNotSchedule"');
    }
    return {
      maxSkew,
      topologyKey: o.topologyKey,
      whenUnsatisfiable: when,
      minDomains: o.minDomains,
      labelSelector: { matchLabels: { ...identity.selectorLabels } },
      // Each rollout's pods are counted apart, so old pods leaving do not skew the new ones' spread.
      matchLabelKeys: [identity.hashLabel],
    };
  });
  return out.length ? out : undefined;
}
