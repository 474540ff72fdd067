import { ApiObject, Lazy } from 'cdk8s';
import type * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  checkDnsSubdomain,
  checkEnum,
  checkHostName,
  checkPercent,
  checkPort,
  checkUrlPath,
  invalidProp,
  nameOrId,
  problem,
} from '../core/errors';
import { checkProps, PropShape } from '../core/props';
import { resolveService, ResolvedService } from '../gateway/route-common';
import { VersionedService } from './versioned-service';

/** How an Ingress path matches. */
export type PathType = 'Prefix' | 'Exact' | 'ImplementationSpecific';

/** One host (and path) routed to a Service. */
export interface HostRule {
  /** Host name, e.g. `tutorial-api.com`; a leading `*.` matches one subdomain level. */
  readonly host: string;
  /** The Service traffic goes to: a VersionedService or a cdk8s-plus `Service`. */
  readonly service: VersionedService | kplus.Service;
  /**
   * Service port, by number or name.
   * @default - the Service's port (a cdk8s-plus Service with several ports needs it)
   */
  readonly port?: number | string;
  /**
   * Path to match.
   * @default '/'
   */
  readonly path?: string;
  /**
   * How the path matches.
   * @default 'Prefix'
   */
  readonly pathType?: PathType;
  /**
   * Serve this host over TLS with the certificate in this Secret.
   * @default - no TLS
   */
  readonly tlsSecret?: string;
}

/**
 * Traffic split done by ingress-nginx's canary annotations, independent of pod counts.
 * The canary Ingress repeats hosts and paths of a primary Ingress and takes part of their traffic.
 */
export class NginxCanary {
  /** Send `percent` of the primary's traffic to the canary. */
  public static weight(percent: number): NginxCanary {
    return new NginxCanary({ weight: percent });
  }
  /**
   * Send requests that carry `header` to the canary: with `value`, only requests whose header
   * equals it; without, ingress-nginx's `always`/`never` convention.
   */
  public static header(header: string, value?: string): NginxCanary {
    return new NginxCanary({ header, value });
  }
  private constructor(private readonly spec: { weight?: number; header?: string; value?: string }) {}

  /** @internal */
  public _annotations(scope: Construct): Record<string, string> {
    const { weight, header, value } = this.spec;
    const out: Record<string, string> = { 'nginx.ingress.kubernetes.io/canary': 'true' };
    if (weight !== undefined) {
      checkPercent(scope, 'canary.split.weight', weight);
      out['nginx.ingress.kubernetes.io/canary-weight'] = String(weight);
    }
    if (header !== undefined) {
      if (typeof header !== 'string' || header.length > 256 || !/^[A-Za-z0-9-]+$/.test(header)) {
        invalidProp(
          scope,
          'canary.split.header',
          header,
          'must be an HTTP header name (letters, digits and "-", at most 256 characters)',
        );
      }
      out['nginx.ingress.kubernetes.io/canary-by-header'] = header;
      if (value !== undefined) {
        // ingress-nginx compares the value to the header as sent: one line of visible characters.
        if (
          typeof value !== 'string' ||
          value === '' ||
          value.length > 1024 ||
          !/^[\x21-\x7e]+(?: [\x21-\x7e]+)*$/.test(value)
        ) {
          invalidProp(
            scope,
            'canary.split.value',
            value,
            'must be a header value: 1 to 1024 visible ASCII characters, single spaces inside',
          );
        }
        out['nginx.ingress.kubernetes.io/canary-by-header-value'] = value;
      }
    }
    return out;
  }
}

/** Makes an Ingress the canary of another. */
export interface IngressCanaryOptions {
  /** The Ingress whose traffic the canary takes part of; every canary host and path must be one of its rules. */
  readonly primary: HostIngress;
  /** How traffic is split. */
  readonly split: NginxCanary;
}

/** Props of a {@link HostIngress}. */
export interface HostIngressProps {
  /**
   * metadata.name of the Ingress.
   * @default - derived from the construct id
   */
  readonly name?: string;
  /**
   * IngressClass that serves this Ingress, e.g. `nginx` for ingress-nginx.
   * @default - the cluster's default IngressClass
   */
  readonly className?: string;
  /**
   * Host rules; more can be added with `addRule`.
   * @default - none
   */
  readonly rules?: readonly HostRule[];
  /**
   * Make this Ingress an ingress-nginx canary of another one.
   * @default - not a canary
   */
  readonly canary?: IngressCanaryOptions;
}

/** @internal The runtime shape of {@link HostRule}, for `checkProps`. */
export const HOST_RULE_SHAPE: PropShape = {
  host: 'string!',
  service: 'construct!',
  port: 'number|string',
  path: 'string',
  pathType: 'string',
  tlsSecret: 'string',
};

/** @internal The runtime shape of {@link HostIngressProps}, for `checkProps`. */
export const HOST_INGRESS_SHAPE: PropShape = {
  name: 'string',
  className: 'string',
  rules: 'array',
  canary: { primary: 'construct!', split: 'any!' },
};

const PATH_TYPES: readonly PathType[] = ['Prefix', 'Exact', 'ImplementationSpecific'];

interface ResolvedRule {
  readonly host: string;
  readonly path: string;
  readonly pathType: PathType;
  readonly service: ResolvedService;
  readonly port: number | string;
  readonly tlsSecret?: string;
}

/** A `networking.k8s.io/v1` Ingress routing host names to VersionedServices (or cdk8s-plus Services). */
export class HostIngress extends Construct {
  public readonly name: string;
  /** True when this Ingress is an ingress-nginx canary of another. */
  public readonly isCanary: boolean;
  /** The IngressClass, if one is set. */
  public readonly className?: string;
  /** The Ingress manifest. */
  public readonly ingress: ApiObject;
  private readonly resolvedRules: ResolvedRule[] = [];

  constructor(scope: Construct, id: string, props: HostIngressProps = {}) {
    super(scope, id);
    checkProps(this, props, HOST_INGRESS_SHAPE);
    this.name = nameOrId(this, props.name, id);
    if (props.className !== undefined) checkDnsSubdomain(this, 'className', props.className);
    const canary = props.canary;
    if (canary !== undefined) this.checkCanary(canary);
    this.isCanary = canary !== undefined;
    const annotations = canary ? canary.split._annotations(this) : undefined;
    if (canary && props.className !== undefined && props.className !== canary.primary.className) {
      invalidProp(
        this,
        'className',
        props.className,
        `must be the primary's class (${canary.primary.className ?? 'default'}): ingress-nginx pairs a canary only with an Ingress of its own class`,
      );
    }
    this.className = props.className ?? canary?.primary.className;
    (props.rules ?? []).forEach(rule => this.addRule(rule));
    if (canary) {
      const primary = canary.primary;
      this.node.addValidation({ validate: () => this.validateCanaryOf(primary) });
    }
    this.node.addValidation({
      validate: () => (this.resolvedRules.length ? [] : [problem('rules', [], 'must hold at least one host rule')]),
    });

    this.ingress = new ApiObject(this, 'Resource', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: this.name, annotations },
      spec: Lazy.any({ produce: () => this.renderSpec() }),
    });
  }

  /** The canary's primary and split: ingress-nginx pairs a canary only with a primary Ingress. */
  private checkCanary(canary: IngressCanaryOptions): void {
    if (!(canary.primary instanceof HostIngress))
      invalidProp(
        this,
        'canary.primary',
        canary.primary,
        'must be the HostIngress whose traffic the canary takes part of',
      );
    if (!(canary.split instanceof NginxCanary))
      invalidProp(
        this,
        'canary.split',
        canary.split,
        'must be NginxCanary.weight(percent) or NginxCanary.header(name)',
      );
    if (canary.primary.isCanary)
      invalidProp(
        this,
        'canary.primary',
        canary.primary,
        'is itself a canary Ingress: ingress-nginx pairs a canary only with a primary (non-canary) Ingress',
      );
  }

  /** Routes `rule.host` (and path) to a Service. Two rules for the same host and path are refused. */
  public addRule(rule: HostRule): void {
    const index = this.resolvedRules.length;
    const prop = `rules[${index}]`;
    checkProps(this, rule, HOST_RULE_SHAPE, `${prop}.`);
    const host = rule.host;
    checkHostName(this, `${prop}.host`, host, { wildcard: true });
    if (!host.includes('.') && host !== 'localhost') {
      // A bare word is valid DNS, but as an Ingress host it is almost always a typo for a full name.
      invalidProp(this, `${prop}.host`, host, 'must be a fully qualified host name such as "tutorial-api.com"');
    }
    const path = rule.path ?? '/';
    checkUrlPath(this, `${prop}.path`, path);
    const pathType = rule.pathType ?? 'Prefix';
    checkEnum(this, `${prop}.pathType`, pathType, PATH_TYPES);
    const service = resolveService(this, `${prop}.service`, rule.service);
    const ports = service.ports.map(p => (p.name ? `${p.name}/${p.port}` : `${p.port}`)).join(', ') || 'no ports';
    if (rule.port === undefined && service.ports.length !== 1) {
      invalidProp(this, `${prop}.port`, undefined, `must be given: Service "${service.name}" has ${ports}`);
    }
    const port = rule.port ?? service.ports[0].port;
    if (typeof port === 'number') checkPort(this, `${prop}.port`, port);
    if (!service.ports.some(p => p.port === port || (p.name !== undefined && p.name === port))) {
      invalidProp(
        this,
        `${prop}.port`,
        port,
        `must be a port of ${service.construct.node.path} (Service "${service.name}" has ${ports})`,
      );
    }
    const clash = this.resolvedRules.find(r => r.host === host && r.path === path);
    if (clash) {
      invalidProp(
        this,
        `${prop}.host`,
        `${host}${path}`,
        `is already routed to ${clash.service.name} by an earlier rule; one host and path can have one backend`,
      );
    }
    if (rule.tlsSecret !== undefined) checkDnsSubdomain(this, `${prop}.tlsSecret`, rule.tlsSecret);
    this.resolvedRules.push({ host, path, pathType, service, port, tlsSecret: rule.tlsSecret });
  }

  /** The routed host and path pairs, in order. */
  public get routes(): ReadonlyArray<{
    host: string;
    path: string;
    service: VersionedService | kplus.Service;
    port: number | string;
  }> {
    return this.resolvedRules.map(({ host, path, service, port }) => ({
      host,
      path,
      service: service.construct as VersionedService | kplus.Service,
      port,
    }));
  }

  private validateCanaryOf(primary: HostIngress): string[] {
    return this.resolvedRules
      .filter(r => !primary.resolvedRules.some(p => p.host === r.host && p.path === r.path))
      .map(r =>
        problem(
          'rules',
          `${r.host}${r.path}`,
          `must also be a rule of the primary ${primary.node.path}: ingress-nginx applies a canary only to a host and path its primary serves`,
        ),
      );
  }

  private renderSpec(): Record<string, unknown> {
    const hosts: string[] = [];
    const byHost = new Map<string, ResolvedRule[]>();
    for (const r of this.resolvedRules) {
      if (!byHost.has(r.host)) {
        byHost.set(r.host, []);
        hosts.push(r.host);
      }
      byHost.get(r.host)!.push(r);
    }
    const tlsBySecret = new Map<string, string[]>();
    for (const r of this.resolvedRules) {
      if (r.tlsSecret === undefined) continue;
      const list = tlsBySecret.get(r.tlsSecret) ?? [];
      if (!list.includes(r.host)) list.push(r.host);
      tlsBySecret.set(r.tlsSecret, list);
    }
    return {
      ingressClassName: this.className,
      tls: tlsBySecret.size
        ? [...tlsBySecret].map(([secretName, tlsHosts]) => ({ hosts: tlsHosts, secretName }))
        : undefined,
      rules: hosts.map(host => ({
        host,
        http: {
          paths: byHost.get(host)!.map(r => ({
            path: r.path,
            pathType: r.pathType,
            backend: {
              service: {
                name: r.service.name,
                port: typeof r.port === 'number' ? { number: r.port } : { name: r.port },
              },
            },
          })),
        },
      })),
    };
  }
}
