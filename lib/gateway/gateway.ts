import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { GatewaySpec } from '../../imports/gateway.networking.k8s.io';
import {
  checkDnsSubdomain,
  checkEnum,
  checkHostName,
  checkPort,
  checkStringArray,
  invalidProp,
  nameOrId,
} from '../core/errors';
import { checkProps, PropShape } from '../core/props';
import { Wire } from '../rollouts/argo-wire';
import { AllowedRoutes } from './allowed-routes';
import { GATEWAY_GROUP, namespaceOf } from './route-common';

/** The protocol of a Gateway listener. */
export type ListenerProtocol = 'HTTP' | 'HTTPS';

/** One listener of a {@link Gateway}: a port, a protocol and, for HTTPS, certificates. */
export interface GatewayListener {
  /** Listener name; routes attach to it by this name (`sectionName`). */
  readonly name: string;
  /** HTTP, or HTTPS terminated at the gateway. */
  readonly protocol: ListenerProtocol;
  /**
   * Port the gateway listens on.
   * @default - 80 for HTTP, 443 for HTTPS
   */
  readonly port?: number;
  /**
   * Host name the listener serves; a leading `*.` matches one subdomain level.
   * @default - every host name
   */
  readonly hostname?: string;
  /**
   * Names of TLS Secrets (in the Gateway's namespace) holding the certificates. Required for HTTPS, refused for HTTP.
   * @default - none
   */
  readonly certificates?: readonly string[];
  /**
   * Which namespaces may attach routes.
   * @default AllowedRoutes.sameNamespace()
   */
  readonly allowedRoutes?: AllowedRoutes;
}

/** Props of a {@link Gateway}. */
export interface GatewayProps {
  /**
   * metadata.name of the Gateway.
   * @default - the construct id, lower-cased
   */
  readonly name?: string;
  /** GatewayClass that runs this Gateway, e.g. `eg` for Envoy Gateway or `cilium`. */
  readonly className: string;
  /** The listeners: 1 to 64, names and (port, protocol, hostname) unique. */
  readonly listeners: readonly GatewayListener[];
}

const LISTENER_SHAPE: PropShape = {
  name: 'string!',
  protocol: 'string!',
  port: 'number',
  hostname: 'string',
  certificates: 'array',
  allowedRoutes: AllowedRoutes,
};
const GATEWAY_SHAPE: PropShape = { name: 'string', className: 'string!', listeners: 'array!' };
const PROTOCOLS: readonly ListenerProtocol[] = ['HTTP', 'HTTPS'];

/** A `gateway.networking.k8s.io/v1` Gateway, for teams that run their own: a class and its listeners. */
export class Gateway extends Construct {
  public readonly name: string;
  /** The namespace the Gateway is written to, when its chart sets one. */
  public readonly namespace?: string;
  /** The GatewayClass. */
  public readonly className: string;
  /** The listener names, in order. */
  public readonly listenerNames: readonly string[];
  /** The Gateway manifest. */
  public readonly gateway: ApiObject;

  constructor(scope: Construct, id: string, props: GatewayProps) {
    super(scope, id);
    checkProps(this, props, GATEWAY_SHAPE);
    this.name = nameOrId(this, props.name, id);
    checkDnsSubdomain(this, 'className', props.className);
    this.className = props.className;
    this.namespace = namespaceOf(this);
    const listeners = props.listeners;
    if (listeners.length === 0 || listeners.length > 64)
      invalidProp(this, 'listeners', listeners.length, 'must hold 1 to 64 listeners');
    const rendered = listeners.map((l, i) => this.renderListener(`listeners[${i}]`, l));
    rendered.forEach((l, i) => {
      const first = rendered.findIndex(o => o.name === l.name);
      if (first < i)
        invalidProp(
          this,
          `listeners[${i}].name`,
          l.name,
          `is already the name of listeners[${first}]; names are unique`,
        );
      const same = rendered.findIndex(o => o.port === l.port && o.protocol === l.protocol && o.hostname === l.hostname);
      if (same < i)
        invalidProp(
          this,
          `listeners[${i}]`,
          `${l.protocol}:${l.port} ${l.hostname ?? '*'}`,
          `repeats the port, protocol and hostname of listeners[${same}]; each combination must be unique`,
        );
    });
    this.listenerNames = rendered.map(l => l.name);
    const spec: Wire<GatewaySpec> = { gatewayClassName: this.className, listeners: rendered };
    this.gateway = new ApiObject(this, 'Resource', {
      apiVersion: `${GATEWAY_GROUP}/v1`,
      kind: 'Gateway',
      metadata: { name: this.name },
      spec,
    });
  }

  private renderListener(prop: string, l: GatewayListener): NonNullable<Wire<GatewaySpec>['listeners']>[number] {
    checkProps(this, l, LISTENER_SHAPE, `${prop}.`);
    checkDnsSubdomain(this, `${prop}.name`, l.name);
    checkEnum(this, `${prop}.protocol`, l.protocol, PROTOCOLS);
    const port = l.port ?? (l.protocol === 'HTTPS' ? 443 : 80);
    checkPort(this, `${prop}.port`, port);
    if (l.hostname !== undefined) checkHostName(this, `${prop}.hostname`, l.hostname, { wildcard: true });
    let tls: Record<string, unknown> | undefined;
    if (l.protocol === 'HTTPS') {
      const certs = l.certificates;
      if (certs === undefined || certs.length === 0)
        invalidProp(this, `${prop}.certificates`, certs, 'must name 1 to 64 TLS Secrets for an HTTPS listener');
      checkStringArray(this, `${prop}.certificates`, certs);
      if (certs.length > 64) invalidProp(this, `${prop}.certificates`, certs.length, 'must name at most 64 Secrets');
      certs.forEach((c, i) => checkDnsSubdomain(this, `${prop}.certificates[${i}]`, c));
      tls = { mode: 'Terminate', certificateRefs: certs.map(name => ({ kind: 'Secret', name })) };
    } else if (l.certificates !== undefined) {
      invalidProp(this, `${prop}.certificates`, l.certificates, 'must be left out for an HTTP listener; use HTTPS');
    }
    return {
      name: l.name,
      protocol: l.protocol,
      port,
      hostname: l.hostname,
      tls,
      allowedRoutes: l.allowedRoutes?._render(this, `${prop}.allowedRoutes`),
    };
  }
}
