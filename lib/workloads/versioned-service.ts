import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct, IConstruct } from 'constructs';
import { checkDns1035Label, checkEnum, checkPort, checkPortName, invalidProp, NAME_RULES } from '../core/errors';
import { checkProps, PropShape } from '../core/props';
import { addWarning } from '../core/warnings';
import { IWorkload } from './workload';

/** A workload a {@link VersionedService} can serve: one of the library's, or a cdk8s-plus one (`Deployment`, ...). */
export type ServableWorkload = IWorkload | kplus.Workload;

/** How the Service is reachable. */
export type ServiceType = 'ClusterIP' | 'NodePort' | 'LoadBalancer';

/** Props of a {@link VersionedService}. */
export interface VersionedServiceProps {
  /**
   * The workloads behind the Service, all of one app. When they are all on one track the
   * Service selects that track (`dummy-stable-service`); when they span tracks it selects
   * every version of the app by its identity label (`dummy-service`). A cdk8s-plus workload
   * is selected by its match labels: the Service selects the labels every workload's selector shares.
   */
  readonly serves: ServableWorkload | readonly ServableWorkload[];
  /** Port the Service exposes, e.g. 8081. */
  readonly port: number;
  /**
   * metadata.name of the Service.
   * @default `${app}` when serving every track, `${app}-${track}` for one track; the name of the
   * first cdk8s-plus workload when it serves only cdk8s-plus workloads
   */
  readonly name?: string;
  /**
   * Container port the traffic goes to.
   * @default - the workloads' container port (a cdk8s-plus workload's first container port)
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

/** True for a cdk8s-plus workload (checked by shape, so that another copy of cdk8s-plus than the library's passes). */
function isKplusWorkload(w: unknown): w is kplus.Workload {
  if (typeof w !== 'object' || w === null || !('node' in w)) return false;
  const x = w as Partial<kplus.Workload>;
  return typeof x.matchLabels === 'object' && Array.isArray(x.containers) && typeof x.name === 'string';
}

/** A served workload as the Service reads it. */
interface Served {
  readonly construct: IConstruct;
  /** The library workload, when it is one. */
  readonly library?: IWorkload;
  /** What its selector matches: every pod of it carries these labels. */
  readonly selector: Readonly<Record<string, string>>;
  /** The ports its containers declare, in order. */
  readonly ports: ReadonlyArray<{ readonly name?: string; readonly number: number }>;
}

/** A named Service port. */
export interface ServicePort {
  readonly name: string;
  readonly port: number;
  readonly targetPort: number;
}

/**
 * A Service for every version of an app, or for one track (stable or canary). It also serves
 * cdk8s-plus workloads, alone or beside the library's.
 */
export class VersionedService extends Construct {
  public readonly name: string;
  /** The app behind the Service; undefined when it serves only cdk8s-plus workloads. */
  public readonly app?: string;
  /**
   * The Service's label selector: app identity, plus the track when it serves one track. Never the version.
   * With cdk8s-plus workloads, the labels every served workload's selector shares.
   */
  public readonly selector: Readonly<Record<string, string>>;
  /** The workloads behind the Service. */
  public readonly workloads: readonly ServableWorkload[];
  /** The Service's port. */
  public readonly servicePort: ServicePort;
  /** The Service manifest. */
  public readonly service: ApiObject;

  constructor(scope: Construct, id: string, props: VersionedServiceProps) {
    super(scope, id);
    checkProps(this, props, VERSIONED_SERVICE_SHAPE);
    const served = this.checkServes(props.serves);
    this.workloads = served.map(w => w.construct as ServableWorkload);
    const library = served.flatMap(w => (w.library ? [w.library] : []));
    const first = library[0];
    this.app = first?.app;
    this.selector = this.selectorOf(props.serves, served, library);
    this.name = this.nameOf(props, served);
    this.servicePort = this.portOf(props, served);

    const type = props.type ?? 'ClusterIP';
    checkEnum(this, 'type', type, SERVICE_TYPES);
    const { name: portName, port, targetPort } = this.servicePort;
    this.service = new ApiObject(this, 'Resource', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: this.name, labels: first ? { [first.labelKeys.app]: first.app } : undefined },
      spec: {
        type,
        selector: this.selector,
        ports: [{ name: portName, port, targetPort, protocol: 'TCP' }],
      },
    });
  }

  /** The workloads `serves` names: at least one; the library's all of one app with one label scheme. */
  private checkServes(serves: unknown): Served[] {
    const workloads = (Array.isArray(serves) ? serves : [serves]) as unknown[];
    if (workloads.length === 0) invalidProp(this, 'serves', [], 'must name at least one workload');
    const served = workloads.map((w, i): Served => {
      if (isWorkload(w)) {
        const port = w.containerPort;
        return { construct: w, library: w, selector: w.selectorLabels, ports: port ? [port] : [] };
      }
      if (isKplusWorkload(w)) {
        if (w.matchExpressions.length) {
          // A Service selects by labels alone: pods of other workloads with these labels get traffic too.
          addWarning(
            this,
            `${w.node.path} also selects its pods with matchExpressions, which a Service cannot hold: the Service selects by its match labels alone`,
          );
        }
        return { construct: w, selector: w.matchLabels, ports: w.containers.flatMap(c => c.ports) };
      }
      return invalidProp(
        this,
        servesProp(serves, i),
        w,
        'must be a workload construct (StableDeployment, CanaryDeployment, Rollout, PipelineStage, or a cdk8s-plus Deployment or StatefulSet)',
      );
    });
    const library = served.flatMap(w => (w.library ? [w.library] : []));
    const first = library[0];
    for (const w of library) {
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
    return served;
  }

  /**
   * The library workloads' selector (the app, and the track when they are on one), narrowed to the labels
   * every cdk8s-plus workload's selector shares with it.
   */
  private selectorOf(serves: unknown, served: readonly Served[], library: readonly IWorkload[]) {
    let selector: Record<string, string>;
    if (library.length) {
      const { app, labelKeys } = library[0];
      const tracks = new Set(library.map(w => w.track));
      selector =
        tracks.size === 1 ? { [labelKeys.app]: app, [labelKeys.track]: library[0].track } : { [labelKeys.app]: app };
    } else {
      selector = { ...served[0].selector };
    }
    served.forEach((w, i) => {
      if (w.library) return;
      const shared = Object.entries(selector).filter(([k, v]) => w.selector[k] === v);
      if (shared.length === 0) {
        invalidProp(
          this,
          servesProp(serves, i),
          w.construct,
          `selects its pods by ${JSON.stringify(w.selector)}, which shares no label with ${JSON.stringify(selector)}: a Service selects the pods of every workload it serves by labels they all carry; give its selector the app label (select(kplus.LabelSelector.of({ labels: ... })))`,
        );
      }
      selector = Object.fromEntries(shared);
    });
    return selector;
  }

  /** The `name` prop, or the default made from the app (and the track when the Service serves one). */
  private nameOf(props: VersionedServiceProps, served: readonly Served[]): string {
    if (props.name !== undefined) {
      checkDns1035Label(this, 'name', props.name);
      return props.name;
    }
    const index = served.findIndex(w => w.library);
    const lib = served[index]?.library;
    const name = lib
      ? this.selector[lib.labelKeys.track] !== undefined
        ? `${lib.app}-${lib.track}`
        : lib.app
      : (served[0].construct as kplus.Workload).name;
    // The default name is made from the app of what it serves: report it as serves, the prop the user set.
    if (!NAME_RULES.dns1035Label.test(name)) {
      const what = lib ? `app "${lib.app}"` : `name "${name}"`;
      invalidProp(
        this,
        servesProp(props.serves, Math.max(index, 0)),
        served[Math.max(index, 0)].construct,
        `has ${what}, which makes the default Service name "${name}": not a DNS-1035 label (lower-case letters, digits and "-", starting with a letter and ending with a letter or digit, at most 63 characters); set name`,
      );
    }
    return name;
  }

  /** The Service port: `port`, to a container port every workload listens on. */
  private portOf(props: VersionedServiceProps, served: readonly Served[]): ServicePort {
    const first = served[0];
    checkPort(this, 'port', props.port);
    const targetPort = props.targetPort ?? first.ports[0]?.number;
    if (targetPort === undefined) {
      invalidProp(
        this,
        'targetPort',
        undefined,
        `must be given: ${first.construct.node.path} declares no container port`,
      );
    }
    checkPort(this, 'targetPort', targetPort);
    for (const w of served) {
      if (w.ports.length && !w.ports.some(p => p.number === targetPort)) {
        invalidProp(
          this,
          'targetPort',
          targetPort,
          `must be a port the pods listen on: ${w.construct.node.path} listens on ${w.ports.map(p => p.number).join(', ')}`,
        );
      }
    }
    const portName = props.portName ?? first.ports.find(p => p.number === targetPort)?.name ?? 'http';
    checkPortName(this, 'portName', portName);
    return { name: portName, port: props.port, targetPort };
  }

  /** True when the Service has a port with this number or name. */
  public hasPort(port: number | string): boolean {
    return this.servicePort.port === port || this.servicePort.name === port;
  }

  /**
   * This Service as the backend of a cdk8s-plus `Ingress` path, e.g.
   * `ingress.addHostRule('shop.example.com', '/', service.toIngressBackend())`.
   */
  public toIngressBackend(): kplus.IngressBackend {
    // IngressBackend has no factory for a Service that is not a kplus.Service; fromService reads only the
    // name and the ports of the one it is given (test/cdk8s-plus-interop.test.ts pins the YAML it writes).
    const { name, port, targetPort } = this.servicePort;
    const view = { name: this.name, ports: [{ name, port, targetPort }] };
    return kplus.IngressBackend.fromService(view as unknown as kplus.Service);
  }
}
