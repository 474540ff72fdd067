import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { checkDnsLabel, checkDnsSubdomain, checkLabelValue, checkPositiveInt, invalidProp } from './errors';
import { LabelKeys, ResolvedLabelKeys, resolveLabelKeys, Track } from './labels';
import { DeploymentUpdateOptions, renderUpdateTiming } from './track-deployment';
import { FIXED_SIZE_ANNOTATION } from './rules';
import { UpdateStrategy } from './update-strategy';
import { ContainerOptions, ContainerPort, containerPortOf, IWorkload, renderPodTemplate, resolveVersion } from './workload';
import { AutoscalingRange, IAutoscalable, ReplicaOwner, ScaleTarget } from './autoscaler';
import type { ContainerResources } from './quantity';

/** One stage of a pipeline, as declared in {@link NatsPipelineProps.stages}. */
export interface PipelineStageOptions extends ContainerOptions, DeploymentUpdateOptions {
  /** Stage name: the app label's value and the container's name, e.g. `fetcher`. */
  readonly name: string;
  /**
   * metadata.name of the Deployment; the course uses `<name>-dep`.
   * @default - the stage name
   */
  readonly deploymentName?: string;
  /**
   * Pods to run. Leave unset when an Autoscaler manages the stage.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * The stage must never run more than one pod (the course's fetcher keeps the record of
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
}

/** Props of a {@link PipelineStage}. */
export interface PipelineStageProps extends PipelineStageOptions {
  /** URL of the NATS server the stage talks to, e.g. a {@link NatsServer}'s `url`. */
  readonly natsUrl: string;
}

/**
 * One stage of a message pipeline: a Deployment whose pods get the NATS URL in their
 * environment. Scalable stages accept an Autoscaler; single-instance stages refuse one.
 */
export class PipelineStage extends Construct implements IWorkload, IAutoscalable {
  /** Stage name, also the app label's value. */
  public readonly app: string;
  /** Stages run on the stable track; the pipeline has no canaries. */
  public readonly track: Track = 'stable';
  public readonly labelKeys: ResolvedLabelKeys;
  /** metadata.name of the Deployment. */
  public readonly name: string;
  /** The version label's value. */
  public readonly version: string;
  /** URL of the NATS server, as the stage's pods see it. */
  public readonly natsUrl: string;
  public readonly containerPort?: ContainerPort;
  public readonly resources?: ContainerResources;
  public readonly scaleTarget: ScaleTarget;
  /** True for a single-instance stage. */
  public readonly fixedReplicaCount: boolean;
  /** The `replicas` prop as given. */
  public readonly requestedReplicas?: number;
  /** The Deployment manifest. */
  public readonly deployment: ApiObject;
  private readonly replicaOwner = new ReplicaOwner(this, () => this.requestedReplicas);

  constructor(scope: Construct, id: string, props: PipelineStageProps) {
    super(scope, id);
    this.app = props.name;
    checkLabelValue(this, 'name', this.app);
    checkDnsLabel(this, 'name', this.app);
    this.name = props.deploymentName ?? this.app;
    checkDnsSubdomain(this, 'deploymentName', this.name);
    this.labelKeys = resolveLabelKeys(this, props.labelKeys);
    this.version = resolveVersion(this, props);

    this.fixedReplicaCount = props.singleInstance ?? false;
    if (props.replicas !== undefined) checkPositiveInt(this, 'replicas', props.replicas);
    if (this.fixedReplicaCount && props.replicas !== undefined && props.replicas > 1) {
      invalidProp(this, 'replicas', props.replicas, 'must be 1: the stage is declared singleInstance and cannot be scaled');
    }
    this.requestedReplicas = props.replicas;

    const strategy = props.strategy ?? (this.fixedReplicaCount ? UpdateStrategy.recreate() : UpdateStrategy.rollingUpdate());
    if (this.fixedReplicaCount && strategy.type === 'RollingUpdate' && !strategy.maxSurge!.isZero) {
      invalidProp(this, 'strategy.maxSurge', strategy.maxSurge!.isPercent ? `${strategy.maxSurge!.amount}%` : strategy.maxSurge!.amount,
        'must be 0 for a singleInstance stage: a surge pod would run a second instance during every rollout (UpdateStrategy.recreate() is the default)');
    }
    const renderedStrategy = strategy._render(this, 'strategy');
    const timing = renderUpdateTiming(this, props);

    const urlEnv = props.natsUrlEnv ?? 'NATS_URL';
    if (props.env && Object.prototype.hasOwnProperty.call(props.env, urlEnv)) {
      invalidProp(this, `env.${urlEnv}`, props.env[urlEnv], `must be left out: the stage sets ${urlEnv} to its NATS server's URL (${props.natsUrl})`);
    }
    checkNatsUrl(this, 'natsUrl', props.natsUrl);
    this.natsUrl = props.natsUrl;

    const template = renderPodTemplate(this, { ...props, env: { ...props.env, [urlEnv]: props.natsUrl } }, this.app, this.podLabels);
    this.containerPort = containerPortOf(props);
    this.resources = props.resources;
    this.scaleTarget = { apiVersion: 'apps/v1', kind: 'Deployment', name: this.name };

    this.deployment = new ApiObject(this, 'Resource', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      // The annotation lets checkWiring and the policy plugin see the fixed size in plain YAML too.
      metadata: { name: this.name, labels: this.podLabels, annotations: this.fixedReplicaCount ? { [FIXED_SIZE_ANNOTATION]: 'true' } : undefined },
      spec: Lazy.any({
        produce: () => ({
          // Left out while an autoscaler owns the count, so kubectl apply does not reset it.
          replicas: this.replicas,
          ...timing,
          selector: { matchLabels: this.selectorLabels },
          strategy: renderedStrategy,
          template,
        }),
      }),
    });
  }

  public get selectorLabels(): Record<string, string> {
    return { [this.labelKeys.app]: this.app, [this.labelKeys.track]: this.track };
  }

  public get podLabels(): Record<string, string> {
    return { ...this.selectorLabels, [this.labelKeys.version]: this.version };
  }

  /** Pods the Deployment asks for, or undefined when an Autoscaler owns the count. */
  public get replicas(): number | undefined {
    return this.replicaOwner.isAutoscaled ? undefined : this.requestedReplicas ?? 1;
  }

  /** True once an Autoscaler manages this stage. */
  public get isAutoscaled(): boolean {
    return this.replicaOwner.isAutoscaled;
  }

  /** @internal */
  public _attachAutoscaler(autoscaler: Construct, range: AutoscalingRange): void {
    this.replicaOwner.attach(autoscaler, range);
  }
}

/** Throws unless `url` is one NATS server URL, `nats://` or `tls://`, e.g. `nats://my-nats:4222`. */
export function checkNatsUrl(scope: Construct, prop: string, url: string): void {
  if (typeof url !== 'string' || !/^(nats|tls):\/\/[^\s/]+$/.test(url)) {
    invalidProp(scope, prop, url, 'must be a NATS URL such as "nats://my-nats:4222"');
  }
}
