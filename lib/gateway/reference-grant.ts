import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import type { ReferenceGrantV1Beta1Spec } from '../../imports/gateway.networking.k8s.io';
import { checkDnsLabel, checkEnum, invalidProp, nameOrId } from '../core/errors';
import { checkProps, PropShape } from '../core/props';
import { Wire } from '../rollouts/argo-wire';
import { BackendService, GATEWAY_GROUP, namespaceOf, resolveService } from './route-common';

/** A route kind a ReferenceGrant can trust. */
export type RouteKind = 'HTTPRoute' | 'GRPCRoute';

/** Routes of one kind in one namespace, trusted by a {@link ReferenceGrant}. */
export interface ReferenceGrantFrom {
  /** The route kind. */
  readonly kind: RouteKind;
  /** The namespace the routes live in. */
  readonly namespace: string;
}

/** Props of a {@link ReferenceGrant}. */
export interface ReferenceGrantProps {
  /**
   * metadata.name of the ReferenceGrant.
   * @default - the construct id, lower-cased
   */
  readonly name?: string;
  /**
   * Namespace of the Services (the grant lives beside what it shares).
   * @default - the chart's namespace
   */
  readonly namespace?: string;
  /** Which routes may refer to the Services: 1 to 16 kinds and namespaces. */
  readonly from: readonly ReferenceGrantFrom[];
  /**
   * The Services the routes may send traffic to, all in `namespace`.
   * @default - every Service of the namespace
   */
  readonly services?: readonly BackendService[];
}

const GRANT_SHAPE: PropShape = { name: 'string', namespace: 'string', from: 'array!', services: 'array' };
const KINDS: readonly RouteKind[] = ['HTTPRoute', 'GRPCRoute'];

/**
 * A `gateway.networking.k8s.io/v1beta1` ReferenceGrant: lets routes of other namespaces send
 * traffic to Services of this one. HttpRoute and GrpcRoute make one for you when a backend
 * lives in another namespace.
 */
export class ReferenceGrant extends Construct {
  public readonly name: string;
  /** The namespace of the grant and of the Services it shares. */
  public readonly namespace?: string;
  /** The ReferenceGrant manifest. */
  public readonly grant: ApiObject;
  private readonly from: ReferenceGrantFrom[] = [];
  private readonly serviceNames: string[] = [];
  private readonly allServices: boolean;

  constructor(scope: Construct, id: string, props: ReferenceGrantProps) {
    super(scope, id);
    checkProps(this, props, GRANT_SHAPE);
    this.name = nameOrId(this, props.name, id);
    if (props.namespace !== undefined) checkDnsLabel(this, 'namespace', props.namespace);
    this.namespace = namespaceOf(this, props.namespace);
    if (props.from.length === 0 || props.from.length > 16)
      invalidProp(this, 'from', props.from.length, 'must name 1 to 16 route kinds and namespaces');
    props.from.forEach((f, i) => this._allowFrom(f, `from[${i}]`));
    this.allServices = props.services === undefined;
    if (props.services !== undefined && props.services.length === 0)
      invalidProp(this, 'services', [], 'must name at least one Service, or be left out to share every Service');
    (props.services ?? []).forEach((s, i) => this._allowService(s, `services[${i}]`));
    this.grant = new ApiObject(this, 'Resource', {
      apiVersion: `${GATEWAY_GROUP}/v1beta1`,
      kind: 'ReferenceGrant',
      metadata: { name: this.name, namespace: props.namespace },
      spec: Lazy.any({ produce: () => this.renderSpec() }),
    });
  }

  /** @internal Trusts one more route kind and namespace (no-op when already trusted). */
  public _allowFrom(from: ReferenceGrantFrom, prop = 'from'): void {
    checkProps(this, from, { kind: 'string!', namespace: 'string!' }, `${prop}.`);
    checkEnum(this, `${prop}.kind`, from.kind, KINDS);
    checkDnsLabel(this, `${prop}.namespace`, from.namespace);
    if (!this.from.some(f => f.kind === from.kind && f.namespace === from.namespace))
      this.from.push({ kind: from.kind, namespace: from.namespace });
  }

  /** @internal Shares one more Service, which must live in the grant's namespace. */
  public _allowService(service: BackendService, prop = 'services'): void {
    const s = resolveService(this, prop, service);
    if (s.namespace !== this.namespace)
      invalidProp(
        this,
        prop,
        service,
        `must be in the grant's namespace "${this.namespace ?? '(unset)'}"; Service "${s.name}" is in "${s.namespace ?? '(unset)'}"`,
      );
    if (!this.allServices && !this.serviceNames.includes(s.name)) this.serviceNames.push(s.name);
  }

  private renderSpec(): Wire<ReferenceGrantV1Beta1Spec> {
    return {
      from: this.from.map(f => ({ group: GATEWAY_GROUP, kind: f.kind, namespace: f.namespace })),
      to: this.allServices
        ? [{ group: '', kind: 'Service' }]
        : this.serviceNames.map(name => ({ group: '', kind: 'Service', name })),
    };
  }
}
