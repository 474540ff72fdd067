import { ApiObject, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { ResolvedLabelKeys, Track } from '../core/labels';
import { invalidProp } from '../core/errors';
import { checkProps, PropShape } from '../core/props';
import type { ContainerResources } from '../core/quantity';
import type * as kplus from 'cdk8s-plus-27';
import {
  AutoscalingRange,
  ContainerRequests,
  containerRequestsOf,
  IAutoscalable,
  kplusScalingTarget,
  ReplicaOwner,
  ScaleTarget,
} from './autoscaler';
import { createDisruptionBudget, DisruptionBudget } from './disruption-budget';
import { checkAnnotations, checkLabels } from './pod-spec';
import {
  ContainerOptions,
  ContainerPort,
  containerPortOf,
  IWorkload,
  renderPodTemplate,
  RenderedPodTemplate,
  WorkloadOptions,
} from './workload';

/**
 * What names and labels a pod workload, as its subclass settles it from the props.
 * @internal
 */
export interface PodWorkloadIdentity {
  readonly app: string;
  readonly labelKeys: ResolvedLabelKeys;
  /** metadata.name of the manifest. */
  readonly name: string;
  readonly version: string;
  /** The container the pods run: its port and resources are the workload's. */
  readonly container: Pick<ContainerOptions, 'port' | 'portName' | 'resources'>;
  /** Labels, annotations and disruption budget of the workload's object. */
  readonly options?: WorkloadOptions;
  /**
   * The labels the selector matches, when they are not the workload's own app and track
   * (a Rollout on a Deployment's pods).
   */
  readonly selectorLabels?: Readonly<Record<string, string>>;
}

/**
 * How a {@link PodWorkload} subclass is built.
 * @internal
 */
export interface PodWorkloadInit {
  /** The props as given, checked against `shape` before anything reads them. */
  readonly props: unknown;
  readonly shape: PropShape;
  /** apiVersion and kind of the manifest, which an autoscaler targets. */
  readonly kind: Omit<ScaleTarget, 'name'>;
  readonly track: Track;
  /** Checks the props that name and label the workload, in the subclass's order, and returns them. */
  readonly identify: (self: Construct) => PodWorkloadIdentity;
}

/**
 * A workload of one-container pods of one app on one track: what StableDeployment,
 * CanaryDeployment, Rollout and PipelineStage share. It holds the identity (app, labels,
 * name, version), the selector and pod labels, the scale target and who owns the replica
 * count: the props' `replicas`, or an Autoscaler once one is attached.
 */
export abstract class PodWorkload extends Construct implements IWorkload, IAutoscalable, kplus.IScalable {
  /** Value of the app identity label. */
  public readonly app: string;
  /** The track the pods run on. */
  public readonly track: Track;
  /** Label keys for app, track and version. */
  public readonly labelKeys: ResolvedLabelKeys;
  /** metadata.name of the workload's manifest. */
  public readonly name: string;
  /** The version label's value. */
  public readonly version: string;
  /** The container's port, when it declares one. */
  public readonly containerPort?: ContainerPort;
  /** The container's CPU and memory. */
  public readonly resources?: ContainerResources;
  /** What an Autoscaler points at: the workload's manifest. */
  public readonly scaleTarget: ScaleTarget;
  /** True for a workload that must run a fixed number of pods (a single-instance stage). */
  public abstract readonly fixedReplicaCount: boolean;
  private readonly selector: Readonly<Record<string, string>>;
  private readonly objectLabels?: Record<string, string>;
  private readonly objectAnnotations?: Record<string, string>;
  private readonly budgetOptions?: WorkloadOptions['disruptionBudget'];
  private budgetValue?: DisruptionBudget;
  private readonly replicaOwner = new ReplicaOwner(this, () => this.explicitReplicas);

  /** @internal StableDeployment, CanaryDeployment, Rollout and PipelineStage are the subclasses. */
  protected constructor(scope: Construct, id: string, init: PodWorkloadInit) {
    super(scope, id);
    checkProps(this, init.props, init.shape);
    const identity = init.identify(this);
    this.app = identity.app;
    this.track = init.track;
    this.labelKeys = identity.labelKeys;
    this.name = identity.name;
    this.version = identity.version;
    this.selector = identity.selectorLabels ?? { [this.labelKeys.app]: this.app, [this.labelKeys.track]: this.track };
    this.containerPort = containerPortOf(identity.container);
    this.resources = identity.container.resources;
    this.scaleTarget = { ...init.kind, name: this.name };
    const options = identity.options ?? {};
    this.objectLabels = checkLabels(this, 'labels', options.labels, Object.values(this.labelKeys));
    this.objectAnnotations = checkAnnotations(this, 'annotations', options.annotations);
    this.budgetOptions = options.disruptionBudget;
  }

  /** The PodDisruptionBudget the `disruptionBudget` prop made, if any. */
  public get disruptionBudget(): DisruptionBudget | undefined {
    return this.budgetValue;
  }

  /** Labels the workload's selector matches: app and track, never the version. */
  public get selectorLabels(): Record<string, string> {
    return { ...this.selector };
  }

  /** Labels on every pod: the selector labels plus the version. */
  public get podLabels(): Record<string, string> {
    return { ...this.selector, [this.labelKeys.version]: this.version };
  }

  /** Pods the manifest asks for, or undefined while an Autoscaler owns the count. */
  public get replicas(): number | undefined {
    return this.isAutoscaled ? undefined : (this.explicitReplicas ?? 1);
  }

  /** True once an Autoscaler manages this workload's replica count. */
  public get isAutoscaled(): boolean {
    return this.replicaOwner.isAutoscaled;
  }

  /** Replica bounds of the Autoscaler that manages this workload, if any. */
  public get autoscalingRange(): AutoscalingRange | undefined {
    return this.replicaOwner.range;
  }

  /** Called by the Autoscaler that targets this workload: it owns the replica count from then on. */
  public attachAutoscaler(autoscaler: IConstruct, range: AutoscalingRange): void {
    this.replicaOwner.attach(autoscaler, range);
  }

  /** The requests of every container and native sidecar of the pods, which utilization metrics add up. */
  public get containerRequests(): ContainerRequests[] {
    return containerRequestsOf(this);
  }

  /** cdk8s-plus's name for {@link PodWorkload.isAutoscaled}. */
  public get hasAutoscaler(): boolean {
    return this.isAutoscaled;
  }

  /**
   * Called by a cdk8s-plus HorizontalPodAutoscaler that targets this workload: it owns the replica count from
   * then on.
   */
  public markHasAutoscaler(): void {
    this.replicaOwner.attachCdk8sPlus();
  }

  /** What a cdk8s-plus HorizontalPodAutoscaler scales: the manifest's kind and name, replicas and containers. */
  public toScalingTarget(): kplus.ScalingTarget {
    return kplusScalingTarget(this, this.replicas);
  }

  /** The replica count the props set, if any: an Autoscaler refuses one beside it. */
  protected abstract get explicitReplicas(): number | undefined;

  /**
   * Renders and checks the pod template of `options`' container, labelled with the pod labels.
   * `appProp` names the prop the app came from, for the error when it makes no container name.
   * @internal
   */
  protected podTemplate(options: ContainerOptions, appProp = 'app'): RenderedPodTemplate {
    // Argo labels a Rollout's pods with its own hash; the Deployment controller's is pod-template-hash.
    const hashLabel = this.scaleTarget.kind === 'Rollout' ? 'rollouts-pod-template-hash' : 'pod-template-hash';
    return renderPodTemplate(this, options, this.app, this.podLabels, appProp, {
      selectorLabels: this.selectorLabels,
      hashLabel,
    });
  }

  /**
   * The workload's manifest, named and labelled as the workload. The spec is produced at synth,
   * once it is known whether an Autoscaler owns the replica count.
   * @internal
   */
  protected createManifest(spec: () => Record<string, unknown>, annotations?: Record<string, string>): ApiObject {
    for (const key of Object.keys(annotations ?? {})) {
      if (this.objectAnnotations?.[key] !== undefined)
        invalidProp(this, `annotations.${key}`, this.objectAnnotations[key], 'must be left out: the library sets it');
    }
    const manifest = new ApiObject(this, 'Resource', {
      apiVersion: this.scaleTarget.apiVersion,
      kind: this.scaleTarget.kind,
      metadata: {
        name: this.name,
        labels: { ...this.objectLabels, ...this.podLabels },
        annotations: this.objectAnnotations || annotations ? { ...this.objectAnnotations, ...annotations } : undefined,
      },
      spec: Lazy.any({
        produce: () => ({
          // Left out while an autoscaler owns the count, so kubectl apply does not reset it.
          replicas: this.replicas,
          selector: { matchLabels: this.selectorLabels },
          ...spec(),
        }),
      }),
    });
    if (this.budgetOptions) this.budgetValue = createDisruptionBudget(this, this.budgetOptions);
    return manifest;
  }
}
