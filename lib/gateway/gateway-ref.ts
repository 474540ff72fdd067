import { IConstruct } from 'constructs';
import { checkDnsLabel, checkDnsSubdomain, checkPort, invalidProp } from '../core/errors';
import { checkProps } from '../core/props';
import { Gateway } from './gateway';

/** Where a route attaches on a Gateway. */
export interface GatewayAttachOptions {
  /**
   * The listener (by name) the route attaches to.
   * @default - every listener that allows the route
   */
  readonly sectionName?: string;
  /**
   * The listener port the route attaches to.
   * @default - every port
   */
  readonly port?: number;
}

/** A Gateway named by hand, with where the route attaches. */
export interface GatewayRefOptions extends GatewayAttachOptions {
  /**
   * Namespace of the Gateway.
   * @default - the route's namespace
   */
  readonly namespace?: string;
}

/** @internal The rendered `parentRefs` entry. */
export interface ParentRef {
  readonly name: string;
  readonly namespace?: string;
  readonly sectionName?: string;
  readonly port?: number;
}

/** A parent Gateway of a route: one the app defines (`of`), or one a platform team runs (`named`). */
export class GatewayRef {
  /** A Gateway by name, e.g. `GatewayRef.named('public', { namespace: 'gateway-system', sectionName: 'https' })`. */
  public static named(name: string, options: GatewayRefOptions = {}): GatewayRef {
    return new GatewayRef(name, undefined, options);
  }
  /** A Gateway construct of this app; a `sectionName` must be one of its listeners. */
  public static of(gateway: Gateway, options: GatewayAttachOptions = {}): GatewayRef {
    return new GatewayRef(undefined, gateway, options);
  }
  private constructor(
    private readonly name: string | undefined,
    private readonly gateway: Gateway | undefined,
    private readonly options: GatewayRefOptions,
  ) {}

  /**
   * @internal Checks the reference (with the route's path) and renders it; a `namespace` equal to
   * `routeNamespace` is left out.
   */
  public _render(scope: IConstruct, prop: string, routeNamespace: string | undefined): ParentRef {
    const o = this.options;
    if (this.gateway !== undefined) {
      if (!(this.gateway instanceof Gateway)) invalidProp(scope, prop, this.gateway, 'must be a Gateway construct');
      checkProps(scope, o, { sectionName: 'string', port: 'number' }, `${prop}.`);
    } else {
      checkProps(scope, o, { namespace: 'string', sectionName: 'string', port: 'number' }, `${prop}.`);
      checkDnsSubdomain(scope, `${prop}.name`, this.name);
      if (o.namespace !== undefined) checkDnsLabel(scope, `${prop}.namespace`, o.namespace);
    }
    if (o.sectionName !== undefined) checkDnsSubdomain(scope, `${prop}.sectionName`, o.sectionName);
    if (o.port !== undefined) checkPort(scope, `${prop}.port`, o.port);
    const gw = this.gateway;
    if (gw && o.sectionName !== undefined && !gw.listenerNames.includes(o.sectionName)) {
      invalidProp(
        scope,
        `${prop}.sectionName`,
        o.sectionName,
        `must be a listener of ${gw.node.path} (${gw.listenerNames.join(', ')})`,
      );
    }
    const namespace = gw ? gw.namespace : o.namespace;
    return {
      name: gw ? gw.name : this.name!,
      namespace: namespace !== routeNamespace ? namespace : undefined,
      sectionName: o.sectionName,
      port: o.port,
    };
  }
}
