import { IConstruct } from 'constructs';
import { invalidProp } from '../core/errors';
import { checkProps } from '../core/props';
import { checkHttpMap } from './route-common';

const SERVICE = /^\.?[a-z_][a-z_0-9]*(\.[a-z_][a-z_0-9]*)*$/i;
const METHOD = /^[A-Za-z_][A-Za-z_0-9]*$/;

/** Which gRPC calls a rule of a {@link GrpcRoute} takes: a service (and method), and optional headers. */
export class GrpcMatch {
  /** Calls of one method of a service, e.g. `GrpcMatch.method('shop.v1.Cart', 'AddItem')`. */
  public static method(service: string, method: string, headers?: Readonly<Record<string, string>>): GrpcMatch {
    return new GrpcMatch(service, method, headers);
  }
  /** Every method of a service, e.g. `GrpcMatch.service('shop.v1.Cart')`. */
  public static service(service: string, headers?: Readonly<Record<string, string>>): GrpcMatch {
    return new GrpcMatch(service, undefined, headers);
  }
  /** Calls carrying these headers (metadata), to any service. */
  public static headers(headers: Readonly<Record<string, string>>): GrpcMatch {
    return new GrpcMatch(undefined, undefined, headers);
  }
  private constructor(
    private readonly service: string | undefined,
    private readonly methodName: string | undefined,
    private readonly headerMap: Readonly<Record<string, string>> | undefined,
  ) {}

  /** @internal Checks the match (with the route's path) and renders it. */
  public _render(scope: IConstruct, prop: string): Record<string, unknown> {
    checkProps(scope, { headers: this.headerMap }, { headers: 'map' }, `${prop}.`);
    if (
      this.service !== undefined &&
      (typeof this.service !== 'string' || this.service.length > 1024 || !SERVICE.test(this.service))
    )
      invalidProp(
        scope,
        `${prop}.service`,
        this.service,
        'must be a gRPC service name such as "shop.v1.Cart" (letters, digits, "_" and ".")',
      );
    if (
      this.methodName !== undefined &&
      (typeof this.methodName !== 'string' || this.methodName.length > 1024 || !METHOD.test(this.methodName))
    )
      invalidProp(
        scope,
        `${prop}.method`,
        this.methodName,
        'must be a gRPC method name such as "AddItem" (letters, digits and "_")',
      );
    const headers = this.headerMap && checkHttpMap(scope, `${prop}.headers`, this.headerMap, 16);
    if (this.service === undefined && !headers?.length)
      invalidProp(scope, `${prop}.headers`, this.headerMap, 'must name at least one header');
    return {
      method:
        this.service !== undefined ? { type: 'Exact', service: this.service, method: this.methodName } : undefined,
      headers: headers?.length ? headers.map(h => ({ type: 'Exact', ...h })) : undefined,
    };
  }

  /** @internal What the match claims, for telling two rules that take the same calls apart. */
  public get _key(): string {
    const h = Object.entries(this.headerMap ?? {})
      .map(([k, v]) => `${k.toLowerCase()}=${v}`)
      .sort()
      .join('&');
    return `/${this.service ?? '*'}/${this.methodName ?? '*'} ${h}`;
  }
}
