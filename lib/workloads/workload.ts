import type { EnvFrom } from 'cdk8s-plus-27';
import { IConstruct } from 'constructs';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IContainerPort } from 'kubernetes-models/v1/ContainerPort';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import {
  checkDnsLabel,
  checkEnum,
  checkLabelValue,
  checkPort,
  checkPortName,
  checkStringArray,
  DNS1123_LABEL,
  invalidProp,
  LABEL_VALUE,
} from '../core/errors';
import { ResolvedLabelKeys, Track } from '../core/labels';
import { PodSecurity } from '../core/pod-security';
import { Probe, ProbeKind } from '../core/probe';
import { checkProps, PropShape } from '../core/props';
import { ContainerResources, renderResources, RESOURCES_SHAPE } from '../core/quantity';
import { DISRUPTION_BUDGET_OPTIONS_SHAPE, DisruptionBudgetOptions } from './disruption-budget';
import {
  checkAnnotations,
  checkLabels,
  EnvVarValue,
  EXTRA_CONTAINER_SHAPE,
  ExtraContainer,
  ExtraContainerPort,
  POD_OPTIONS_SHAPE,
  PodIdentity,
  PodOptions,
  PodVolumes,
  renderEnv,
  renderEnvFrom,
  renderPodSettings,
  renderPreStopSleep,
  VolumeMount,
} from './pod-spec';

/** When the kubelet pulls the image. */
export type ImagePullPolicy = 'Always' | 'IfNotPresent' | 'Never';

/** A workload's main container and its pod-level settings, shared by every workload construct. */
export interface ContainerOptions extends PodOptions {
  /** Image with an explicit tag or digest, e.g. `dummy-api:1.0`. */
  readonly image: string;
  /**
   * Version recorded in the version label.
   * @default - the image tag
   */
  readonly version?: string;
  /**
   * Container name.
   * @default - the app name
   */
  readonly containerName?: string;
  /**
   * Port the container listens on.
   * @default - no port
   */
  readonly port?: number;
  /**
   * Name of the container port; Services and probes refer to it.
   * @default 'http'
   */
  readonly portName?: string;
  /**
   * Environment variables, in the order given: strings, or `kplus.EnvValue`s that read a Secret or ConfigMap key
   * (`EnvValue.fromSecretValue`, `EnvValue.fromConfigMap`), a pod field (`EnvValue.fromFieldRef`) or a resource
   * (`EnvValue.fromResource`), so credentials never sit in the manifest.
   * @default - none
   */
  readonly env?: Readonly<Record<string, EnvVarValue>>;
  /**
   * Whole Secrets or ConfigMaps as environment variables (`kplus.Env.fromSecret`, `kplus.Env.fromConfigMap`).
   * @default - none
   */
  readonly envFrom?: readonly EnvFrom[];
  /**
   * Volumes mounted into the main container. Secret, ConfigMap and projected volumes are mounted read-only
   * unless `readOnly: false`.
   * @default - none
   */
  readonly mounts?: readonly VolumeMount[];
  /**
   * CPU and memory requests and limits. Autoscaling on utilization needs the matching request.
   * @default - none
   */
  readonly resources?: ContainerResources;
  /**
   * When to pull the image. `Never` suits images loaded straight into a local cluster (kind, k3d).
   * @default 'IfNotPresent'
   */
  readonly imagePullPolicy?: ImagePullPolicy;
  /**
   * Gates traffic: a pod receives requests only while this passes.
   * @default - none
   */
  readonly readiness?: Probe;
  /**
   * Restarts the container when it fails.
   * @default - none
   */
  readonly liveness?: Probe;
  /**
   * Holds off the other probes until the app has started.
   * @default - none
   */
  readonly startup?: Probe;
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
   * Pod and container security context.
   * @default PodSecurity.restricted()
   */
  readonly security?: PodSecurity;
  /**
   * Mount the service account token into the pod. Only apps that call the Kubernetes API need it.
   * @default false
   */
  readonly automountServiceAccountToken?: boolean;
}

/** Labels, annotations and the disruption budget of a workload's object: not part of the pod template. */
export interface WorkloadOptions {
  /**
   * Labels on the workload's object, beside the identity labels (which they may not override).
   * @default - the identity labels only
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Annotations on the workload's object.
   * @default - none
   */
  readonly annotations?: Readonly<Record<string, string>>;
  /**
   * A PodDisruptionBudget for the workload's pods (app and track, never the version: each track of a canary
   * pair has its own), with `unhealthyPodEvictionPolicy: AlwaysAllow`. A CanaryDeployment does not inherit its
   * stable's budget. A budget that blocks every eviction is refused.
   * @default - no budget
   */
  readonly disruptionBudget?: DisruptionBudgetOptions;
}

/** @internal The runtime shape of {@link WorkloadOptions}. */
export const WORKLOAD_OPTIONS_SHAPE: PropShape = {
  labels: 'map',
  annotations: 'map',
  disruptionBudget: DISRUPTION_BUDGET_OPTIONS_SHAPE,
};

/** A named container port. */
export interface ContainerPort {
  readonly name: string;
  readonly number: number;
}

/**
 * Pods of one app on one track. Services select them, autoscalers scale them, and the
 * checks use these fields instead of re-reading manifests.
 */
export interface IWorkload extends IConstruct {
  /** Value of the app identity label. */
  readonly app: string;
  /** The track the pods run on. */
  readonly track: Track;
  /** Label keys for app, track and version. */
  readonly labelKeys: ResolvedLabelKeys;
  /** Labels the workload's selector matches: app and track, never the version. */
  readonly selectorLabels: Readonly<Record<string, string>>;
  /** Labels on every pod: the selector labels plus the version. */
  readonly podLabels: Readonly<Record<string, string>>;
  /** The container's port, when it declares one. */
  readonly containerPort?: ContainerPort;
}

/**
 * A pod template as the library renders it: the spec and its containers are always there, so the
 * constructs that add to it (a sidecar, a volume) do so with the Kubernetes types checking them.
 * @internal
 */
export interface RenderedPodTemplate extends IPodTemplateSpec {
  spec: IPodSpec & { containers: Array<IContainer & { ports?: IContainerPort[] }> };
}

const PROBE_KINDS: readonly ProbeKind[] = ['readiness', 'liveness', 'startup'];
const PULL_POLICIES: readonly ImagePullPolicy[] = ['Always', 'IfNotPresent', 'Never'];

/**
 * Renders and checks the pod template of a workload: its main container, the extra, init and sidecar containers,
 * the volumes they mount and the pod-level settings. Throws on the first bad prop. `appProp` names the prop `app`
 * came from, for the error when the default container name made from it is invalid; `identity` gives the labels
 * a topology spread selects on (without it, `topologySpread` is refused).
 * @internal
 */
export function renderPodTemplate(
  scope: IConstruct,
  options: ContainerOptions,
  app: string,
  podLabels: Record<string, string>,
  appProp = 'app',
  identity?: PodIdentity,
): RenderedPodTemplate {
  checkImage(scope, options.image);
  const containerName = mainContainerName(scope, options, app, appProp);
  const ports: IContainerPort[] = [];
  const port = containerPortOf(options);
  if (port) {
    checkPort(scope, 'port', port.number);
    checkPortName(scope, 'portName', port.name);
    ports.push({ name: port.name, containerPort: port.number });
  } else if (options.portName !== undefined) {
    invalidProp(scope, 'portName', options.portName, 'needs a port: set port as well');
  }
  const pod = new PodParts(scope, options, containerName, ports);
  const main = pod.container('', { ...options, name: containerName }, ports, 'main');
  main.lifecycle = renderPreStopSleep(scope, options);
  if (options.automountServiceAccountToken !== undefined && typeof options.automountServiceAccountToken !== 'boolean') {
    invalidProp(
      scope,
      'automountServiceAccountToken',
      options.automountServiceAccountToken,
      'must be true or false or left out',
    );
  }
  const containers = [main, ...pod.extras('containers', options.containers, 'app')];
  const initContainers = [
    ...pod.extras('sidecars', options.sidecars, 'sidecar'),
    ...pod.extras('initContainers', options.initContainers, 'init'),
  ];
  const settings = renderPodSettings(scope, options, identity);
  const reserved = Object.keys(podLabels);
  const extraLabels = checkLabels(scope, 'podMetadata.labels', options.podMetadata?.labels, reserved);
  const annotations = checkAnnotations(scope, 'podMetadata.annotations', options.podMetadata?.annotations);
  return {
    metadata: { labels: { ...podLabels, ...extraLabels }, annotations },
    spec: {
      automountServiceAccountToken: options.automountServiceAccountToken ?? false,
      ...settings,
      securityContext: pod.podSecurityContext,
      initContainers: initContainers.length ? initContainers : undefined,
      containers,
      volumes: pod.volumes.list,
    },
  };
}

/** The main container's name: `containerName`, else the app (which must then be a DNS-1123 label). */
function mainContainerName(scope: IConstruct, options: ContainerOptions, app: string, appProp: string): string {
  if (options.containerName !== undefined) {
    checkDnsLabel(scope, 'containerName', options.containerName);
    return options.containerName;
  }
  if (typeof app !== 'string' || app.length > 63 || !DNS1123_LABEL.test(app)) {
    invalidProp(
      scope,
      appProp,
      app,
      'is also the default container name, which must be a DNS-1123 label (lower-case letters, digits and "-", starting and ending with a letter or digit, at most 63 characters): set containerName',
    );
  }
  return app;
}

/** What the containers of one pod share while they are rendered: the security context, the volumes, names and ports. */
class PodParts {
  public readonly volumes: PodVolumes;
  private readonly names: Set<string>;
  private readonly portNumbers: Map<number, string>;
  private readonly portNames: Map<string, string>;
  private security?: PodSecurity;
  private podContext?: IPodSpec['securityContext'];

  constructor(
    private readonly scope: IConstruct,
    private readonly options: ContainerOptions,
    mainName: string,
    mainPorts: readonly IContainerPort[],
  ) {
    this.names = new Set([mainName]);
    this.portNumbers = new Map(mainPorts.map(p => [p.containerPort, "the main container's port"]));
    this.portNames = new Map(mainPorts.map(p => [p.name!, "the main container's port"]));
    this.volumes = new PodVolumes(scope);
  }

  /** The pod's security context, once the main container is rendered. */
  public get podSecurityContext(): IPodSpec['securityContext'] {
    return this.podContext;
  }

  /** Checks `security` once, after the main container's image, name, ports, probes, env, command and pull policy. */
  private checkSecurity(): PodSecurity {
    if (this.security) return this.security;
    const security: unknown = this.options.security ?? PodSecurity.restricted();
    if (!(security instanceof PodSecurity))
      invalidProp(
        this.scope,
        'security',
        security,
        'must be a PodSecurity (PodSecurity.restricted() or PodSecurity.baseline()) or left out',
      );
    // _podContext checks the options, so it runs before anything else reads them.
    this.podContext = security._podContext(this.scope, 'security');
    if (security.writableTmp) this.volumes.reserve({ name: 'tmp', emptyDir: {} }, 'the writable /tmp');
    this.security = security;
    return security;
  }

  /**
   * Renders one container with every check: image, ports, probes, env, command, pull policy, resources, mounts,
   * and the pod's security context. `prefix` is the prop path of the container (`''` for the main one).
   */
  public container(prefix: string, c: ExtraContainer, ports: IContainerPort[], role: ContainerRole): IContainer {
    const s = this.scope;
    const probes: Record<string, unknown> = {};
    for (const kind of PROBE_KINDS) {
      const probe: unknown = c[kind];
      if (probe === undefined) continue;
      if (!(probe instanceof Probe))
        invalidProp(s, prefix + kind, probe, 'must be a Probe (Probe.http, Probe.tcp or Probe.exec) or left out');
      if (role === 'init')
        invalidProp(
          s,
          prefix + kind,
          probe.constructor.name,
          'must be left out: an init container runs to completion before the app starts; make it a sidecar to probe it',
        );
      probes[`${kind}Probe`] = probe._render(s, prefix + kind, kind, ports);
    }
    if (c.readiness && c.liveness && c.readiness.sameAs(c.liveness)) {
      // A liveness probe identical to readiness restarts pods that are merely busy; make the difference deliberate.
      invalidProp(
        s,
        `${prefix}liveness`,
        'same as readiness',
        'must differ from the readiness probe (give it a later initialDelay, a higher failureThreshold or another endpoint)',
      );
    }
    const env = renderEnv(s, `${prefix}env`, c.env);
    if (c.command !== undefined) checkStringArray(s, `${prefix}command`, c.command);
    if (c.args !== undefined) checkStringArray(s, `${prefix}args`, c.args);
    const pullPolicy = c.imagePullPolicy ?? 'IfNotPresent';
    checkEnum(s, `${prefix}imagePullPolicy`, pullPolicy, PULL_POLICIES);
    const security = this.checkSecurity();
    const resources = renderResources(s, `${prefix}resources`, c.resources);
    const envFrom = renderEnvFrom(s, `${prefix}envFrom`, c.envFrom);
    const tmp = security.writableTmp ? [{ name: 'tmp', mountPath: '/tmp' }] : [];
    const own = this.volumes.mount(
      `${prefix}mounts`,
      c.mounts,
      tmp.map(m => m.mountPath),
      security.level,
    );
    const mounts = [...tmp, ...own];
    return {
      name: c.name,
      image: c.image,
      imagePullPolicy: pullPolicy,
      restartPolicy: role === 'sidecar' ? 'Always' : undefined,
      command: c.command ? [...c.command] : undefined,
      args: c.args ? [...c.args] : undefined,
      ports: ports.length ? ports : undefined,
      env: env.length ? env : undefined,
      envFrom,
      resources,
      ...probes,
      securityContext: security._containerContext(),
      volumeMounts: mounts.length ? mounts : undefined,
    };
  }

  /** The extra containers of one kind (`containers`, `initContainers` or `sidecars`), checked like the main one. */
  public extras(prop: string, list: unknown, role: ContainerRole): IContainer[] {
    if (list === undefined) return [];
    if (!Array.isArray(list))
      invalidProp(this.scope, prop, list, 'must be an array of containers ({ name, image, ... })');
    return list.map((c: unknown, i) => {
      const at = `${prop}[${i}]`;
      checkProps(this.scope, c, EXTRA_CONTAINER_SHAPE, `${at}.`);
      const extra = c as ExtraContainer;
      checkDnsLabel(this.scope, `${at}.name`, extra.name);
      if (this.names.has(extra.name))
        invalidProp(
          this.scope,
          `${at}.name`,
          extra.name,
          'must differ from the names of the other containers of the pod',
        );
      this.names.add(extra.name);
      checkImage(this.scope, extra.image, `${at}.image`);
      return this.container(`${at}.`, extra, this.ports(`${at}.ports`, extra.ports), role);
    });
  }

  /** An extra container's ports: names and numbers unique in the pod, whose containers share one network. */
  private ports(prop: string, value: unknown): IContainerPort[] {
    if (value === undefined) return [];
    if (!Array.isArray(value)) invalidProp(this.scope, prop, value, 'must be an array of { name, number }');
    return value.map((p: unknown, i) => {
      const at = `${prop}[${i}]`;
      checkProps(this.scope, p, PORT_SHAPE, `${at}.`);
      const { name, number } = p as ExtraContainerPort;
      checkPort(this.scope, `${at}.number`, number);
      checkPortName(this.scope, `${at}.name`, name);
      const byNumber = this.portNumbers.get(number);
      if (byNumber)
        invalidProp(
          this.scope,
          `${at}.number`,
          number,
          `must differ from the number of ${byNumber}: the containers of a pod share one network`,
        );
      const byName = this.portNames.get(name);
      if (byName) invalidProp(this.scope, `${at}.name`, name, `must differ from the name of ${byName}`);
      this.portNumbers.set(number, at);
      this.portNames.set(name, at);
      return { name, containerPort: number };
    });
  }
}

/** Which kind of container is rendered: the main one, another app container, a native sidecar or an init container. */
type ContainerRole = 'main' | 'app' | 'sidecar' | 'init';
const PORT_SHAPE: PropShape = { name: 'string!', number: 'number!' };

/** An image reference, split as the distribution reference grammar splits it. */
export interface ImageReference {
  /** Registry host and optional port, e.g. `ghcr.io` or `localhost:5000`; undefined for Docker Hub names. */
  readonly domain?: string;
  /** Repository path without the domain, e.g. `example/web`. */
  readonly path: string;
  /** The tag, e.g. `1.0`; undefined when the reference has none. */
  readonly tag?: string;
  /** The digest, e.g. `sha256:…`; undefined when the reference has none. */
  readonly digest?: string;
}

/** Why a text is not an image reference: {@link parseImageReference} throws it. */
export class ImageReferenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageReferenceError';
  }
}

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_COMPONENT = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*):([0-9a-fA-F]{32,})$/;
const DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

/**
 * Parses an image reference by the distribution reference grammar (what container runtimes
 * accept): `[host[:port]/]path[:tag][@digest]`. The first component is a registry host when it
 * holds a `.` or a `:` or is `localhost`; path components are lower-case letters and digits joined
 * by `.`, `_`, `__` or dashes; a tag is `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`; a digest is
 * `algorithm:hex` (sha256: 64 lower-case hex digits, sha384: 96, sha512: 128); the name is at most
 * 255 characters. Throws an {@link ImageReferenceError} saying what is wrong.
 */
export function parseImageReference(text: string): ImageReference {
  if (typeof text !== 'string' || text === '') throw new ImageReferenceError('is not an image reference');
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(text))
    throw new ImageReferenceError('must not start with a URL scheme ("https://"): write "registry/path:tag"');
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses
  if (/\s|[\u0000-\u001f\u007f]/.test(text)) throw new ImageReferenceError('must not hold whitespace');
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    const match = DIGEST.exec(digest);
    const length = match ? DIGEST_HEX_LENGTH[match[1]] : undefined;
    if (!match || length === undefined || match[2].length !== length || /[A-F]/.test(match[2])) {
      throw new ImageReferenceError(
        `has an invalid digest "${digest}": give "sha256:" and 64 lower-case hex digits (sha384: 96, sha512: 128)`,
      );
    }
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (tag === '') throw new ImageReferenceError('has an empty tag after ":": give a tag such as "1.0", or a digest');
    if (!TAG.test(tag))
      throw new ImageReferenceError(
        `has an invalid tag "${tag}": a tag is 1 to 128 letters, digits, "_", "." and "-", not starting with "." or "-"`,
      );
  }
  if (rest.length > 255) throw new ImageReferenceError(`has a name of ${rest.length} characters: at most 255`);
  const components = rest.split('/');
  let domain: string | undefined;
  if (components.length > 1 && (/[.:]/.test(components[0]) || components[0] === 'localhost')) {
    domain = components.shift()!;
    const match = /^(\[[0-9a-fA-F:.]+\]|[^:]+)(?::([0-9]+))?$/.exec(domain);
    const hostOk =
      match !== null && (match[1].startsWith('[') || match[1].split('.').every(c => DOMAIN_COMPONENT.test(c)));
    if (!hostOk) {
      throw new ImageReferenceError(
        `has an invalid registry host "${domain}": write host or host:port, e.g. "ghcr.io" or "localhost:5000"`,
      );
    }
  }
  for (const component of components) {
    if (!PATH_COMPONENT.test(component)) {
      throw new ImageReferenceError(
        component === ''
          ? 'has an empty path component ("//" or a "/" at either end)'
          : `has an invalid path component "${component}": path components are lower-case letters and digits, joined inside by ".", "_", "__" or "-"`,
      );
    }
  }
  return { domain, path: components.join('/'), tag, digest };
}

/**
 * Checks an image reference by the distribution grammar ({@link parseImageReference}) and refuses
 * references without an explicit tag or digest, and `latest` in any case.
 */
export function checkImage(scope: IConstruct, image: string, prop = 'image'): void {
  if (typeof image !== 'string' || image.trim() === '') {
    invalidProp(scope, prop, image, 'must be an image reference such as "dummy-api:1.0"');
  }
  let ref: ImageReference;
  try {
    ref = parseImageReference(image);
  } catch (e) {
    invalidProp(scope, prop, image, `${(e as Error).message}; an image reference looks like "ghcr.io/example/web:1.0"`);
  }
  if ((ref.tag === undefined && ref.digest === undefined) || ref.tag?.toLowerCase() === 'latest') {
    invalidProp(
      scope,
      prop,
      image,
      'must carry an explicit tag other than "latest", or a digest, e.g. "dummy-api:1.0": "latest" changes under you',
    );
  }
}

/** The container's named port (`portName` defaults to `http`), or undefined when it declares none. */
export function containerPortOf(options: Pick<ContainerOptions, 'port' | 'portName'>): ContainerPort | undefined {
  return options.port !== undefined ? { name: options.portName ?? 'http', number: options.port } : undefined;
}

/** The tag of an image reference, or undefined when it has none (or is not an image reference). */
export function imageTag(image: string): string | undefined {
  try {
    return parseImageReference(image).tag;
  } catch {
    return undefined;
  }
}

/**
 * The version label's value, checked as a label value: the explicit version, else the image tag
 * (a tag that is no label value is reported as `image`, the prop it came from).
 */
export function resolveVersion(scope: IConstruct, options: ContainerOptions): string {
  checkImage(scope, options.image);
  if (options.version !== undefined) {
    checkLabelValue(scope, 'version', options.version);
    return options.version;
  }
  const tag = imageTag(options.image);
  if (tag === undefined) {
    invalidProp(
      scope,
      'version',
      undefined,
      `must be given when the image has no tag (it fills the version label; ${JSON.stringify(options.image)} has only a digest)`,
    );
  }
  if (tag.length > 63 || !LABEL_VALUE.test(tag)) {
    invalidProp(
      scope,
      'image',
      options.image,
      `has the tag "${tag}", which fills the version label but is not a label value (at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit): set version`,
    );
  }
  return tag;
}

/** @internal The runtime shape of {@link ContainerOptions}, for `checkProps` (JavaScript callers, casts, typos). */
export const CONTAINER_OPTIONS_SHAPE: PropShape = {
  image: 'string',
  version: 'string',
  containerName: 'string',
  port: 'number',
  portName: 'string',
  env: 'map',
  resources: RESOURCES_SHAPE,
  imagePullPolicy: 'string',
  readiness: Probe,
  liveness: Probe,
  startup: Probe,
  // Checked by renderPodTemplate, which says that a single string is not split into words.
  command: 'any',
  args: 'any',
  security: PodSecurity,
  automountServiceAccountToken: 'boolean',
  envFrom: 'array',
  mounts: 'array',
  ...POD_OPTIONS_SHAPE,
};

/** @internal The runtime shape of {@link LabelKeys}. */
export const LABEL_KEYS_SHAPE: PropShape = { app: 'string', track: 'string', version: 'string' };
