import { IConstruct } from 'constructs';
import { checkEnum, checkUrlPath } from '../core/errors';
import { checkProps } from '../core/props';
import { checkHttpMap } from './route-common';

/** An HTTP request method a route can match. */
export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE' | 'CONNECT' | 'OPTIONS' | 'TRACE' | 'PATCH';

/** Conditions a request must also meet, besides its path. */
export interface HttpMatchOptions {
  /**
   * Headers the request must carry with exactly these values (names ignore case); at most 16.
   * @default - any headers
   */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Query parameters the request must carry with exactly these values; at most 16.
   * @default - any query
   */
  readonly queryParams?: Readonly<Record<string, string>>;
  /**
   * The request method.
   * @default - any method
   */
  readonly method?: HttpMethod;
}

const METHODS: readonly HttpMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'];

/** Which requests a rule of an {@link HttpRoute} takes: a path (prefix or exact), optionally headers, query, method. */
export class HttpMatch {
  /** Requests whose path starts with `path` segment by segment (`/api` takes `/api/x`, not `/apix`). */
  public static pathPrefix(path: string, options: HttpMatchOptions = {}): HttpMatch {
    return new HttpMatch('PathPrefix', path, options);
  }
  /** Requests whose path is exactly `path`. */
  public static exactPath(path: string, options: HttpMatchOptions = {}): HttpMatch {
    return new HttpMatch('Exact', path, options);
  }
  /** Requests carrying these headers, on any path (a header-based canary). */
  public static headers(
    headers: Readonly<Record<string, string>>,
    options: Omit<HttpMatchOptions, 'headers'> = {},
  ): HttpMatch {
    return new HttpMatch('PathPrefix', '/', { ...options, headers });
  }
  private constructor(
    /** @internal */ public readonly _type: 'PathPrefix' | 'Exact',
    /** @internal */ public readonly _path: string,
    private readonly options: HttpMatchOptions,
  ) {}

  /** @internal Checks the match (with the route's path) and renders it. */
  public _render(scope: IConstruct, prop: string): Record<string, unknown> {
    checkProps(scope, this.options, { headers: 'map', queryParams: 'map', method: 'string' }, `${prop}.`);
    checkUrlPath(scope, `${prop}.path`, this._path);
    const o = this.options;
    const headers = o.headers && checkHttpMap(scope, `${prop}.headers`, o.headers, 16);
    const queryParams =
      o.queryParams && checkHttpMap(scope, `${prop}.queryParams`, o.queryParams, 16, 'a query parameter name');
    if (o.method !== undefined) checkEnum(scope, `${prop}.method`, o.method, METHODS);
    return {
      path: { type: this._type, value: this._path },
      headers: headers?.length ? headers.map(h => ({ type: 'Exact', ...h })) : undefined,
      queryParams: queryParams?.length ? queryParams.map(q => ({ type: 'Exact', ...q })) : undefined,
      method: o.method,
    };
  }

  /** @internal What the match claims, for telling two rules that take the same requests apart. */
  public get _key(): string {
    const o = this.options;
    const sorted = (m?: Readonly<Record<string, string>>, lower = false) =>
      Object.entries(m ?? {})
        .map(([k, v]) => `${lower ? k.toLowerCase() : k}=${v}`)
        .sort()
        .join('&');
    return `${this._type} ${this._path} ${o.method ?? '*'} ${sorted(o.headers, true)} ${sorted(o.queryParams)}`;
  }
}
