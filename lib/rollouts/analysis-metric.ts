import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import type { AnalysisTemplateSpecMetricsProvider } from '../../imports/argoproj.io';
import { Wire } from './argo-wire';
import { checkEnum, checkInt, INT32_MAX, invalidProp, wholeSeconds } from '../core/errors';
import { PodSecurity } from '../core/pod-security';
import { checkProps, isPlainObject, PropShape } from '../core/props';
import { checkImage } from '../workloads/workload';

/**
 * What a metric's `result` is when Argo evaluates a condition: a number (`scalar`, e.g. a
 * PromQL query wrapped in `scalar(...)`), a list of numbers (`vector`, any other instant-vector
 * query), or not known in advance (`any`, e.g. a web metric's JSON value).
 */
export type ResultShape = 'scalar' | 'vector' | 'any';

/** What a measurement with no usable value counts as. */
export type MissingResult = 'fail' | 'pass' | 'inconclusive';

/** Options of the scalar condition helpers. */
export interface ScalarConditionOptions {
  /**
   * What a NaN result counts as. A `scalar(...)` of an empty vector is NaN, so NaN means
   * "no data" (for the restart-rate query: no samples in the offset window yet).
   * `fail` fails the measurement, `pass` passes it, `inconclusive` neither (the run then
   * pauses the rollout for a human once `inconclusiveLimit` is exceeded).
   * @default 'fail'
   */
  readonly onNaN?: MissingResult;
}

/** Options of the vector condition helpers. */
export interface VectorConditionOptions {
  /**
   * What an empty result (no series matched) counts as. An unguarded `result[0]` on an empty
   * vector is an evaluation error, and `consecutiveErrorLimit` errors abort the rollout; the
   * helpers always guard it and make the outcome explicit. A NaN element counts as `fail`
   * under `fail` and `pass`, and as inconclusive under `inconclusive`.
   * @default 'fail'
   */
  readonly onEmpty?: MissingResult;
}

type Comparison = '<' | '<=' | '>' | '>=';
const NEGATION: Record<Comparison, Comparison> = { '<': '>=', '<=': '>', '>': '<=', '>=': '<' };

/**
 * A metric's success (and failure) condition, as Argo's `expr` expressions on `result`.
 * The helpers know the result shape of the query they go with and emit the guards an
 * empty or NaN result needs; using one on a query of the other shape is a synth error.
 */
export class Condition {
  /** Passes while the scalar result is below `threshold` (`result < 2`). */
  public static scalarBelow(threshold: number, options: ScalarConditionOptions = {}): Condition {
    return Condition.scalar('<', threshold, options);
  }
  /** Passes while the scalar result is at most `threshold`. */
  public static scalarAtMost(threshold: number, options: ScalarConditionOptions = {}): Condition {
    return Condition.scalar('<=', threshold, options);
  }
  /** Passes while the scalar result is above `threshold`. */
  public static scalarAbove(threshold: number, options: ScalarConditionOptions = {}): Condition {
    return Condition.scalar('>', threshold, options);
  }
  /** Passes while the scalar result is at least `threshold`. */
  public static scalarAtLeast(threshold: number, options: ScalarConditionOptions = {}): Condition {
    return Condition.scalar('>=', threshold, options);
  }
  /** Passes while the first element of a vector result is below `threshold` (`len(result) > 0 && result[0] < 2`). */
  public static vectorFirstBelow(threshold: number, options: VectorConditionOptions = {}): Condition {
    return Condition.vectorFirst('<', threshold, options);
  }
  /** Passes while the first element of a vector result is above `threshold`. */
  public static vectorFirstAbove(threshold: number, options: VectorConditionOptions = {}): Condition {
    return Condition.vectorFirst('>', threshold, options);
  }
  /** Passes while every element of a vector result is below `threshold` (`len(result) > 0 && all(result, {# < 2})`). */
  public static vectorAllBelow(threshold: number, options: VectorConditionOptions = {}): Condition {
    return Condition.vectorAll('<', threshold, options);
  }
  /** Passes while every element of a vector result is above `threshold`. */
  public static vectorAllAbove(threshold: number, options: VectorConditionOptions = {}): Condition {
    return Condition.vectorAll('>', threshold, options);
  }
  /**
   * Conditions written by hand, checked for expression syntax and for names other than
   * `result` and Argo's functions. Declare `shape` to have `result` usage checked too.
   * Without a failure condition a measurement that does not pass fails.
   */
  public static expr(success: string | undefined, failure?: string, shape: ResultShape = 'any'): Condition {
    return new Condition(shape, success, failure, 'a hand-written condition', undefined, undefined, {
      success,
      failure,
      shape,
    });
  }

  private static scalar(op: Comparison, threshold: number, options: ScalarConditionOptions): Condition {
    if (!isPlainObject(options as unknown) || typeof threshold !== 'number')
      return Condition.unusable(threshold, options, 'onNaN');
    const t = threshold;
    const test = `result ${op} ${t}`;
    return Condition.comparison('scalar', `scalar ${op} ${t}`, t, options.onNaN ?? 'fail', options, {
      // NaN compares false with everything, so the plain comparison already fails on NaN.
      fail: [test],
      pass: [`isNaN(result) || ${test}`],
      inconclusive: [test, `result ${NEGATION[op]} ${t}`],
    });
  }

  private static vectorFirst(op: Comparison, threshold: number, options: VectorConditionOptions): Condition {
    if (!isPlainObject(options as unknown) || typeof threshold !== 'number')
      return Condition.unusable(threshold, options, 'onEmpty');
    const t = threshold;
    return Condition.comparison('vector', `first element ${op} ${t}`, t, options.onEmpty ?? 'fail', options, {
      fail: [`len(result) > 0 && result[0] ${op} ${t}`],
      pass: [`len(result) == 0 || result[0] ${op} ${t}`],
      inconclusive: [`len(result) > 0 && result[0] ${op} ${t}`, `len(result) > 0 && result[0] ${NEGATION[op]} ${t}`],
    });
  }

  private static vectorAll(op: Comparison, threshold: number, options: VectorConditionOptions): Condition {
    if (!isPlainObject(options as unknown) || typeof threshold !== 'number')
      return Condition.unusable(threshold, options, 'onEmpty');
    const t = threshold;
    return Condition.comparison('vector', `every element ${op} ${t}`, t, options.onEmpty ?? 'fail', options, {
      fail: [`len(result) > 0 && all(result, {# ${op} ${t}})`],
      // all() of an empty list is true.
      pass: [`all(result, {# ${op} ${t}})`],
      inconclusive: [`len(result) > 0 && all(result, {# ${op} ${t}})`, `any(result, {# ${NEGATION[op]} ${t}})`],
    });
  }

  /**
   * A comparison condition: `forms` holds its success (and failure) expression for each way of
   * treating a missing result, and `missing` picks one (a value that is none of them is kept,
   * so the metric's check names it).
   */
  private static comparison(
    shape: 'scalar' | 'vector',
    describe: string,
    threshold: number,
    missing: MissingResult,
    options: object,
    forms: Readonly<Record<MissingResult, readonly [success: string, failure?: string]>>,
  ): Condition {
    const [success, failure] = missing === 'fail' ? forms.fail : missing === 'pass' ? forms.pass : forms.inconclusive;
    return new Condition(shape, success, failure, describe, threshold, missing, options);
  }

  /**
   * A threshold that is not a number or options that are not an object: kept as given, so the metric's check names
   * them.
   */
  private static unusable(threshold: number, options: unknown, key: string): Condition {
    return new Condition(
      'any',
      undefined,
      undefined,
      'a condition with unusable options',
      threshold,
      undefined,
      options,
      key,
    );
  }

  private constructor(
    /** The result shape this condition is written for. */
    public readonly shape: ResultShape,
    /** The `successCondition` emitted. */
    public readonly successCondition: string | undefined,
    /** The `failureCondition` emitted, if any. */
    public readonly failureCondition: string | undefined,
    /** Human description, for error messages. */
    public readonly description: string,
    private readonly threshold?: number,
    private readonly missing?: MissingResult,
    /** The options (or, for `expr`, the arguments) as given, checked by `_check`. */
    private readonly given?: unknown,
    private readonly optionKey?: string,
  ) {}

  /** @internal Checks the condition for a metric whose result has `metricShape`. */
  public _check(scope: IConstruct, prop: string, metricShape: ResultShape): void {
    if (this.description === 'a hand-written condition') {
      checkProps(scope, this.given, { success: 'string', failure: 'string', shape: 'string' }, `${prop}.`);
      checkEnum(scope, `${prop}.shape`, this.shape, ['scalar', 'vector', 'any']);
    } else {
      if (typeof this.threshold !== 'number' || !Number.isFinite(this.threshold)) {
        invalidProp(scope, `${prop}.threshold`, this.threshold, 'must be a finite number');
      }
      if (this.optionKey !== undefined)
        invalidProp(
          scope,
          `${prop}.options`,
          this.given,
          'must be an object of options, e.g. { ' + this.optionKey + ": 'fail' }",
        );
      const key = this.shape === 'scalar' ? 'onNaN' : 'onEmpty';
      checkProps(scope, this.given, { [key]: 'string' }, `${prop}.`);
      checkEnum(scope, `${prop}.${key}`, this.missing, ['fail', 'pass', 'inconclusive']);
    }
    if (this.successCondition === undefined && this.failureCondition === undefined) {
      invalidProp(scope, prop, undefined, 'must have a success or a failure condition');
    }
    if (this.shape !== 'any' && metricShape !== 'any' && this.shape !== metricShape) {
      const hint =
        metricShape === 'scalar'
          ? 'the query is wrapped in scalar(), so result is a number: use a Condition.scalar... helper'
          : 'the query returns an instant vector, so result is a list: use a Condition.vector... helper, or wrap the query in scalar()';
      invalidProp(scope, prop, this.description, `is written for a ${this.shape} result, but ${hint}`);
    }
    for (const [which, text] of [
      ['successCondition', this.successCondition],
      ['failureCondition', this.failureCondition],
    ] as const) {
      if (text === undefined) continue;
      const message = checkExpr(text, this.shape === 'any' ? metricShape : this.shape);
      if (message) invalidProp(scope, `${prop}.${which}`, text, message);
    }
  }
}

// ---- A syntax check for Argo's condition language (expr-lang), enough to catch typos before apply.

type Node =
  | { k: 'id'; name: string; at: number }
  | { k: 'lit' }
  | { k: 'index'; obj: Node; index: Node }
  | { k: 'member'; obj: Node }
  | { k: 'call'; fn: string; args: Node[]; at: number }
  | { k: 'unary'; e: Node }
  | { k: 'binary'; op: string; l: Node; r: Node }
  | { k: 'cond'; c: Node; a: Node; b: Node }
  | { k: 'array'; items: Node[] }
  | { k: 'closure'; body: Node };

const FUNCTIONS = new Set([
  'len',
  'all',
  'any',
  'none',
  'one',
  'filter',
  'map',
  'count',
  'sum',
  'max',
  'min',
  'abs',
  'ceil',
  'floor',
  'round',
  'int',
  'float',
  'string',
  'isNaN',
  'isInf',
  'asInt',
  'asFloat',
  'default',
  'first',
  'last',
]);
const COLLECTION_FUNCTIONS = new Set([
  'len',
  'all',
  'any',
  'none',
  'one',
  'filter',
  'map',
  'count',
  'sum',
  'max',
  'min',
  'first',
  'last',
]);
const WORD_OPERATORS = new Set(['and', 'or', 'not', 'in', 'matches', 'contains', 'startsWith', 'endsWith']);
const BINARY_PRECEDENCE: Array<string[]> = [
  ['??'],
  ['||', 'or'],
  ['&&', 'and'],
  ['==', '!=', '<', '<=', '>', '>=', 'in', 'not in', 'matches', 'contains', 'startsWith', 'endsWith'],
  ['..'],
  ['+', '-'],
  ['*', '/', '%'],
  ['**', '^'],
];

interface Token {
  t: 'num' | 'str' | 'id' | 'op';
  v: string;
  at: number;
}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  const ops = [
    'not in',
    '**',
    '==',
    '!=',
    '<=',
    '>=',
    '&&',
    '||',
    '??',
    '?.',
    '..',
    '<',
    '>',
    '+',
    '-',
    '*',
    '/',
    '%',
    '^',
    '!',
    '?',
    ':',
    '.',
    '(',
    ')',
    '[',
    ']',
    '{',
    '}',
    ',',
    '#',
  ];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const num = /^(\d+\.?\d*(e[+-]?\d+)?|\.\d+)/i.exec(src.slice(i));
    if (num && !(c === '.' && src[i + 1] === '.')) {
      out.push({ t: 'num', v: num[0], at: i });
      i += num[0].length;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < src.length && src[j] !== c) j += src[j] === '\\' ? 2 : 1;
      if (j >= src.length) throw new SyntaxError(`unterminated string at ${i}`);
      out.push({ t: 'str', v: src.slice(i, j + 1), at: i });
      i = j + 1;
      continue;
    }
    const id = /^[A-Za-z_$][\w$]*/.exec(src.slice(i));
    if (id) {
      if (id[0] === 'not' && /^not\s+in\b/.test(src.slice(i))) {
        const m = /^not\s+in/.exec(src.slice(i))!;
        out.push({ t: 'op', v: 'not in', at: i });
        i += m[0].length;
        continue;
      }
      out.push({ t: WORD_OPERATORS.has(id[0]) ? 'op' : 'id', v: id[0], at: i });
      i += id[0].length;
      continue;
    }
    const op = ops.find(o => src.startsWith(o, i));
    if (!op) throw new SyntaxError(`unexpected character ${JSON.stringify(c)} at ${i}`);
    out.push({ t: 'op', v: op, at: i });
    i += op.length;
  }
  return out;
}

function parseExpr(src: string): Node {
  const tokens = tokenize(src);
  let pos = 0;
  const peek = () => tokens[pos];
  const isOp = (v: string) => peek()?.t === 'op' && peek().v === v;
  const expectOp = (v: string) => {
    if (!isOp(v)) throw new SyntaxError(`expected "${v}" at ${peek()?.at ?? src.length}`);
    pos++;
  };

  const ternary = (): Node => {
    const c = binary(0);
    if (isOp('?')) {
      pos++;
      const a = ternary();
      expectOp(':');
      return { k: 'cond', c, a, b: ternary() };
    }
    return c;
  };
  const binary = (level: number): Node => {
    if (level === BINARY_PRECEDENCE.length) return unary();
    let left = binary(level + 1);
    while (peek()?.t === 'op' && BINARY_PRECEDENCE[level].includes(peek().v)) {
      const op = tokens[pos++].v;
      left = { k: 'binary', op, l: left, r: binary(level + 1) };
    }
    return left;
  };
  const unary = (): Node => {
    if (isOp('!') || isOp('not') || isOp('-') || isOp('+')) {
      pos++;
      return { k: 'unary', e: unary() };
    }
    return postfix(primary());
  };
  const postfix = (node: Node): Node => {
    for (;;) {
      if (isOp('.') || isOp('?.')) {
        pos++;
        if (peek()?.t !== 'id') throw new SyntaxError(`expected a field name at ${peek()?.at ?? src.length}`);
        pos++;
        node = { k: 'member', obj: node };
      } else if (isOp('[')) {
        pos++;
        const index = ternary();
        expectOp(']');
        node = { k: 'index', obj: node, index };
      } else {
        return node;
      }
    }
  };
  const list = (close: string): Node[] => {
    const items: Node[] = [];
    if (isOp(close)) {
      pos++;
      return items;
    }
    for (;;) {
      items.push(isOp('{') ? closure() : ternary());
      if (isOp(',')) {
        pos++;
        continue;
      }
      expectOp(close);
      return items;
    }
  };
  const closure = (): Node => {
    expectOp('{');
    const body = ternary();
    expectOp('}');
    return { k: 'closure', body };
  };
  const primary = (): Node => {
    const tok = peek();
    if (!tok) throw new SyntaxError('ends too early');
    pos++;
    if (tok.t === 'num' || tok.t === 'str') return { k: 'lit' };
    if (tok.t === 'id') {
      if (['true', 'false', 'nil'].includes(tok.v)) return { k: 'lit' };
      if (isOp('(')) {
        pos++;
        return { k: 'call', fn: tok.v, args: list(')'), at: tok.at };
      }
      return { k: 'id', name: tok.v, at: tok.at };
    }
    if (tok.v === '(') {
      const inner = ternary();
      expectOp(')');
      return inner;
    }
    if (tok.v === '[') return { k: 'array', items: list(']') };
    if (tok.v === '#') return { k: 'id', name: '#', at: tok.at };
    throw new SyntaxError(`unexpected "${tok.v}" at ${tok.at}`);
  };

  const node = ternary();
  if (pos < tokens.length) throw new SyntaxError(`unexpected "${peek().v}" at ${peek().at}`);
  return node;
}

/** Problems with a condition, or undefined when it is fine for a result of `shape`. */
export function checkExpr(text: string, shape: ResultShape): string | undefined {
  let tree: Node;
  try {
    tree = parseExpr(text);
  } catch (e) {
    return `is not a valid condition expression: ${(e as Error).message}`;
  }
  const problems: string[] = [];
  const visit = (node: Node, parent?: Node, argIndex?: number) => {
    switch (node.k) {
      case 'id':
        if (node.name !== 'result' && node.name !== '#')
          problems.push(`uses "${node.name}", but only result, # and Argo's functions are defined`);
        if (node.name === 'result' && shape !== 'any') {
          const indexed = parent?.k === 'index' && parent.obj === node;
          const collectionArg = parent?.k === 'call' && COLLECTION_FUNCTIONS.has(parent.fn) && argIndex === 0;
          if (shape === 'scalar' && (indexed || collectionArg))
            problems.push('treats result as a list, but the query returns a scalar (a number)');
          if (shape === 'vector' && !indexed && !collectionArg)
            problems.push(
              'uses result as a number, but the query returns an instant vector (a list): use result[0] behind a len(result) > 0 guard, or wrap the query in scalar()',
            );
        }
        return;
      case 'call':
        if (!FUNCTIONS.has(node.fn)) problems.push(`calls ${node.fn}(), which Argo does not define`);
        node.args.forEach((a, i) => visit(a, node, i));
        return;
      case 'index':
        visit(node.obj, node);
        visit(node.index, node);
        return;
      case 'member':
        visit(node.obj, node);
        return;
      case 'unary':
        visit(node.e, node);
        return;
      case 'binary':
        visit(node.l, node);
        visit(node.r, node);
        return;
      case 'cond':
        visit(node.c, node);
        visit(node.a, node);
        visit(node.b, node);
        return;
      case 'array':
        node.items.forEach(i => visit(i, node));
        return;
      case 'closure':
        visit(node.body, node);
        return;
      default:
        return;
    }
  };
  visit(tree);
  return problems[0];
}

// ---- Providers

/** Options of a Prometheus metric. */
export interface PrometheusProviderProps {
  /**
   * Prometheus base URL, e.g. `http://prometheus.monitoring.svc.cluster.local:9090`. Never put
   * credentials in it (`user:password@` is refused): send them in `headers` from an argument
   * that reads a Secret (`args: { token: { fromSecret: { name, key } } }`).
   */
  readonly address: string;
  /** A PromQL instant query; `{{args.name}}` placeholders are filled from the template's args. */
  readonly query: string;
  /**
   * How long one query may take.
   * @default - Argo's default (30 s)
   */
  readonly timeout?: Duration;
  /**
   * Skip TLS verification.
   * @default false
   */
  readonly insecure?: boolean;
  /**
   * Request headers, e.g. `{ Authorization: 'Bearer {{args.token}}' }` with a secret-backed `token` argument.
   * @default - none
   */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Options of a web metric. */
export interface WebProviderProps {
  /**
   * URL to call; `{{args.name}}` placeholders are filled from the template's args. Never put
   * credentials in it (`user:password@` is refused): send them in `headers`.
   */
  readonly url: string;
  /**
   * JSONPath of the value that becomes `result`, e.g. `{$.data.ok}`.
   * @default - the whole response body
   */
  readonly jsonPath?: string;
  /**
   * HTTP method.
   * @default 'GET'
   */
  readonly method?: 'GET' | 'POST' | 'PUT';
  /**
   * Request headers, e.g. `{ Authorization: 'Bearer {{args.token}}' }` with a secret-backed `token` argument.
   * @default - none
   */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Request body, for POST and PUT.
   * @default - none
   */
  readonly body?: string;
  /**
   * How long one request may take.
   * @default - Argo's default (10 s)
   */
  readonly timeout?: Duration;
  /**
   * What `result` holds, when known; lets the condition helpers check their use.
   * @default 'any'
   */
  readonly resultShape?: ResultShape;
}

/** Options of a job metric: a Kubernetes Job whose success or failure is the measurement. */
export interface JobProviderProps {
  /** Image with an explicit tag. */
  readonly image: string;
  /** Command to run. */
  readonly command: readonly string[];
  /**
   * Arguments to the command.
   * @default - none
   */
  readonly args?: readonly string[];
  /**
   * Retries of a failed pod before the measurement fails.
   * @default 0
   */
  readonly backoffLimit?: number;
  /**
   * How long the Job may run, counted from its creation (`activeDeadlineSeconds`). A Job whose
   * pod never starts (image pull error, no node fits) then fails the measurement instead of
   * holding the analysis, and the rollout, forever (Argo Rollouts issue #3562).
   * @default Duration.minutes(10)
   */
  readonly activeDeadline?: Duration;
  /**
   * Pod and container security context.
   * @default PodSecurity.restricted()
   */
  readonly security?: PodSecurity;
}

/** The default `activeDeadline` of a job metric. */
export const DEFAULT_JOB_DEADLINE = Duration.minutes(10);

/** Which provider a {@link MetricProvider} is, with its props. */
export type ProviderSpec =
  | { readonly kind: 'prometheus'; readonly props: PrometheusProviderProps }
  | { readonly kind: 'web'; readonly props: WebProviderProps }
  | { readonly kind: 'job'; readonly props: JobProviderProps };

const PROMETHEUS_SHAPE: PropShape = {
  address: 'string!',
  query: 'string!',
  timeout: Duration,
  insecure: 'boolean',
  headers: 'map',
};
const WEB_SHAPE: PropShape = {
  url: 'string!',
  jsonPath: 'string',
  method: 'string',
  headers: 'map',
  body: 'string',
  timeout: Duration,
  resultShape: 'string',
};
const JOB_SHAPE: PropShape = {
  image: 'string!',
  command: 'array!',
  args: 'array',
  backoffLimit: 'number',
  activeDeadline: Duration,
  security: PodSecurity,
};

/** Where a metric's measurements come from. One provider per metric, by construction. */
export class MetricProvider {
  /** A Prometheus instant query; `result` is a number for a scalar query, a list for a vector query. */
  public static prometheus(props: PrometheusProviderProps): MetricProvider {
    return new MetricProvider({ kind: 'prometheus', props });
  }
  /** An HTTP call; `result` is the JSON value at `jsonPath`. */
  public static web(props: WebProviderProps): MetricProvider {
    return new MetricProvider({ kind: 'web', props });
  }
  /** A Kubernetes Job: the measurement passes when the Job succeeds. Takes no condition. */
  public static job(props: JobProviderProps): MetricProvider {
    return new MetricProvider({ kind: 'job', props });
  }

  private constructor(public readonly spec: ProviderSpec) {}

  /** The provider's kind. */
  public get kind(): ProviderSpec['kind'] {
    return this.spec.kind;
  }

  /** The PromQL query, for Prometheus metrics whose props are usable (checked by `_render`). */
  public get query(): string | undefined {
    const props: unknown = this.spec.props;
    return this.spec.kind === 'prometheus' && isPlainObject(props) && typeof props.query === 'string'
      ? props.query
      : undefined;
  }

  /** @internal Checks the props and renders the provider; `query` is the query as written (placeholders kept). */
  public _render(scope: IConstruct, prop: string): Wire<AnalysisTemplateSpecMetricsProvider> {
    const s = this.spec;
    if (s.kind === 'prometheus') {
      checkProps(scope, s.props, PROMETHEUS_SHAPE, `${prop}.`);
      checkHttpUrl(scope, `${prop}.address`, s.props.address);
      return {
        prometheus: {
          address: s.props.address,
          query: s.props.query,
          timeout: wholeSeconds(scope, `${prop}.timeout`, s.props.timeout, 1),
          insecure: s.props.insecure,
          headers: renderHeaders(scope, `${prop}.headers`, s.props.headers),
        },
      };
    }
    if (s.kind === 'web') {
      checkProps(scope, s.props, WEB_SHAPE, `${prop}.`);
      checkHttpUrl(scope, `${prop}.url`, s.props.url);
      const method = s.props.method ?? 'GET';
      checkEnum(scope, `${prop}.method`, method, ['GET', 'POST', 'PUT']);
      if (s.props.resultShape !== undefined)
        checkEnum(scope, `${prop}.resultShape`, s.props.resultShape, ['scalar', 'vector', 'any']);
      if (s.props.body !== undefined && method === 'GET')
        invalidProp(scope, `${prop}.body`, s.props.body, 'needs method "POST" or "PUT"');
      return {
        web: {
          url: s.props.url,
          method: s.props.method,
          jsonPath: s.props.jsonPath,
          headers: renderHeaders(scope, `${prop}.headers`, s.props.headers),
          body: s.props.body,
          timeoutSeconds: wholeSeconds(scope, `${prop}.timeout`, s.props.timeout, 1),
        },
      };
    }
    const p = s.props;
    checkProps(scope, p, JOB_SHAPE, `${prop}.`);
    checkImage(scope, p.image, `${prop}.image`);
    if (p.command.length === 0) invalidProp(scope, `${prop}.command`, p.command, 'must name a command to run');
    for (const [key, list] of [
      ['command', p.command],
      ['args', p.args ?? []],
    ] as const) {
      list.forEach((item, i) => {
        if (typeof item !== 'string') invalidProp(scope, `${prop}.${key}[${i}]`, item, 'must be a string');
      });
    }
    const backoffLimit = p.backoffLimit ?? 0;
    checkInt(scope, `${prop}.backoffLimit`, backoffLimit, 0);
    const activeDeadlineSeconds = wholeSeconds(
      scope,
      `${prop}.activeDeadline`,
      p.activeDeadline ?? DEFAULT_JOB_DEADLINE,
      1,
      INT32_MAX,
    );
    const security = p.security ?? PodSecurity.restricted();
    return {
      job: {
        spec: {
          backoffLimit,
          activeDeadlineSeconds,
          template: {
            spec: {
              restartPolicy: 'Never',
              automountServiceAccountToken: false,
              securityContext: security._podContext(scope, `${prop}.security`),
              containers: [
                {
                  name: 'measure',
                  image: p.image,
                  command: [...p.command],
                  args: p.args ? [...p.args] : undefined,
                  securityContext: security._containerContext(),
                },
              ],
            },
          },
        },
      } as Wire<AnalysisTemplateSpecMetricsProvider>['job'],
    };
  }
}

// RFC 9110 token characters: what a header name may hold.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function renderHeaders(
  scope: IConstruct,
  prop: string,
  headers: Readonly<Record<string, string>> | undefined,
): Array<{ key: string; value: string }> | undefined {
  const entries = Object.entries(headers ?? {});
  for (const [key, value] of entries) {
    if (!HEADER_NAME.test(key))
      invalidProp(scope, `${prop}.${key}`, key, "must be an HTTP header name: letters, digits and !#$%&'*+.^_`|~-");
    // A line break would start another header (or the body): header injection.
    // eslint-disable-next-line no-control-regex -- control characters are what this refuses
    if (typeof value !== 'string' || /[\u0000-\u0008\u000a-\u001f\u007f]/.test(value)) {
      invalidProp(
        scope,
        `${prop}.${key}`,
        value,
        'must be a header value: a string without line breaks or control characters',
      );
    }
  }
  return entries.length ? entries.map(([key, value]) => ({ key, value })) : undefined;
}

/** What to do instead of writing credentials into an address or URL. */
export const SECRET_HINT =
  'put the credential in a Secret and send it as a header from a secret-backed argument: ' +
  "args: { token: { fromSecret: { name: 'prometheus-auth', key: 'token' } } }, headers: { Authorization: 'Bearer {{args.token}}' }";

/** Checks an absolute http(s) URL without credentials in it; `{{args.x}}` placeholders are allowed. */
export function checkHttpUrl(scope: IConstruct, prop: string, value: string): void {
  // Placeholders are filled by Argo; check the rest with a stand-in host.
  const candidate = value.replace(/\{\{[^}]*\}\}/g, 'x');
  let url: URL | undefined;
  try {
    url = new URL(candidate);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.host === '' || /\s/.test(value)) {
    invalidProp(scope, prop, value, 'must be an absolute http(s) URL such as "http://prometheus.monitoring.svc:9090"');
  }
  if (url.username !== '' || url.password !== '') {
    invalidProp(
      scope,
      prop,
      value,
      `must not carry credentials (user:password@): they would sit in plain text in the manifest; ${SECRET_HINT}`,
    );
  }
}
