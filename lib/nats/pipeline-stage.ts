import { isIPv4, isIPv6 } from 'net';
import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import type { IVolumeMount } from 'kubernetes-models/v1/VolumeMount';
import {
  checkDnsLabel,
  checkDnsSubdomain,
  checkEnvName,
  checkInt,
  checkLabelValue,
  DNS1123_SUBDOMAIN,
  invalidProp,
} from '../core/errors';
import { LabelKeys, resolveLabelKeys } from '../core/labels';
import { checkProps, PropShape } from '../core/props';
import {
  DEPLOYMENT_KIND,
  DEPLOYMENT_UPDATE_SHAPE,
  DeploymentUpdateOptions,
  renderUpdateTiming,
} from '../workloads/track-deployment';
import { FIXED_SIZE_ANNOTATION } from '../safety/rules';
import { UpdateStrategy } from '../core/update-strategy';
import {
  CONTAINER_OPTIONS_SHAPE,
  ContainerOptions,
  LABEL_KEYS_SHAPE,
  RenderedPodTemplate,
  resolveVersion,
  WORKLOAD_OPTIONS_SHAPE,
  WorkloadOptions,
} from '../workloads/workload';
import { PodWorkload, PodWorkloadIdentity } from '../workloads/pod-workload';

/** One stage of a pipeline, as declared in {@link NatsPipelineProps.stages}. */
export interface PipelineStageOptions extends ContainerOptions, DeploymentUpdateOptions, WorkloadOptions {
  /** Stage name: the app label's value and the container's name, e.g. `fetcher`. */
  readonly name: string;
  /**
   * metadata.name of the Deployment; e.g. `<name>-dep` to keep existing names.
   * @default - the stage name
   */
  readonly deploymentName?: string;
  /**
   * Pods to run. Leave unset when an Autoscaler manages the stage.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * The stage must never run more than one pod (e.g. a fetcher that keeps the record of
   * unprocessed chunks). It then refuses `replicas` above 1, any Autoscaler, and rolling
   * updates that start a second pod before the first stops.
   * @default false
   */
  readonly singleInstance?: boolean;
  /**
   * Label keys for app, track and version.
   * @default - see LabelKeys
   */
  readonly labelKeys?: LabelKeys;
  /**
   * Environment variable that carries the NATS URL.
   * @default 'NATS_URL'
   */
  readonly natsUrlEnv?: string;
  /**
   * How the stage authenticates to NATS, from a Kubernetes Secret (never in the URL).
   * @default - no credentials (a NatsPipeline's `credentials`, if given)
   */
  readonly credentials?: NatsCredentials;
}

/** Options of {@link NatsCredentials.fromSecret}. */
export interface NatsSecretCredentialsOptions {
  /**
   * Key of the Secret that holds the user name.
   * @default 'user'
   */
  readonly userKey?: string;
  /**
   * Key of the Secret that holds the password.
   * @default 'password'
   */
  readonly passwordKey?: string;
  /**
   * Environment variable that receives the user name (the `nats` CLI reads `NATS_USER`).
   * @default 'NATS_USER'
   */
  readonly userEnv?: string;
  /**
   * Environment variable that receives the password (the `nats` CLI reads `NATS_PASSWORD`).
   * @default 'NATS_PASSWORD'
   */
  readonly passwordEnv?: string;
}

/** Options of {@link NatsCredentials.credsFile}. */
export interface NatsCredsFileOptions {
  /**
   * Key of the Secret that holds the `.creds` file (a user JWT and NKey seed, as `nsc` writes it).
   * @default 'nats.creds'
   */
  readonly key?: string;
  /**
   * Environment variable that receives the mounted file's path (the `nats` CLI reads `NATS_CREDS`).
   * @default 'NATS_CREDS'
   */
  readonly env?: string;
}

const SECRET_OPTIONS_SHAPE: PropShape = {
  userKey: 'string',
  passwordKey: 'string',
  userEnv: 'string',
  passwordEnv: 'string',
};
const CREDS_FILE_OPTIONS_SHAPE: PropShape = { key: 'string', env: 'string' };
/** Where a creds file is mounted, read-only. */
export const NATS_CREDS_DIR = '/etc/nats-creds';
// Secret keys: what the API server allows in a Secret's data (IsConfigMapKey).
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/** What {@link NatsCredentials} adds to a stage's pod: env entries, and a volume with its mount.
 * @internal
 */
export interface RenderedNatsCredentials {
  readonly env: readonly IEnvVar[];
  readonly volume?: IVolume;
  readonly volumeMount?: IVolumeMount;
}

/**
 * NATS credentials a stage reads from a Kubernetes Secret, so they never appear in the manifests
 * or in a URL: a user and password through `env[].valueFrom.secretKeyRef`, or a `.creds` file
 * mounted read-only. The arguments are checked by the stage that uses them, with its path.
 */
export class NatsCredentials {
  /**
   * User and password from the Secret `secretName`, in `NATS_USER` and `NATS_PASSWORD` (the
   * variables the `nats` CLI reads; pass them to your client, e.g. nats.go's `nats.UserInfo`).
   */
  public static fromSecret(secretName: string, options: NatsSecretCredentialsOptions = {}): NatsCredentials {
    return new NatsCredentials('userPassword', secretName, options);
  }

  /**
   * A `.creds` file from the Secret `secretName`, mounted read-only under `/etc/nats-creds`, its
   * path in `NATS_CREDS` (what the `nats` CLI reads; nats.go takes it with `nats.UserCredentials`).
   */
  public static credsFile(secretName: string, options: NatsCredsFileOptions = {}): NatsCredentials {
    return new NatsCredentials('credsFile', secretName, options);
  }

  private constructor(
    private readonly kind: 'userPassword' | 'credsFile',
    /** Name of the Secret. */
    public readonly secretName: string,
    private readonly options: NatsSecretCredentialsOptions | NatsCredsFileOptions,
  ) {}

  /** How error messages show it: the factory and the Secret, e.g. `{"fromSecret":"nats-auth"}`. */
  public toJSON(): Record<string, unknown> {
    return { [this.kind === 'userPassword' ? 'fromSecret' : 'credsFile']: this.secretName };
  }

  /**
   * Checks the arguments and renders the env entries (and volume) the stage's pod gets.
   * @internal
   */
  public _render(scope: IConstruct, prop: string): RenderedNatsCredentials {
    checkDnsSubdomain(scope, `${prop}.secretName`, this.secretName);
    const secretKeyRef = (key: string) => ({ secretKeyRef: { name: this.secretName, key } });
    const checkKey = (at: string, key: unknown): void => {
      if (typeof key !== 'string' || key.length > 253 || !SECRET_KEY.test(key)) {
        invalidProp(scope, `${prop}.${at}`, key, 'must be a Secret key: at most 253 letters, digits, "-", "_" and "."');
      }
    };
    if (this.kind === 'userPassword') {
      checkProps(scope, this.options, SECRET_OPTIONS_SHAPE, `${prop}.`);
      const o = this.options as NatsSecretCredentialsOptions;
      const userKey = o.userKey ?? 'user';
      const passwordKey = o.passwordKey ?? 'password';
      const userEnv = o.userEnv ?? 'NATS_USER';
      const passwordEnv = o.passwordEnv ?? 'NATS_PASSWORD';
      checkKey('userKey', userKey);
      checkKey('passwordKey', passwordKey);
      checkEnvName(scope, `${prop}.userEnv`, userEnv);
      checkEnvName(scope, `${prop}.passwordEnv`, passwordEnv);
      if (userEnv === passwordEnv) invalidProp(scope, `${prop}.passwordEnv`, passwordEnv, 'must differ from userEnv');
      return {
        env: [
          { name: userEnv, valueFrom: secretKeyRef(userKey) },
          { name: passwordEnv, valueFrom: secretKeyRef(passwordKey) },
        ],
      };
    }
    checkProps(scope, this.options, CREDS_FILE_OPTIONS_SHAPE, `${prop}.`);
    const o = this.options as NatsCredsFileOptions;
    const key = o.key ?? 'nats.creds';
    const env = o.env ?? 'NATS_CREDS';
    checkKey('key', key);
    checkEnvName(scope, `${prop}.env`, env);
    return {
      env: [{ name: env, value: `${NATS_CREDS_DIR}/nats.creds` }],
      volume: { name: 'nats-creds', secret: { secretName: this.secretName, items: [{ key, path: 'nats.creds' }] } },
      volumeMount: { name: 'nats-creds', mountPath: NATS_CREDS_DIR, readOnly: true },
    };
  }
}

/** The runtime shape of {@link PipelineStageOptions}, for `checkProps`.
 * @internal
 */
export const PIPELINE_STAGE_OPTIONS_SHAPE: PropShape = {
  ...CONTAINER_OPTIONS_SHAPE,
  ...DEPLOYMENT_UPDATE_SHAPE,
  ...WORKLOAD_OPTIONS_SHAPE,
  image: 'string!',
  name: 'string!',
  deploymentName: 'string',
  replicas: 'number',
  singleInstance: 'boolean',
  labelKeys: LABEL_KEYS_SHAPE,
  natsUrlEnv: 'string',
  credentials: NatsCredentials,
};

/** Props of a {@link PipelineStage}. */
export interface PipelineStageProps extends PipelineStageOptions {
  /** URL of the NATS server the stage talks to, e.g. a {@link NatsServer}'s `url`. */
  readonly natsUrl: string;
}

/** The runtime shape of {@link PipelineStageProps}. */
const PIPELINE_STAGE_SHAPE: PropShape = { ...PIPELINE_STAGE_OPTIONS_SHAPE, natsUrl: 'string!' };

/**
 * One stage of a message pipeline: a Deployment whose pods get the NATS URL in their
 * environment. Its name is the app label's value; stages run on the stable track (the pipeline
 * has no canaries). Scalable stages accept an Autoscaler; single-instance stages refuse one.
 */
export class PipelineStage extends PodWorkload {
  /** URL of the NATS server, as the stage's pods see it. */
  public readonly natsUrl: string;
  /** True for a single-instance stage. */
  public readonly fixedReplicaCount: boolean;
  /** The `replicas` prop as given. */
  public readonly requestedReplicas?: number;
  /** The Deployment manifest. */
  public readonly deployment: ApiObject;

  constructor(scope: Construct, id: string, props: PipelineStageProps) {
    super(scope, id, {
      props,
      shape: PIPELINE_STAGE_SHAPE,
      kind: DEPLOYMENT_KIND,
      track: 'stable',
      identify: self => identifyStage(self, props),
    });
    this.fixedReplicaCount = props.singleInstance ?? false;
    if (props.replicas !== undefined) checkInt(this, 'replicas', props.replicas, 1);
    if (this.fixedReplicaCount && props.replicas !== undefined && props.replicas > 1) {
      invalidProp(
        this,
        'replicas',
        props.replicas,
        'must be 1: the stage is declared singleInstance and cannot be scaled',
      );
    }
    this.requestedReplicas = props.replicas;
    const strategy = this.renderStrategy(props.strategy);
    const timing = renderUpdateTiming(this, props);
    checkNatsUrl(this, 'natsUrl', props.natsUrl);
    this.natsUrl = props.natsUrl;
    const template = this.renderStageTemplate(props);
    // The annotation lets checkWiring and the policy plugin see the fixed size in plain YAML too.
    const annotations = this.fixedReplicaCount ? { [FIXED_SIZE_ANNOTATION]: 'true' } : undefined;
    this.deployment = this.createManifest(() => ({ ...timing, strategy, template }), annotations);
  }

  protected get explicitReplicas(): number | undefined {
    return this.requestedReplicas;
  }

  /** The update strategy: Recreate for a single-instance stage, which must never surge a second pod. */
  private renderStrategy(given: UpdateStrategy | undefined): Record<string, unknown> {
    const strategy = given ?? (this.fixedReplicaCount ? UpdateStrategy.recreate() : UpdateStrategy.rollingUpdate());
    if (this.fixedReplicaCount && strategy.type === 'RollingUpdate' && !strategy.maxSurge!.isZero) {
      invalidProp(
        this,
        'strategy.maxSurge',
        strategy.maxSurge!.isPercent ? `${strategy.maxSurge!.amount}%` : strategy.maxSurge!.amount,
        'must be 0 for a singleInstance stage: a surge pod would run a second instance during every rollout (UpdateStrategy.recreate() is the default)',
      );
    }
    return strategy._render(this, 'strategy');
  }

  /** The pod template, with the NATS URL and the credentials in the container's environment. */
  private renderStageTemplate(props: PipelineStageProps): RenderedPodTemplate {
    const urlEnv = props.natsUrlEnv ?? 'NATS_URL';
    checkEnvName(this, 'natsUrlEnv', urlEnv);
    const credentials = props.credentials?._render(this, 'credentials');
    // The stage sets these variables itself; a second entry of one name would silently win or lose.
    const owned: Array<[string, string]> = [
      [urlEnv, 'natsUrlEnv'],
      ...(credentials?.env ?? []).map(e => [e.name as string, 'credentials'] as [string, string]),
    ];
    owned.forEach(([name, by], i) => {
      const earlier = owned.slice(0, i).find(([n]) => n === name);
      if (earlier)
        invalidProp(
          this,
          by,
          name,
          `must not reuse the environment variable ${name}, which ${earlier[1]} already sets`,
        );
      if (props.env && Object.prototype.hasOwnProperty.call(props.env, name)) {
        const what =
          by === 'natsUrlEnv' ? `to its NATS server's URL (${props.natsUrl})` : 'from the credentials Secret';
        invalidProp(this, `env.${name}`, props.env[name], `must be left out: the stage sets ${name} ${what}`);
      }
    });
    const template = this.podTemplate({ ...props, env: { ...props.env, [urlEnv]: props.natsUrl } }, 'name');
    if (credentials) {
      const container = template.spec.containers[0];
      container.env = [...(container.env ?? []), ...credentials.env];
      const { volume, volumeMount } = credentials;
      // The credentials' volume and mount come last: a user's volume of that name or mount at that path would clash.
      if (volume && template.spec.volumes?.some(v => v.name === volume.name))
        invalidProp(this, 'mounts', volume.name, 'must not use a volume of this name: the credentials file takes it');
      if (volumeMount && container.volumeMounts?.some(m => m.mountPath === volumeMount.mountPath))
        invalidProp(
          this,
          'mounts',
          volumeMount.mountPath,
          'must not mount at this path: the credentials file takes it',
        );
      if (credentials.volumeMount)
        container.volumeMounts = [...(container.volumeMounts ?? []), credentials.volumeMount];
      if (credentials.volume) template.spec.volumes = [...(template.spec.volumes ?? []), credentials.volume];
    }
    return template;
  }
}

/** Checks a stage's name (its app), Deployment name, label keys and version. */
function identifyStage(scope: Construct, props: PipelineStageProps): PodWorkloadIdentity {
  const app = props.name;
  checkLabelValue(scope, 'name', app);
  checkDnsLabel(scope, 'name', app);
  const name = props.deploymentName ?? app;
  checkDnsSubdomain(scope, 'deploymentName', name);
  const labelKeys = resolveLabelKeys(scope, props.labelKeys);
  return { app, labelKeys, name, version: resolveVersion(scope, props), container: props, options: props };
}

/**
 * The schemes a NATS URL may use: plain and TLS. Websocket (`ws`, `wss`) is not offered: the servers here listen on
 * neither.
 */
export const NATS_URL_SCHEMES = ['nats', 'tls'] as const;

const NATS_URL_EXPECTED =
  'must be a NATS URL: nats:// or tls://, a host name or IP address and an optional port from 1 to 65535, nothing else, e.g. "nats://my-nats:4222"';

/**
 * Throws unless `url` is one NATS server URL, e.g. `nats://my-nats:4222`: scheme `nats` or
 * `tls`, a DNS host name or an IP address (IPv6 in brackets), an optional port from 1 to 65535,
 * no path. A URL with `user:password@` or `token@` is refused, and the message hides what is
 * before the `@`: credentials come from a Secret ({@link NatsCredentials}).
 */
export function checkNatsUrl(scope: IConstruct, prop: string, url: unknown): asserts url is string {
  if (typeof url !== 'string') invalidProp(scope, prop, url, NATS_URL_EXPECTED);
  const userinfo = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/?#]*)@/.exec(url);
  if (userinfo) {
    invalidProp(
      scope,
      prop,
      url.replace(userinfo[0], `${userinfo[1]}***@`),
      'must not carry credentials (they would sit in plain text in the manifests): keep them in a Secret and give credentials: NatsCredentials.fromSecret("<secret>") or NatsCredentials.credsFile("<secret>")',
    );
  }
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(\[[^\]]*\]|[^:/?#[\]]*)(?::(\d{1,5}))?$/.exec(url);
  if (!match || !(NATS_URL_SCHEMES as readonly string[]).includes(match[1]))
    invalidProp(scope, prop, url, NATS_URL_EXPECTED);
  const [, , host, port] = match;
  const hostOk = host.startsWith('[')
    ? isIPv6(host.slice(1, -1))
    : isIPv4(host) ||
      (/^[\d.]+$/.test(host)
        ? false
        : host.length <= 253 && DNS1123_SUBDOMAIN.test(host) && host.split('.').every(l => l.length <= 63));
  if (!hostOk || (port !== undefined && (Number(port) < 1 || Number(port) > 65535)))
    invalidProp(scope, prop, url, NATS_URL_EXPECTED);
}
