import { IConstruct } from 'constructs';
import { checkDnsLabel, checkLabelValue, checkPort, checkPortName, invalidProp } from './errors';
import { ResolvedLabelKeys, Track } from './labels';
import { PodSecurity } from './pod-security';
import { Probe, ProbeKind } from './probe';
import { PropShape } from './props';
import { ContainerResources, Cpu, Memory, renderResources } from './quantity';

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
   * When to pull the image. The course uses `Never` for images built into the local cluster.
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

const PROBE_KINDS: readonly ProbeKind[] = ['readiness', 'liveness', 'startup'];

/** Renders and checks the pod template of a one-container workload. Throws on the first bad prop. */
export function renderPodTemplate(scope: IConstruct, options: ContainerOptions, app: string, podLabels: Record<string, string>): Record<string, any> {
  const image = options.image;
  checkImage(scope, image);
  const containerName = options.containerName ?? app;
  checkDnsLabel(scope, 'containerName', containerName);

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
    const probe = options[kind];
    if (probe) probes[`${kind}Probe`] = probe._render(scope, kind, kind, ports);
  }
  if (options.readiness && options.liveness && options.readiness.sameAs(options.liveness)) {
    // A liveness probe identical to readiness restarts pods that are merely busy; make the difference deliberate.
    invalidProp(scope, 'liveness', 'same as readiness', 'must differ from the readiness probe (give it a later initialDelay, a higher failureThreshold or another endpoint)');
  }

  const env = Object.entries(options.env ?? {}).map(([name, value]) => {
    if (!/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(name)) invalidProp(scope, `env.${name}`, name, 'must be an environment variable name (letters, digits, "_", "-", ".", not starting with a digit)');
    if (typeof value !== 'string') invalidProp(scope, `env.${name}`, value, 'must be a string');
    return { name, value };
  });

  const pullPolicy = options.imagePullPolicy ?? 'IfNotPresent';
  if (!['Always', 'IfNotPresent', 'Never'].includes(pullPolicy)) {
    invalidProp(scope, 'imagePullPolicy', pullPolicy, 'must be "Always", "IfNotPresent" or "Never"');
  }
  const security = options.security ?? PodSecurity.restricted();
  const tmp = security.writableTmp;

  const container = {
    name: containerName,
    image,
    imagePullPolicy: pullPolicy,
    command: options.command ? [...options.command] : undefined,
    args: options.args ? [...options.args] : undefined,
    ports: ports.length ? ports : undefined,
    env: env.length ? env : undefined,
    resources: renderResources(scope, 'resources', options.resources),
    ...probes,
    securityContext: security._containerContext(),
    volumeMounts: tmp ? [{ name: 'tmp', mountPath: '/tmp' }] : undefined,
  };
  return {
    metadata: { labels: podLabels },
    spec: {
      automountServiceAccountToken: options.automountServiceAccountToken ?? false,
      securityContext: security._podContext(scope, 'security'),
      containers: [container],
      volumes: tmp ? [{ name: 'tmp', emptyDir: {} }] : undefined,
    },
  };
}

/** Refuses image references without an explicit tag or digest, and `latest`. */
export function checkImage(scope: IConstruct, image: string, prop = 'image'): void {
  if (typeof image !== 'string' || image.trim() === '' || /\s/.test(image)) {
    invalidProp(scope, prop, image, 'must be an image reference such as "dummy-api:1.0"');
  }
  const tag = imageTag(image);
  if ((tag === undefined && !image.includes('@')) || tag === 'latest') {
    invalidProp(scope, prop, image, 'must carry an explicit tag other than "latest", or a digest, e.g. "dummy-api:1.0": "latest" changes under you');
  }
}

/** The container's named port (`portName` defaults to `http`), or undefined when it declares none. */
export function containerPortOf(options: Pick<ContainerOptions, 'port' | 'portName'>): ContainerPort | undefined {
  return options.port !== undefined ? { name: options.portName ?? 'http', number: options.port } : undefined;
}

/** The tag of an image reference, or undefined when it has none. */
export function imageTag(image: string): string | undefined {
  const withoutDigest = image.split('@')[0];
  const lastSegment = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  return colon >= 0 ? lastSegment.slice(colon + 1) : undefined;
}

/** The version label's value, checked as a label value: the explicit version, else the image tag. */
export function resolveVersion(scope: IConstruct, options: ContainerOptions): string {
  checkImage(scope, options.image);
  const version = options.version ?? imageTag(options.image);
  if (version === undefined) {
    invalidProp(scope, 'version', undefined, 'must be given when the image has no tag (it fills the version label)');
  }
  checkLabelValue(scope, 'version', version);
  return version;
}

/** The runtime shape of {@link ContainerOptions}, for `checkProps` (JavaScript callers, casts, typos). */
export const CONTAINER_OPTIONS_SHAPE: PropShape = {
  image: 'string',
  version: 'string',
  containerName: 'string',
  port: 'number',
  portName: 'string',
  env: 'map',
  resources: {
    cpu: { request: Cpu, limit: Cpu },
    memory: { request: Memory, limit: Memory },
  },
  imagePullPolicy: 'string',
  readiness: Probe,
  liveness: Probe,
  startup: Probe,
  command: 'array',
  args: 'array',
  security: PodSecurity,
  automountServiceAccountToken: 'boolean',
};

/** The runtime shape of {@link LabelKeys}. */
export const LABEL_KEYS_SHAPE: PropShape = { app: 'string', track: 'string', version: 'string' };
