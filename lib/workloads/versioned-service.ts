import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { checkDns1035Label, checkEnum, checkPort, checkPortName, invalidProp, NAME_RULES } from '../core/errors';
import { checkProps, PropShape } from '../core/props';
import { Track } from '../core/labels';
import { IWorkload } from './workload';

/** How the Service is reachable. */
export type ServiceType = 'ClusterIP' | 'NodePort' | 'LoadBalancer';

/** Props of a {@link VersionedService}. */
export interface VersionedServiceProps {
  /**
   * The workloads behind the Service, all of one app. When they are all on one track the
   * Service selects that track (`dummy-stable-service`); when they span tracks it selects
   * every version of the app by its identity label (`dummy-service`).
   */
  readonly serves: IWorkload | readonly IWorkload[];
  /** Port the Service exposes, e.g. 8081. */
  readonly port: number;
  /**
   * metadata.name of the Service.
   * @default `${app}` when serving every track, `${app}-${track}` for one track
   */
  readonly name?: string;
  /**
   * Container port the traffic goes to.
   * @default - the workloads' container port
   */
  readonly targetPort?: number;
  /**
   * Name of the Service port; ServiceMonitors and Ingresses may refer to it.
   * @default - the container port's name
   */
  readonly portName?: string;
  /**
   * How the Service is reachable.
   * @default 'ClusterIP'
   */
  readonly type?: ServiceType;
}

/** @internal The runtime shape of {@link VersionedServiceProps}, for `checkProps`. */
export const VERSIONED_SERVICE_SHAPE: PropShape = {
  serves: 'construct|array!',
  port: 'number!',
  name: 'string',
  targetPort: 'number',
  portName: 'string',
  type: 'string',
};

const SERVICE_TYPES: readonly ServiceType[] = ['ClusterIP', 'NodePort', 'LoadBalancer'];

/** The prop that names the `i`th workload of `serves`: `serves[i]`, or `serves` when it is one workload. */
function servesProp(serves: unknown, i: number): string {
  return Array.isArray(serves) ? `serves[${i}]` : 'serves';
}

/** True for a construct that carries what a Service needs of a workload (JavaScript callers may pass anything). */
function isWorkload(w: unknown): w is IWorkload {
  if (typeof w !== 'object' || w === null || !('node' in w)) return false;
  const x = w as Partial<IWorkload>;
  return (
    typeof x.app === 'string' &&
    (x.track === 'stable' || x.track === 'canary') &&
    typeof x.labelKeys === 'object' &&
    x.labelKeys !== null
  );
}

/** A named Service port. */
export interface ServicePort {
  readonly name: string;
  readonly port: number;
  readonly targetPort: number;
}

/** A Service for every version of an app, or for one track (stable or canary). */
export class VersionedService extends Construct {
  public readonly name: string;
  /** The app behind the Service. */
  public readonly app: string;
  /** The Service's label selector: app identity, plus the track when it serves one track. Never the version. */
  public readonly selector: Readonly<Record<string, string>>;
  /** The workloads behind the Service. */
  public readonly workloads: readonly IWorkload[];
  /** The Service's port. */
  public readonly servicePort: ServicePort;
  /** The Service manifest. */
  public readonly service: ApiObject;

  constructor(scope: Construct, id: string, props: VersionedServiceProps) {
    super(scope, id);
    checkProps(this, props, VERSIONED_SERVICE_SHAPE);
    this.workloads = this.checkServes(props.serves);
    const first = this.workloads[0];
    this.app = first.app;
    const tracks = new Set(this.workloads.map(w => w.track));
    const oneTrack = tracks.size === 1 ? first.track : undefined;
    this.selector = oneTrack
      ? { [first.labelKeys.app]: this.app, [first.labelKeys.track]: oneTrack }
      : { [first.labelKeys.app]: this.app };
    this.name = this.nameOf(props, oneTrack);
    this.servicePort = this.portOf(props);

    const type = props.type ?? 'ClusterIP';
    checkEnum(this, 'type', type, SERVICE_TYPES);
    const { name: portName, port, targetPort } = this.servicePort;
    this.service = new ApiObject(this, 'Resource', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: this.name, labels: { [first.labelKeys.app]: this.app } },
      spec: {
        type,
        selector: this.selector,
        ports: [{ name: portName, port, targetPort, protocol: 'TCP' }],
      },
    });
  }

  /** The workloads `serves` names: at least one, all of one app with one label scheme. */
  private checkServes(serves: unknown): IWorkload[] {
    const workloads = (Array.isArray(serves) ? serves : [serves]) as unknown[];
    if (workloads.length === 0) invalidProp(this, 'serves', [], 'must name at least one workload');
    workloads.forEach((w, i) => {
      if (!isWorkload(w))
        invalidProp(
          this,
          servesProp(serves, i),
          w,
          'must be a workload construct (StableDeployment, CanaryDeployment, Rollout, PipelineStage)',
        );
    });
    const checked = workloads as IWorkload[];
    const first = checked[0];
    for (const w of checked) {
      if (
        w.app !== first.app ||
        w.labelKeys.app !== first.labelKeys.app ||
        w.labelKeys.track !== first.labelKeys.track
      ) {
        invalidProp(
          this,
          'serves',
          w,
          `must all be of one app with one label scheme: ${w.node.path} is app "${w.app}" but ${first.node.path} is "${first.app}"`,
        );
      }
    }
    return checked;
  }

  /** The `name` prop, or the default made from the app (and the track when the Service serves one). */
  private nameOf(props: VersionedServiceProps, oneTrack: Track | undefined): string {
    if (props.name !== undefined) {
      checkDns1035Label(this, 'name', props.name);
      return props.name;
    }
    const name = oneTrack ? `${this.app}-${oneTrack}` : this.app;
    // The default name is made from the app of what it serves: report it as serves, the prop the user set.
    if (!NAME_RULES.dns1035Label.test(name)) {
      invalidProp(
        this,
        servesProp(props.serves, 0),
        this.workloads[0],
        `has app "${this.app}", which makes the default Service name "${name}": not a DNS-1035 label (lower-case letters, digits and "-", starting with a letter and ending with a letter or digit, at most 63 characters); set name`,
      );
    }
    return name;
  }

  /** The Service port: `port`, to a container port every workload listens on. */
  private portOf(props: VersionedServiceProps): ServicePort {
    const first = this.workloads[0];
    checkPort(this, 'port', props.port);
    const targetPort = props.targetPort ?? first.containerPort?.number;
    if (targetPort === undefined) {
      invalidProp(this, 'targetPort', undefined, `must be given: ${first.node.path} declares no container port`);
    }
    checkPort(this, 'targetPort', targetPort);
    for (const w of this.workloads) {
      if (w.containerPort !== undefined && w.containerPort.number !== targetPort) {
        invalidProp(
          this,
          'targetPort',
          targetPort,
          `must be a port the pods listen on: ${w.node.path} listens on ${w.containerPort.number}`,
        );
      }
    }
    const portName = props.portName ?? first.containerPort?.name ?? 'http';
    checkPortName(this, 'portName', portName);
    return { name: portName, port: props.port, targetPort };
  }

  /** True when the Service has a port with this number or name. */
  public hasPort(port: number | string): boolean {
    return this.servicePort.port === port || this.servicePort.name === port;
  }
}
