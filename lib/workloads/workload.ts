import { IConstruct } from 'constructs';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IContainerPort } from 'kubernetes-models/v1/ContainerPort';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import {
  checkDnsLabel,
  checkEnum,
  checkEnvName,
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
import { checkPlainData, isPlainObject, PropShape } from '../core/props';
import { ContainerResources, renderResources, RESOURCES_SHAPE } from '../core/quantity';

/** When the kubelet pulls the image. */
export type ImagePullPolicy = 'Always' | 'IfNotPresent' | 'Never';

/** A workload's single container and its pod-level settings, shared by every workload construct. */
export interface ContainerOptions {
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
   * Environment variables, in the order given.
   * @default - none
   */
  readonly env?: Readonly<Record<string, string>>;
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
 * Renders and checks the pod template of a one-container workload. Throws on the first bad prop.
 * `appProp` names the prop `app` came from, for the error when the default container name
 * made from it is invalid.
 */
export function renderPodTemplate(
  scope: IConstruct,
  options: ContainerOptions,
  app: string,
  podLabels: Record<string, string>,
  appProp = 'app',
): RenderedPodTemplate {
  const image = options.image;
  checkImage(scope, image);
  if (options.containerName !== undefined) {
    checkDnsLabel(scope, 'containerName', options.containerName);
  } else if (typeof app !== 'string' || app.length > 63 || !DNS1123_LABEL.test(app)) {
    invalidProp(
      scope,
      appProp,
      app,
      'is also the default container name, which must be a DNS-1123 label (lower-case letters, digits and "-", starting and ending with a letter or digit, at most 63 characters): set containerName',
    );
  }
  const containerName = options.containerName ?? app;

  const ports: Array<{ name: string; containerPort: number }> = [];
  const port = containerPortOf(options);
  if (port) {
    checkPort(scope, 'port', port.number);
    checkPortName(scope, 'portName', port.name);
    ports.push({ name: port.name, containerPort: port.number });
  } else if (options.portName !== undefined) {
    invalidProp(scope, 'portName', options.portName, 'needs a port: set port as well');
  }

  const probes: Record<string, unknown> = {};
  for (const kind of PROBE_KINDS) {
    const probe: unknown = options[kind];
    if (probe === undefined) continue;
    if (!(probe instanceof Probe))
      invalidProp(scope, kind, probe, 'must be a Probe (Probe.http, Probe.tcp or Probe.exec) or left out');
    probes[`${kind}Probe`] = probe._render(scope, kind, kind, ports);
  }
  if (options.readiness && options.liveness && options.readiness.sameAs(options.liveness)) {
    // A liveness probe identical to readiness restarts pods that are merely busy; make the difference deliberate.
    invalidProp(
      scope,
      'liveness',
      'same as readiness',
      'must differ from the readiness probe (give it a later initialDelay, a higher failureThreshold or another endpoint)',
    );
  }

  const envMap: unknown = options.env ?? {};
  if (!isPlainObject(envMap)) invalidProp(scope, 'env', envMap, 'must be an object of variable names to string values');
  checkPlainData(scope, 'env', envMap);
  const env = Object.entries(envMap).map(([name, value]) => {
    checkEnvName(scope, `env.${name}`, name);
    if (typeof value !== 'string')
      invalidProp(
        scope,
        `env.${name}`,
        value,
        'must be a string (Kubernetes takes only string values: quote numbers and booleans)',
      );
    return { name, value };
  });
  if (options.command !== undefined) checkStringArray(scope, 'command', options.command);
  if (options.args !== undefined) checkStringArray(scope, 'args', options.args);

  const pullPolicy = options.imagePullPolicy ?? 'IfNotPresent';
  checkEnum(scope, 'imagePullPolicy', pullPolicy, PULL_POLICIES);
  const security: unknown = options.security ?? PodSecurity.restricted();
  if (!(security instanceof PodSecurity))
    invalidProp(
      scope,
      'security',
      security,
      'must be a PodSecurity (PodSecurity.restricted() or PodSecurity.baseline()) or left out',
    );
  // _podContext checks the options, so it runs before anything else reads them.
  const podSecurityContext = security._podContext(scope, 'security');
  const tmp = security.writableTmp;
  const resources = renderResources(scope, 'resources', options.resources);
  if (options.automountServiceAccountToken !== undefined && typeof options.automountServiceAccountToken !== 'boolean') {
    invalidProp(
      scope,
      'automountServiceAccountToken',
      options.automountServiceAccountToken,
      'must be true or false or left out',
    );
  }

  const container: IContainer = {
    name: containerName,
    image,
    imagePullPolicy: pullPolicy,
    command: options.command ? [...options.command] : undefined,
    args: options.args ? [...options.args] : undefined,
    ports: ports.length ? ports : undefined,
    env: env.length ? env : undefined,
    resources,
    ...probes,
    securityContext: security._containerContext(),
    volumeMounts: tmp ? [{ name: 'tmp', mountPath: '/tmp' }] : undefined,
  };
  return {
    metadata: { labels: podLabels },
    spec: {
      automountServiceAccountToken: options.automountServiceAccountToken ?? false,
      securityContext: podSecurityContext,
      containers: [container],
      volumes: tmp ? [{ name: 'tmp', emptyDir: {} }] : undefined,
    },
  };
}

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
};

/** @internal The runtime shape of {@link LabelKeys}. */
export const LABEL_KEYS_SHAPE: PropShape = { app: 'string', track: 'string', version: 'string' };
