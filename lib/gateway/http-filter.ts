import { IConstruct } from 'constructs';
import { checkHostName, checkPort, checkStringArray, checkUrlPath, invalidProp } from '../core/errors';
import { checkProps, PropShape } from '../core/props';
import { checkHttpMap, checkHttpToken } from './route-common';

/** Headers to change on the way through. */
export interface HeaderModifierOptions {
  /**
   * Headers to set, replacing any value the request had; at most 16.
   * @default - none
   */
  readonly set?: Readonly<Record<string, string>>;
  /**
   * Headers to add beside any value already there; at most 16.
   * @default - none
   */
  readonly add?: Readonly<Record<string, string>>;
  /**
   * Header names to remove; at most 16.
   * @default - none
   */
  readonly remove?: readonly string[];
}

/** Where a redirect sends the client. Parts left out keep the request's. */
export interface RedirectOptions {
  /**
   * Scheme of the new URL.
   * @default - the request's
   */
  readonly scheme?: 'http' | 'https';
  /**
   * Host name of the new URL.
   * @default - the request's
   */
  readonly hostname?: string;
  /**
   * Port of the new URL.
   * @default - the default port of the scheme
   */
  readonly port?: number;
  /**
   * Replace the whole path with this one.
   * @default - the request's path
   */
  readonly fullPath?: string;
  /**
   * HTTP status of the redirect.
   * @default 302
   */
  readonly statusCode?: 301 | 302 | 303 | 307 | 308;
}

/** How a request is rewritten before it reaches the backend. */
export interface RewriteOptions {
  /**
   * Host header the backend sees.
   * @default - unchanged
   */
  readonly hostname?: string;
  /**
   * Replace the matched path prefix with this one (the rule must have exactly one path-prefix match).
   * @default - unchanged
   */
  readonly replacePrefix?: string;
  /**
   * Replace the whole path with this one.
   * @default - unchanged
   */
  readonly fullPath?: string;
}

type FilterSpec =
  | { readonly kind: 'RequestHeaderModifier' | 'ResponseHeaderModifier'; readonly options: HeaderModifierOptions }
  | { readonly kind: 'RequestRedirect'; readonly options: RedirectOptions }
  | { readonly kind: 'URLRewrite'; readonly options: RewriteOptions };

const HEADER_SHAPE: PropShape = { set: 'map', add: 'map', remove: 'array' };
const REDIRECT_SHAPE: PropShape = {
  scheme: 'string',
  hostname: 'string',
  port: 'number',
  fullPath: 'string',
  statusCode: 'number',
};
const REWRITE_SHAPE: PropShape = { hostname: 'string', replacePrefix: 'string', fullPath: 'string' };

/** A change a route rule makes to a request or response: headers, a redirect, a rewrite. */
export class HttpFilter {
  /** Set, add or remove request headers before the backend sees them. */
  public static requestHeaders(options: HeaderModifierOptions): HttpFilter {
    return new HttpFilter({ kind: 'RequestHeaderModifier', options });
  }
  /** Set, add or remove response headers before the client sees them. */
  public static responseHeaders(options: HeaderModifierOptions): HttpFilter {
    return new HttpFilter({ kind: 'ResponseHeaderModifier', options });
  }
  /** Answer with a redirect instead of a backend (the rule then has no backends). */
  public static redirect(options: RedirectOptions): HttpFilter {
    return new HttpFilter({ kind: 'RequestRedirect', options });
  }
  /** Redirect plain HTTP to HTTPS with 301 Moved Permanently. */
  public static httpsRedirect(): HttpFilter {
    return HttpFilter.redirect({ scheme: 'https', statusCode: 301 });
  }
  /** Rewrite the Host header or the path before the backend sees the request. */
  public static rewrite(options: RewriteOptions): HttpFilter {
    return new HttpFilter({ kind: 'URLRewrite', options });
  }
  private constructor(private readonly spec: FilterSpec) {}

  /** @internal The filter type, as Gateway API names it. */
  public get _kind(): FilterSpec['kind'] {
    return this.spec.kind;
  }

  /** @internal True when the filter replaces the matched prefix (the rule needs exactly one PathPrefix match). */
  public get _replacesPrefix(): boolean {
    return this.spec.kind === 'URLRewrite' && this.spec.options.replacePrefix !== undefined;
  }

  /** @internal Checks the filter (with the route's path) and renders it. */
  public _render(scope: IConstruct, prop: string): Record<string, unknown> {
    const s = this.spec;
    switch (s.kind) {
      case 'RequestHeaderModifier':
      case 'ResponseHeaderModifier': {
        const key = s.kind === 'RequestHeaderModifier' ? 'requestHeaderModifier' : 'responseHeaderModifier';
        return { type: s.kind, [key]: renderHeaders(scope, `${prop}.${key}`, s.options) };
      }
      case 'RequestRedirect':
        return { type: s.kind, requestRedirect: renderRedirect(scope, `${prop}.requestRedirect`, s.options) };
      case 'URLRewrite':
        return { type: s.kind, urlRewrite: renderRewrite(scope, `${prop}.urlRewrite`, s.options) };
    }
  }
}

function renderHeaders(scope: IConstruct, prop: string, o: HeaderModifierOptions): Record<string, unknown> {
  checkProps(scope, o, HEADER_SHAPE, `${prop}.`);
  const set = o.set && checkHttpMap(scope, `${prop}.set`, o.set, 16);
  const add = o.add && checkHttpMap(scope, `${prop}.add`, o.add, 16);
  if (o.remove !== undefined) {
    checkStringArray(scope, `${prop}.remove`, o.remove);
    if (o.remove.length > 16) invalidProp(scope, `${prop}.remove`, o.remove.length, 'must hold at most 16 names');
    o.remove.forEach((h, i) => checkHttpToken(scope, `${prop}.remove[${i}]`, h));
  }
  if (!set?.length && !add?.length && !o.remove?.length)
    invalidProp(scope, prop, o, 'must set, add or remove at least one header');
  return {
    set: set?.length ? set : undefined,
    add: add?.length ? add : undefined,
    remove: o.remove?.length ? [...o.remove] : undefined,
  };
}

function renderRedirect(scope: IConstruct, prop: string, o: RedirectOptions): Record<string, unknown> {
  checkProps(scope, o, REDIRECT_SHAPE, `${prop}.`);
  if (o.scheme !== undefined && o.scheme !== 'http' && o.scheme !== 'https')
    invalidProp(scope, `${prop}.scheme`, o.scheme, 'must be "http" or "https"');
  if (o.hostname !== undefined) checkHostName(scope, `${prop}.hostname`, o.hostname);
  if (o.port !== undefined) checkPort(scope, `${prop}.port`, o.port);
  if (o.fullPath !== undefined) checkUrlPath(scope, `${prop}.fullPath`, o.fullPath);
  if (o.statusCode !== undefined && ![301, 302, 303, 307, 308].includes(o.statusCode))
    invalidProp(scope, `${prop}.statusCode`, o.statusCode, 'must be 301, 302, 303, 307 or 308');
  return {
    scheme: o.scheme,
    hostname: o.hostname,
    port: o.port,
    path: o.fullPath !== undefined ? { type: 'ReplaceFullPath', replaceFullPath: o.fullPath } : undefined,
    statusCode: o.statusCode,
  };
}

function renderRewrite(scope: IConstruct, prop: string, o: RewriteOptions): Record<string, unknown> {
  checkProps(scope, o, REWRITE_SHAPE, `${prop}.`);
  if (o.hostname !== undefined) checkHostName(scope, `${prop}.hostname`, o.hostname);
  if (o.replacePrefix !== undefined && o.fullPath !== undefined)
    invalidProp(scope, `${prop}.fullPath`, o.fullPath, 'must be left out with replacePrefix: give one of the two');
  if (o.replacePrefix !== undefined) checkUrlPath(scope, `${prop}.replacePrefix`, o.replacePrefix);
  if (o.fullPath !== undefined) checkUrlPath(scope, `${prop}.fullPath`, o.fullPath);
  if (o.hostname === undefined && o.replacePrefix === undefined && o.fullPath === undefined)
    invalidProp(scope, prop, o, 'must rewrite the hostname, the path prefix or the full path');
  const path =
    o.replacePrefix !== undefined
      ? { type: 'ReplacePrefixMatch', replacePrefixMatch: o.replacePrefix }
      : o.fullPath !== undefined
        ? { type: 'ReplaceFullPath', replaceFullPath: o.fullPath }
        : undefined;
  return { hostname: o.hostname, path };
}
