import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import type { GrpcRouteSpec } from '../../imports/gateway.networking.k8s.io';
import { invalidProp, nameOrId, problem } from '../core/errors';
import { checkProps, PropShape } from '../core/props';
import { Wire } from '../rollouts/argo-wire';
import { Gateway } from './gateway';
import { GatewayRef } from './gateway-ref';
import { GrpcMatch } from './grpc-match';
import { HttpFilter } from './http-filter';
import { checkRuleLimits, GATEWAY_GROUP, namespaceOf, ResolvedBackend, RouteBackend } from './route-common';
import { checkHostnames, renderParents, RouteBackends } from './route-parts';

/** One rule of a {@link GrpcRoute}. */
export interface GrpcRouteRule {
  /**
   * Name of the rule, unique in the route.
   * @default - unnamed
   */
  readonly name?: string;
  /**
   * Calls the rule takes (any one of them); at most 64.
   * @default - every call
   */
  readonly matches?: readonly GrpcMatch[];
  /**
   * Header changes (`HttpFilter.requestHeaders` / `responseHeaders` only); at most 16.
   * @default - none
   */
  readonly filters?: readonly HttpFilter[];
  /** Services the calls go to, split by weight: 1 to 16. */
  readonly backends: readonly RouteBackend[];
}

/** Props of a {@link GrpcRoute}. */
export interface GrpcRouteProps {
  /**
   * metadata.name of the GRPCRoute.
   * @default - the construct id, lower-cased
   */
  readonly name?: string;
  /** The Gateways (and listeners) the route attaches to. */
  readonly parents: readonly (Gateway | GatewayRef)[];
  /**
   * Host names the route serves (at most 16).
   * @default - every host name of the listeners
   */
  readonly hostnames?: readonly string[];
  /**
   * The rules (at most 16); more can be added with `addRule`.
   * @default - none
   */
  readonly rules?: readonly GrpcRouteRule[];
}

const RULE_SHAPE: PropShape = { name: 'string', matches: 'array', filters: 'array', backends: 'array!' };
const GRPC_ROUTE_SHAPE: PropShape = { name: 'string', parents: 'array!', hostnames: 'array', rules: 'array' };

type RenderedRule = NonNullable<Wire<GrpcRouteSpec>['rules']>[number];

/** A `gateway.networking.k8s.io/v1` GRPCRoute: gRPC calls by service and method, split by weight between Services. */
export class GrpcRoute extends Construct {
  public readonly name: string;
  /** The route's namespace, when its chart sets one. */
  public readonly namespace?: string;
  /** The host names, in order. */
  public readonly hostnames: readonly string[];
  /** The GRPCRoute manifest. */
  public readonly route: ApiObject;
  private readonly rules: Array<{ keys: string[]; name?: string; backends: ResolvedBackend[]; rendered: object }> = [];
  private readonly backendRefs: RouteBackends;

  constructor(scope: Construct, id: string, props: GrpcRouteProps) {
    super(scope, id);
    checkProps(this, props, GRPC_ROUTE_SHAPE);
    this.name = nameOrId(this, props.name, id);
    this.namespace = namespaceOf(this);
    const parentRefs = renderParents(this, props.parents, this.namespace);
    this.hostnames = checkHostnames(this, props.hostnames ?? []);
    this.backendRefs = new RouteBackends(this, 'GRPCRoute', this.name, this.namespace);
    (props.rules ?? []).forEach(rule => this.addRule(rule));
    this.node.addValidation({
      validate: () => (this.rules.length ? [] : [problem('rules', [], 'must hold at least one rule')]),
    });
    this.route = new ApiObject(this, 'Resource', {
      apiVersion: `${GATEWAY_GROUP}/v1`,
      kind: 'GRPCRoute',
      metadata: { name: this.name },
      spec: Lazy.any({
        produce: (): Wire<GrpcRouteSpec> => ({
          parentRefs,
          hostnames: this.hostnames.length ? [...this.hostnames] : undefined,
          rules: this.rules.map(r => r.rendered as RenderedRule),
        }),
      }),
    });
  }

  /** Adds a rule (at most 16, 64 matches each, 128 in all). A match an earlier rule has is refused. */
  public addRule(rule: GrpcRouteRule): void {
    const index = this.rules.length;
    const prop = `rules[${index}]`;
    checkProps(this, rule, RULE_SHAPE, `${prop}.`);
    const existing = this.rules.map(r => ({ name: r.name, matchCount: r.keys.length }));
    checkRuleLimits(this, prop, existing, rule);
    const matches = rule.matches ?? [];
    const rendered = matches.map((m, i) => {
      if (!(m instanceof GrpcMatch))
        invalidProp(this, `${prop}.matches[${i}]`, m, 'must be a GrpcMatch (GrpcMatch.method, .service, .headers)');
      return m._render(this, `${prop}.matches[${i}]`);
    });
    const keys = matches.length ? matches.map(m => m._key) : ['/*/* '];
    this.rules.forEach((r, i) => {
      const j = keys.findIndex(k => r.keys.includes(k));
      if (j >= 0)
        invalidProp(
          this,
          `${prop}.matches`,
          keys[j].trim(),
          `is already matched by rules[${i}], which the gateway prefers`,
        );
    });
    const filters = rule.filters ?? [];
    if (filters.length > 16) invalidProp(this, `${prop}.filters`, filters.length, 'must hold at most 16 filters');
    const renderedFilters = filters.map((f, i) => {
      if (!(f instanceof HttpFilter) || (f._kind !== 'RequestHeaderModifier' && f._kind !== 'ResponseHeaderModifier'))
        invalidProp(
          this,
          `${prop}.filters[${i}]`,
          f instanceof HttpFilter ? f._kind : f,
          'must be HttpFilter.requestHeaders or HttpFilter.responseHeaders: a GRPCRoute takes only header filters',
        );
      return f._render(this, `${prop}.filters[${i}]`);
    });
    if (rule.backends.length === 0) invalidProp(this, `${prop}.backends`, [], 'must name at least one backend');
    const { resolved, refs } = this.backendRefs.render(`${prop}.backends`, rule.backends);
    this.rules.push({
      keys,
      name: rule.name,
      backends: resolved,
      rendered: {
        name: rule.name,
        matches: rendered.length ? rendered : undefined,
        filters: renderedFilters.length ? renderedFilters : undefined,
        backendRefs: refs,
      },
    });
  }

  /** @internal The Service constructs of each rule's backends. */
  public get _ruleServices(): ReadonlyArray<readonly Construct[]> {
    return this.rules.map(r => r.backends.map(b => b.service.construct as Construct));
  }
}
