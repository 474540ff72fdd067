import { ApiObject, Duration, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import type { HttpRouteSpec } from '../../imports/gateway.networking.k8s.io';
import { checkPercent, invalidProp, nameOrId, problem } from '../core/errors';
import { checkProps, PropShape } from '../core/props';
import { Wire } from '../rollouts/argo-wire';
import { Gateway } from './gateway';
import { GatewayRef } from './gateway-ref';
import { HttpFilter } from './http-filter';
import { HttpMatch } from './http-match';
import {
  BackendService,
  checkHttpToken,
  GATEWAY_GROUP,
  gatewayDuration,
  namespaceOf,
  ResolvedBackend,
  RouteBackend,
  RouteTimeouts,
  checkRuleLimits,
} from './route-common';
import { checkHostnames, renderParents, RouteBackends } from './route-parts';

/** One rule of an {@link HttpRoute}: which requests, what happens to them, where they go. */
export interface HttpRouteRule {
  /**
   * Name of the rule, unique in the route (policies and status refer to it).
   * @default - unnamed
   */
  readonly name?: string;
  /**
   * Requests the rule takes (any one of them); at most 64.
   * @default - every request (path prefix `/`)
   */
  readonly matches?: readonly HttpMatch[];
  /**
   * Changes made on the way: headers, a redirect, a rewrite; at most 16.
   * @default - none
   */
  readonly filters?: readonly HttpFilter[];
  /**
   * Services the requests go to, split by weight; at most 16. Required unless a redirect answers.
   * @default - none (only with a redirect filter)
   */
  readonly backends?: readonly RouteBackend[];
  /**
   * Request timeouts.
   * @default - the implementation's
   */
  readonly timeouts?: RouteTimeouts;
}

/** A stable and a canary Service behind one route, split by an exact weight and optionally by a header. */
export interface HttpCanaryOptions {
  /** The Service of the stable version. */
  readonly stable: BackendService;
  /** The Service of the canary version. */
  readonly canary: BackendService;
  /**
   * Percent of the traffic the canary gets (0 to 100). With Argo Rollouts routing the route, leave it 0: Argo moves it.
   * @default 0
   */
  readonly weight?: number;
  /**
   * Requests carrying this header with this value go to the canary whatever the weight.
   * @default - no header route
   */
  readonly header?: { readonly name: string; readonly value: string };
  /**
   * Service port of both Services.
   * @default - each Service's port, when it has exactly one
   */
  readonly port?: number;
  /**
   * Requests the split applies to.
   * @default - every request (path prefix `/`)
   */
  readonly matches?: readonly HttpMatch[];
}

/** Props of an {@link HttpRoute}. */
export interface HttpRouteProps {
  /**
   * metadata.name of the HTTPRoute.
   * @default - the construct id, lower-cased
   */
  readonly name?: string;
  /** The Gateways (and listeners) the route attaches to: Gateway constructs or `GatewayRef.named(...)`. */
  readonly parents: readonly (Gateway | GatewayRef)[];
  /**
   * Host names the route serves (at most 16); a leading `*.` matches one subdomain level.
   * @default - every host name of the listeners
   */
  readonly hostnames?: readonly string[];
  /**
   * The rules (at most 16); more can be added with `addRule`.
   * @default - none
   */
  readonly rules?: readonly HttpRouteRule[];
  /**
   * A stable/canary split in one line: a weighted rule (stable `100 - weight`, canary `weight`), and
   * before it, with `header`, a rule sending that header to the canary. Added before `rules`.
   * @default - no canary rules
   */
  readonly canary?: HttpCanaryOptions;
}

const RULE_SHAPE: PropShape = {
  name: 'string',
  matches: 'array',
  filters: 'array',
  backends: 'array',
  timeouts: { request: Duration, backendRequest: Duration },
};
const HTTP_ROUTE_SHAPE: PropShape = {
  name: 'string',
  parents: 'array!',
  hostnames: 'array',
  rules: 'array',
  canary: {
    stable: 'construct!',
    canary: 'construct!',
    weight: 'number',
    header: { name: 'string!', value: 'string!' },
    port: 'number',
    matches: 'array',
  },
};

/** A rule as the route keeps it, for the Rollout's checks and the rendering. */
interface ResolvedRule {
  readonly name?: string;
  readonly matches: readonly HttpMatch[];
  readonly backends: readonly ResolvedBackend[];
  readonly rendered: Record<string, unknown>;
}

type RenderedRule = NonNullable<Wire<HttpRouteSpec>['rules']>[number];

/**
 * A `gateway.networking.k8s.io/v1` HTTPRoute: the Gateway API successor of `HostIngress`.
 * Attaches to Gateways, serves host names, and sends matched requests to VersionedServices (or
 * cdk8s-plus Services) split by weight. A backend in another namespace gets a ReferenceGrant.
 */
export class HttpRoute extends Construct {
  public readonly name: string;
  /** The route's namespace, when its chart sets one. */
  public readonly namespace?: string;
  /** The host names, in order. */
  public readonly hostnames: readonly string[];
  /** The HTTPRoute manifest. */
  public readonly route: ApiObject;
  private readonly resolvedRules: ResolvedRule[] = [];
  private readonly backendRefs: RouteBackends;

  constructor(scope: Construct, id: string, props: HttpRouteProps) {
    super(scope, id);
    checkProps(this, props, HTTP_ROUTE_SHAPE);
    this.name = nameOrId(this, props.name, id);
    this.namespace = namespaceOf(this);
    const parentRefs = renderParents(this, props.parents, this.namespace);
    this.hostnames = checkHostnames(this, props.hostnames ?? []);
    this.backendRefs = new RouteBackends(this, 'HTTPRoute', this.name, this.namespace);
    if (props.canary) this.addCanary(props.canary);
    (props.rules ?? []).forEach(rule => this.addRule(rule));
    this.node.addValidation({
      validate: () => (this.resolvedRules.length ? [] : [problem('rules', [], 'must hold at least one rule')]),
    });
    this.route = new ApiObject(this, 'Resource', {
      apiVersion: `${GATEWAY_GROUP}/v1`,
      kind: 'HTTPRoute',
      metadata: { name: this.name },
      spec: Lazy.any({
        produce: (): Wire<HttpRouteSpec> => ({
          parentRefs,
          hostnames: this.hostnames.length ? [...this.hostnames] : undefined,
          rules: this.resolvedRules.map(r => r.rendered as RenderedRule),
        }),
      }),
    });
  }

  /** Adds a rule (at most 16, 64 matches each, 128 matches in all). A match an earlier rule has is refused. */
  public addRule(rule: HttpRouteRule): void {
    const index = this.resolvedRules.length;
    const prop = `rules[${index}]`;
    checkProps(this, rule, RULE_SHAPE, `${prop}.`);
    const existing = this.resolvedRules.map(r => ({ name: r.name, matchCount: r.matches.length }));
    checkRuleLimits(this, prop, existing, rule);
    const matches = rule.matches ?? [];
    const renderedMatches = matches.map((m, i) => {
      if (!(m instanceof HttpMatch))
        invalidProp(
          this,
          `${prop}.matches[${i}]`,
          m,
          'must be an HttpMatch (HttpMatch.pathPrefix, .exactPath, .headers)',
        );
      return m._render(this, `${prop}.matches[${i}]`);
    });
    this.checkNewMatches(prop, matches);
    const filters = rule.filters ?? [];
    if (filters.length > 16) invalidProp(this, `${prop}.filters`, filters.length, 'must hold at most 16 filters');
    const renderedFilters = filters.map((f, i) => {
      if (!(f instanceof HttpFilter))
        invalidProp(
          this,
          `${prop}.filters[${i}]`,
          f,
          'must be an HttpFilter (HttpFilter.requestHeaders, .redirect, .rewrite)',
        );
      return f._render(this, `${prop}.filters[${i}]`);
    });
    const redirects = filters.some(f => f._kind === 'RequestRedirect');
    const backends = rule.backends ?? [];
    if (redirects && backends.length)
      invalidProp(
        this,
        `${prop}.backends`,
        backends.length,
        'must be left out with a redirect filter: the redirect answers',
      );
    if (!redirects && backends.length === 0)
      invalidProp(this, `${prop}.backends`, backends, 'must name at least one backend (or add a redirect filter)');
    if (filters.some(f => f._replacesPrefix) && (matches.length !== 1 || matches[0]._type !== 'PathPrefix'))
      invalidProp(
        this,
        `${prop}.matches`,
        matches.length,
        'must be exactly one HttpMatch.pathPrefix with a replacePrefix rewrite',
      );
    const { resolved, refs } = this.backendRefs.render(`${prop}.backends`, backends);
    const timeouts = this.renderTimeouts(`${prop}.timeouts`, rule.timeouts);
    this.resolvedRules.push({
      name: rule.name,
      matches,
      backends: resolved,
      rendered: {
        name: rule.name,
        matches: renderedMatches.length ? renderedMatches : undefined,
        filters: renderedFilters.length ? renderedFilters : undefined,
        backendRefs: refs.length ? refs : undefined,
        timeouts,
      },
    });
  }

  private addCanary(c: HttpCanaryOptions): void {
    const weight = c.weight ?? 0;
    checkPercent(this, 'canary.weight', weight);
    if (c.stable === c.canary)
      invalidProp(this, 'canary.canary', c.canary, 'must differ from canary.stable: the split needs two Services');
    const port = c.port;
    if (c.header) {
      checkHttpToken(this, 'canary.header.name', c.header.name);
      this.addRule({
        matches: [HttpMatch.headers({ [c.header.name]: c.header.value })],
        backends: [{ service: c.canary, port }],
      });
    }
    this.addRule({
      matches: c.matches,
      backends: [
        { service: c.stable, port, weight: 100 - weight },
        { service: c.canary, port, weight },
      ],
    });
  }

  /** @internal The Service constructs of each rule's backends. */
  public get _ruleServices(): ReadonlyArray<readonly Construct[]> {
    return this.resolvedRules.map(r => r.backends.map(b => b.service.construct as Construct));
  }

  /** Two rules of one route that take the same requests: the gateway serves only the first. */
  private checkNewMatches(prop: string, matches: readonly HttpMatch[]): void {
    const keys = matches.length ? matches.map(m => m._key) : [HttpMatch.pathPrefix('/')._key];
    this.resolvedRules.forEach((r, i) => {
      const theirs = r.matches.length ? r.matches.map(m => m._key) : [HttpMatch.pathPrefix('/')._key];
      const j = keys.findIndex(k => theirs.includes(k));
      if (j >= 0)
        invalidProp(
          this,
          matches.length ? `${prop}.matches[${j}]` : `${prop}.matches`,
          keys[j].split(' ').slice(0, 2).join(' '),
          `is already matched by rules[${i}], which the gateway prefers; merge the rules or tell them apart by headers, query or method`,
        );
    });
  }

  private renderTimeouts(prop: string, t: RouteTimeouts | undefined): Record<string, string> | undefined {
    if (t === undefined) return undefined;
    const request = t.request && gatewayDuration(this, `${prop}.request`, t.request);
    const backendRequest = t.backendRequest && gatewayDuration(this, `${prop}.backendRequest`, t.backendRequest);
    if (t.request && t.backendRequest && t.backendRequest.toMilliseconds() > t.request.toMilliseconds())
      invalidProp(this, `${prop}.backendRequest`, backendRequest, `must be at most the request timeout (${request})`);
    if (!request && !backendRequest) return undefined;
    return { request, backendRequest } as Record<string, string>;
  }
}
