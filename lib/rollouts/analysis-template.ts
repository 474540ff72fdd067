import { ApiObject, Chart, Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import type { AnalysisTemplateSpec, AnalysisTemplateSpecMetrics } from '../../imports/argoproj.io';
import { Condition, MetricProvider, ResultShape } from './analysis-metric';
import { argoDuration, Wire } from './argo-wire';
import { checkDnsLabel, checkDnsSubdomain, checkInt, invalidProp } from '../core/errors';
import { ARG_PLACEHOLDER, argPlaceholders, argValueProblem, parsePromQL, PromQLError, substituteArgs } from './promql';
import { checkPlainData, checkProps, isPlainObject, PropShape } from '../core/props';

/** A key of a Kubernetes Secret in the namespace the analysis runs in. */
export interface SecretKeyRef {
  /** Name of the Secret. */
  readonly name: string;
  /** Key in the Secret's data. */
  readonly key: string;
}

/**
 * One template argument. An argument without a default (or a Secret) must be given a value at
 * every use.
 */
export interface ArgDeclaration {
  /**
   * Value used when the use site gives none.
   * @default - none: the argument is required
   */
  readonly default?: string;
  /**
   * Read the value from a Secret when the analysis runs (Argo's `valueFrom.secretKeyRef`), for
   * tokens and passwords: use it in headers, e.g. `Authorization: 'Bearer {{args.token}}'`.
   * A use site cannot override it, and a PromQL query cannot use it (its value is not known here,
   * so it could not be checked).
   * @default - no Secret: the value is `default` or the use site's
   */
  readonly fromSecret?: SecretKeyRef;
}

/** A template's arguments by name. */
export type ArgDeclarations = { readonly [name: string]: ArgDeclaration };

/** The arguments of a template that declares none. */
export type NoArgs = Record<never, never>;

/** Names of the arguments that take their value from a Secret. */
export type SecretArgNames<A> = {
  [K in keyof A]: A[K] extends { readonly fromSecret: SecretKeyRef } ? K : never;
}[keyof A] &
  string;

/** Names of the arguments without a default or a Secret. */
export type RequiredArgNames<A> = {
  [K in keyof A]: A[K] extends { readonly default: string } | { readonly fromSecret: SecretKeyRef } ? never : K;
}[keyof A] &
  string;

/**
 * Values for a template's arguments: the required ones must be present, unknown names (and secret-backed ones) are
 * compile errors.
 */
export type ArgValues<A> = { readonly [K in RequiredArgNames<A>]: string } & {
  readonly [K in Exclude<keyof A & string, RequiredArgNames<A> | SecretArgNames<A>>]?: string;
};

/** The argument list of a use site: optional when every argument has a default. */
export type ArgsParam<A> = [RequiredArgNames<A>] extends [never] ? [args?: ArgValues<A>] : [args: ArgValues<A>];

/** One metric of an analysis template. */
export interface AnalysisMetric {
  /** Metric name, unique in the template (a DNS label). */
  readonly name: string;
  /** Where measurements come from. */
  readonly provider: MetricProvider;
  /**
   * When a measurement passes (and fails). Required for Prometheus and web metrics; a job
   * metric takes none (the Job's own outcome decides).
   * @default - none
   */
  readonly condition?: Condition;
  /**
   * Time between measurements. Needs `count` when the template runs as a canary step, or the step never ends.
   * @default - one measurement
   */
  readonly interval?: Duration;
  /**
   * Number of measurements.
   * @default - 1 without interval; unbounded with interval (background analysis only)
   */
  readonly count?: number;
  /**
   * Wait before the first measurement, so the new pods produce data first.
   * @default - none
   */
  readonly initialDelay?: Duration;
  /**
   * Failed measurements tolerated; one more fails the metric.
   * @default 0
   */
  readonly failureLimit?: number;
  /**
   * Inconclusive measurements tolerated; one more pauses the rollout.
   * @default 0
   */
  readonly inconclusiveLimit?: number;
  /**
   * Consecutive errors (query failed, condition could not be evaluated) tolerated; one more aborts.
   * @default - Argo's default (4)
   */
  readonly consecutiveErrorLimit?: number;
  /**
   * Measure and record, but never fail the analysis.
   * @default false
   */
  readonly dryRun?: boolean;
}

/** What the Rollout checks need to know of a template's metrics. */
export interface MetricSummary {
  readonly name: string;
  readonly hasInterval: boolean;
  readonly count?: number;
  readonly initialDelaySeconds?: number;
  /** The query, when it could only be parsed once use-site values are known. */
  readonly deferredQuery?: string;
  /** The result shape the metric's condition is written for. */
  readonly conditionShape?: ResultShape;
  /** The PromQL query as written, for Prometheus metrics. */
  readonly query?: string;
  /** The URL as written, for web metrics. */
  readonly url?: string;
  /** The header values as written. */
  readonly headerValues?: readonly string[];
}

/**
 * Why `value` cannot be given to argument `name` of a template with these metrics, or undefined:
 * Argo pastes it into queries, URLs and headers as text, so it must not change their structure.
 */
export function argumentValueProblem(
  metrics: readonly MetricSummary[],
  name: string,
  value: string,
): string | undefined {
  for (const m of metrics) {
    if (m.query !== undefined) {
      for (const placeholder of argPlaceholders(m.query).filter(p => p.name === name)) {
        const problem = argValueProblem(placeholder, value, `the query of metric "${m.name}"`);
        if (problem) return problem;
      }
    }
    const uses = (text: string | undefined) =>
      text !== undefined && [...text.matchAll(ARG_PLACEHOLDER)].some(r => r[1] === name);
    if (uses(m.url) && !/^[A-Za-z0-9._~%/-]*$/.test(value)) {
      return `is filled into the URL of metric "${m.name}", so it must hold only letters, digits and - . _ ~ % /: "?", "#", "@", ":" or spaces would change where the request goes`;
    }
    // eslint-disable-next-line no-control-regex
    if ((m.headerValues ?? []).some(uses) && /[\u0000-\u0008\u000a-\u001f\u007f]/.test(value)) {
      return `is filled into a header of metric "${m.name}", so it must hold no line breaks or control characters: they would add headers to the request`;
    }
  }
  return undefined;
}

/** An analysis template a Rollout can run: a template construct, or one declared as external. */
export interface IAnalysisTemplate<A extends ArgDeclarations = ArgDeclarations> extends IConstruct {
  /** metadata.name of the template. */
  readonly templateName: string;
  /** True for a ClusterAnalysisTemplate. */
  readonly clusterScope: boolean;
  /** The declared arguments. */
  readonly args: A;
  /** The metrics, or undefined when the template is external and not known here. */
  readonly metrics?: readonly MetricSummary[];
}

/** Props shared by {@link AnalysisTemplate} and {@link ClusterAnalysisTemplate}. */
export interface AnalysisTemplateProps<A extends ArgDeclarations> {
  /**
   * metadata.name of the template.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Arguments the metrics refer to as `{{args.name}}`.
   * @default - none
   */
  readonly args?: A;
  /** The metrics; all must pass. */
  readonly metrics: readonly AnalysisMetric[];
}

/** Base of the namespaced and the cluster-wide template. */
export abstract class AnalysisTemplateBase<A extends ArgDeclarations>
  extends Construct
  implements IAnalysisTemplate<A>
{
  public readonly templateName: string;
  public readonly args: A;
  public readonly metrics: readonly MetricSummary[];
  /** The template manifest. */
  public readonly manifest: ApiObject;
  /** `AnalysisTemplate` or `ClusterAnalysisTemplate`. */
  public readonly kind: 'AnalysisTemplate' | 'ClusterAnalysisTemplate';

  protected constructor(
    scope: Construct,
    id: string,
    kind: 'AnalysisTemplate' | 'ClusterAnalysisTemplate',
    given: AnalysisTemplateProps<A>,
  ) {
    super(scope, id);
    // A subclass that computes its props from its own (RestartRateAnalysis) checks them here, with this construct as
    // scope.
    const build = (given as unknown as Record<symbol, unknown>)?.[BUILD_PROPS];
    const props = typeof build === 'function' ? (build(this) as AnalysisTemplateProps<A>) : given;
    checkProps(this, props, TEMPLATE_SHAPE);
    this.kind = kind;
    this.templateName = props.name ?? id;
    checkDnsSubdomain(this, 'name', this.templateName);
    this.args = checkArgDeclarations(this, props.args);
    const declared = Object.keys(this.args);
    if (props.metrics.length === 0) invalidProp(this, 'metrics', props.metrics, 'must hold at least one metric');

    const seen = new Set<string>();
    const summaries: MetricSummary[] = [];
    const metrics = props.metrics.map((m, i) => {
      const prop = `metrics[${i}]`;
      checkProps(this, m, METRIC_SHAPE, `${prop}.`);
      checkDnsLabel(this, `${prop}.name`, m.name);
      if (seen.has(m.name))
        invalidProp(
          this,
          `${prop}.name`,
          m.name,
          'is used by an earlier metric; metric names must be unique in a template',
        );
      seen.add(m.name);
      const { wire, summary } = this.renderMetric(`metrics.${m.name}`, m);
      summaries.push(summary);
      return wire;
    });
    this.metrics = summaries;

    const dryRun = props.metrics.filter(m => m.dryRun).map(m => ({ metricName: m.name }));
    const spec: Wire<AnalysisTemplateSpec> = {
      args: declared.length
        ? declared.map(name => {
            const secret = this.args[name].fromSecret;
            return secret
              ? { name, valueFrom: { secretKeyRef: { name: secret.name, key: secret.key } } }
              : { name, value: this.args[name].default };
          })
        : undefined,
      metrics,
      dryRun: dryRun.length ? dryRun : undefined,
    };
    this.manifest = new ApiObject(this, 'Resource', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind,
      metadata: { name: this.templateName },
      spec,
    });
  }

  private renderMetric(
    prop: string,
    m: AnalysisMetric,
  ): { wire: Wire<AnalysisTemplateSpecMetrics>; summary: MetricSummary } {
    if (!(m.provider instanceof MetricProvider)) {
      invalidProp(
        this,
        `${prop}.provider`,
        m.provider,
        'must be exactly one provider, made with MetricProvider.prometheus(), .web() or .job()',
      );
    }
    const provider = m.provider._render(this, `${prop}.provider`);
    // Every {{args.x}} anywhere in the provider must be declared.
    for (const match of JSON.stringify(provider).matchAll(ARG_PLACEHOLDER)) {
      if (!(match[1] in this.args)) {
        invalidProp(
          this,
          `${prop}.provider`,
          match[0],
          `refers to an argument the template does not declare (declared: ${Object.keys(this.args).join(', ') || 'none'})`,
        );
      }
    }
    const query = m.provider.query;
    const web = m.provider.spec.kind === 'web' ? m.provider.spec.props : undefined;
    const headers = m.provider.spec.kind === 'job' ? undefined : m.provider.spec.props.headers;
    const texts = {
      name: m.name,
      hasInterval: false,
      query,
      url: web?.url,
      headerValues: headers ? Object.values(headers) : undefined,
    };
    // Defaults are pasted into queries, URLs and headers as text too: check them before parsing with them.
    for (const [name, decl] of Object.entries(this.args)) {
      const problem = decl.default === undefined ? undefined : argumentValueProblem([texts], name, decl.default);
      if (problem) invalidProp(this, `args.${name}.default`, decl.default, problem);
    }
    let shape: ResultShape = 'any';
    let deferredQuery: string | undefined;
    if (query !== undefined) {
      for (const placeholder of argPlaceholders(query)) {
        const secret = this.args[placeholder.name]?.fromSecret;
        if (secret) {
          invalidProp(
            this,
            `${prop}.query`,
            query,
            `uses {{args.${placeholder.name}}}, which comes from Secret ${secret.name}: a query cannot be checked against a value only known when the analysis runs; send secrets as headers`,
          );
        }
      }
      const filled = fillForParse(query, this.args);
      if (filled === undefined) {
        deferredQuery = query;
      } else {
        shape = this.promqlShape(`${prop}.query`, query, filled);
      }
    } else if (m.provider.spec.kind === 'web') {
      shape = m.provider.spec.props.resultShape ?? 'any';
    }

    if (m.provider.kind === 'job') {
      if (m.condition)
        invalidProp(
          this,
          `${prop}.condition`,
          m.condition.description,
          'must be unset for a job metric: the Job succeeding or failing is the measurement',
        );
    } else if (!m.condition) {
      invalidProp(this, `${prop}.condition`, undefined, 'must be set: without a condition every measurement passes');
    } else {
      m.condition._check(this, `${prop}.condition`, shape);
    }

    for (const key of ['failureLimit', 'inconclusiveLimit', 'consecutiveErrorLimit'] as const) {
      if (m[key] !== undefined) checkInt(this, `${prop}.${key}`, m[key], 0);
    }
    if (m.count !== undefined) {
      checkInt(this, `${prop}.count`, m.count, 1);
      if (m.count > 1 && m.interval === undefined)
        invalidProp(this, `${prop}.count`, m.count, 'needs an interval between the measurements');
      const failureLimit = m.failureLimit ?? 0;
      if (m.count <= failureLimit) {
        invalidProp(
          this,
          `${prop}.failureLimit`,
          failureLimit,
          `must be below count (${m.count}), or the metric can never fail`,
        );
      }
      // Argo refuses a metric whose count is below its inconclusiveLimit.
      if (m.inconclusiveLimit !== undefined && m.count < m.inconclusiveLimit) {
        invalidProp(
          this,
          `${prop}.inconclusiveLimit`,
          m.inconclusiveLimit,
          `must be at most count (${m.count}): Argo refuses a larger one`,
        );
      }
    }
    const initialDelay = m.initialDelay ? argoDuration(this, `${prop}.initialDelay`, m.initialDelay) : undefined;
    const wire: Wire<AnalysisTemplateSpecMetrics> = {
      name: m.name,
      initialDelay,
      interval: m.interval ? argoDuration(this, `${prop}.interval`, m.interval) : undefined,
      count: m.count,
      successCondition: m.condition?.successCondition,
      failureCondition: m.condition?.failureCondition,
      failureLimit: m.failureLimit,
      inconclusiveLimit: m.inconclusiveLimit,
      consecutiveErrorLimit: m.consecutiveErrorLimit,
      provider,
    };
    return {
      wire,
      summary: {
        ...texts,
        hasInterval: m.interval !== undefined,
        count: m.count,
        initialDelaySeconds: m.initialDelay ? m.initialDelay.toSeconds() : undefined,
        deferredQuery,
        conditionShape: m.condition?.shape,
      },
    };
  }

  private promqlShape(prop: string, query: string, filled: string): ResultShape {
    try {
      const { type } = parsePromQL(filled);
      if (type === 'scalar' || type === 'vector') return type;
      throw new PromQLError(
        `returns ${type === 'matrix' ? 'a range vector' : 'a string'}, but Argo's Prometheus provider takes only scalar and instant-vector results`,
        0,
      );
    } catch (e) {
      if (!(e instanceof PromQLError)) throw e;
      return invalidProp(
        this,
        prop,
        query,
        `is not valid PromQL (${this.kind} "${this.templateName}", metric "${prop.split('.')[1]}"): ${e.message}`,
      );
    }
  }

  public get clusterScope(): boolean {
    return this.kind === 'ClusterAnalysisTemplate';
  }
}

/**
 * The query with placeholders filled for parsing: defaults where declared, and any
 * placeholder inside a string literal kept as it is. Undefined when a placeholder without a
 * default stands outside a string: only the use site's value makes the query parseable.
 */
export function fillForParse(
  query: string,
  args: ArgDeclarations,
  values: Readonly<Record<string, string>> = {},
): string | undefined {
  const known: Record<string, string | undefined> = {};
  for (const name of Object.keys(args)) known[name] = values[name] ?? args[name].default;
  // A bare placeholder without a value leaves `{{` in the query, which never parses.
  const unresolved = argPlaceholders(query).some(p => !p.inString && known[p.name] === undefined);
  return unresolved ? undefined : substituteArgs(query, known);
}

/** Marks props a subclass computes once its construct exists (see RestartRateAnalysis). @internal */
export const BUILD_PROPS = Symbol('buildProps');

const ARG_SHAPE: PropShape = { default: 'string', fromSecret: { name: 'string!', key: 'string!' } };
const TEMPLATE_SHAPE: PropShape = { name: 'string', args: 'map', metrics: 'array!' };
const METRIC_SHAPE: PropShape = {
  name: 'string!',
  provider: MetricProvider,
  condition: Condition,
  interval: Duration,
  count: 'number',
  initialDelay: Duration,
  failureLimit: 'number',
  inconclusiveLimit: 'number',
  consecutiveErrorLimit: 'number',
  dryRun: 'boolean',
};

/** Checks declared arguments: names, each declaration's shape, a Secret or a default but not both. */
function checkArgDeclarations<A extends ArgDeclarations>(scope: IConstruct, args: A | undefined): A {
  for (const [name, decl] of Object.entries(args ?? {})) {
    if (!/^[A-Za-z0-9_][-A-Za-z0-9_.]*$/.test(name))
      invalidProp(scope, `args.${name}`, name, 'must be an argument name of letters, digits, "_", "-" and "."');
    checkProps(scope, decl, ARG_SHAPE, `args.${name}.`);
    if (decl.fromSecret) {
      if (decl.default !== undefined)
        invalidProp(
          scope,
          `args.${name}.default`,
          decl.default,
          'must be unset with fromSecret: the value comes from the Secret',
        );
      checkDnsSubdomain(scope, `args.${name}.fromSecret.name`, decl.fromSecret.name);
      if (!/^[-._a-zA-Z0-9]+$/.test(decl.fromSecret.key) || decl.fromSecret.key.length > 253) {
        invalidProp(
          scope,
          `args.${name}.fromSecret.key`,
          decl.fromSecret.key,
          'must be a Secret key: letters, digits, "-", "_" and ".", at most 253 characters',
        );
      }
    }
  }
  return args ?? ({} as A);
}

/**
 * An `AnalysisTemplate` in the app's namespace. Its type carries the declared arguments,
 * so a use site that misses a required one does not compile.
 *
 * ```ts
 * const errors = new AnalysisTemplate(this, 'error-rate', {
 *   args: { service: {}, window: { default: '5m' } },
 *   metrics: [{ name: 'errors', provider: MetricProvider.prometheus({ address, query }), condition:
 * Condition.scalarBelow(0.01) }],
 * });
 * CanaryStep.analysis(errors, { service: 'shop' }); // `service` is required, `window` optional
 * ```
 */
export class AnalysisTemplate<A extends ArgDeclarations = NoArgs> extends AnalysisTemplateBase<A> {
  /**
   * A template that exists outside this app (applied by someone else), referred to by its
   * declared name. Declare its arguments so use sites are checked the same way.
   */
  public static fromName<A extends ArgDeclarations = NoArgs>(
    scope: Construct,
    id: string,
    props: ExternalAnalysisTemplateProps<A>,
  ): IAnalysisTemplate<A> {
    return new ExternalAnalysisTemplate<A>(scope, id, props);
  }

  constructor(scope: Construct, id: string, props: AnalysisTemplateProps<A>) {
    super(scope, id, 'AnalysisTemplate', props);
  }
}

/** A `ClusterAnalysisTemplate`: one template for Rollouts in every namespace. */
export class ClusterAnalysisTemplate<A extends ArgDeclarations = NoArgs> extends AnalysisTemplateBase<A> {
  constructor(scope: Construct, id: string, props: AnalysisTemplateProps<A>) {
    super(scope, id, 'ClusterAnalysisTemplate', props);
  }
}

/** Props of {@link AnalysisTemplate.fromName}. */
export interface ExternalAnalysisTemplateProps<A extends ArgDeclarations> {
  /** metadata.name of the existing template. */
  readonly name: string;
  /**
   * The template's arguments, as it declares them.
   * @default - none
   */
  readonly args?: A;
  /**
   * True when it is a ClusterAnalysisTemplate.
   * @default false
   */
  readonly clusterScope?: boolean;
}

/** A template applied outside this app. Emits nothing; its metrics are not known here. */
export class ExternalAnalysisTemplate<A extends ArgDeclarations = NoArgs>
  extends Construct
  implements IAnalysisTemplate<A>
{
  public readonly templateName: string;
  public readonly clusterScope: boolean;
  public readonly args: A;

  constructor(scope: Construct, id: string, props: ExternalAnalysisTemplateProps<A>) {
    super(scope, id);
    checkProps(this, props, { name: 'string!', args: 'map', clusterScope: 'boolean' });
    this.templateName = props.name;
    checkDnsSubdomain(this, 'name', props.name);
    this.clusterScope = props.clusterScope ?? false;
    this.args = checkArgDeclarations(this, props.args);
  }
}

/** A template together with the argument values one use gives it. */
export class AnalysisUse {
  /** Runs `template` with these argument values; required arguments are compile-time required. */
  public static of<A extends ArgDeclarations>(template: IAnalysisTemplate<A>, ...args: ArgsParam<A>): AnalysisUse {
    // Kept as given (copied when plain data): renderAnalysisUses checks it with the Rollout's path.
    const given: unknown = args[0] === undefined ? {} : args[0];
    return new AnalysisUse(template, (isPlainObject(given) ? { ...given } : given) as Record<string, string>);
  }

  private constructor(
    public readonly template: IAnalysisTemplate,
    public readonly args: Readonly<Record<string, string>>,
  ) {}
}

/** True for the template kinds this library makes (constructs or declared externals). */
export function isAnalysisTemplate(x: unknown): x is IAnalysisTemplate {
  return x instanceof AnalysisTemplateBase || x instanceof ExternalAnalysisTemplate;
}

/**
 * Checks the uses of one analysis (a step, the background analysis or a blue/green
 * promotion analysis) and renders Argo's `templates` and `args`.
 * @internal
 */
export function renderAnalysisUses(
  scope: IConstruct,
  prop: string,
  uses: readonly AnalysisUse[],
): {
  templates: Array<{ templateName: string; clusterScope?: boolean }>;
  args?: Array<{ name: string; value: string }>;
} {
  if (!Array.isArray(uses) || uses.length === 0) invalidProp(scope, prop, uses, 'must run at least one template');
  const merged = new Map<string, string>();
  const names = new Set<string>();
  const templates = uses.map((use, i) => {
    if (!(use instanceof AnalysisUse) || !isAnalysisTemplate(use.template)) {
      invalidProp(
        scope,
        `${prop}[${i}]`,
        use,
        'must be an analysis template construct (or AnalysisTemplate.fromName for one declared elsewhere), never a plain name',
      );
    }
    const t = use.template;
    const key = `${t.clusterScope}/${t.templateName}`;
    if (names.has(key)) invalidProp(scope, `${prop}[${i}]`, t.templateName, 'is already run by this analysis');
    names.add(key);
    if (Chart.of(t) !== Chart.of(scope) && !t.clusterScope && Chart.of(t).namespace !== Chart.of(scope).namespace) {
      invalidProp(
        scope,
        `${prop}[${i}]`,
        t,
        `is in namespace ${Chart.of(t).namespace ?? 'default'} but the Rollout in ${Chart.of(scope).namespace ?? 'default'}; a Rollout finds AnalysisTemplates only in its own namespace (use a ClusterAnalysisTemplate)`,
      );
    }
    if (!isPlainObject(use.args))
      invalidProp(scope, `${prop}[${i}].args`, use.args, 'must be an object of argument names to string values');
    checkPlainData(scope, `${prop}[${i}].args`, use.args);
    for (const [name, value] of Object.entries(use.args)) {
      const at = `${prop}[${i}].args.${name}`;
      if (!(name in t.args)) {
        invalidProp(
          scope,
          at,
          value,
          `is not an argument of ${t.node.path} (declared: ${Object.keys(t.args).join(', ') || 'none'})`,
        );
      }
      if (typeof value !== 'string') invalidProp(scope, at, value, 'must be a string');
      const secret = t.args[name].fromSecret;
      if (secret)
        invalidProp(
          scope,
          at,
          value,
          `must be left out: ${t.node.path} reads it from Secret ${secret.name} (key ${secret.key}), and a value here would replace the Secret with plain text`,
        );
      const problem = argumentValueProblem(t.metrics ?? [], name, value);
      if (problem) invalidProp(scope, at, value, `${problem} (template ${t.node.path})`);
      const earlier = merged.get(name);
      // Argo passes one args list to every template of an analysis.
      if (earlier !== undefined && earlier !== value) {
        invalidProp(
          scope,
          at,
          value,
          `conflicts with ${JSON.stringify(earlier)} given to another template of this analysis: Argo passes one value per name to all of them`,
        );
      }
      merged.set(name, value);
    }
    for (const [name, decl] of Object.entries(t.args)) {
      if (decl.default === undefined && decl.fromSecret === undefined && use.args[name] === undefined) {
        invalidProp(
          scope,
          `${prop}[${i}].args.${name}`,
          undefined,
          `must be given: ${t.node.path} declares it without a default`,
        );
      }
    }
    // Every query is parsed again with this use's values: they may make it invalid (an empty range, say).
    for (const metric of t.metrics ?? []) {
      if (metric.query === undefined) continue;
      const filled = fillForParse(metric.query, t.args, use.args);
      if (filled === undefined) continue;
      try {
        const { type } = parsePromQL(filled);
        if (type !== 'scalar' && type !== 'vector')
          throw new PromQLError(`returns a ${type}, which Argo's Prometheus provider cannot evaluate`, 0);
        if (metric.conditionShape && metric.conditionShape !== 'any' && metric.conditionShape !== type) {
          throw new PromQLError(
            `returns ${type === 'scalar' ? 'a scalar' : 'an instant vector'}, but its condition is written for a ${metric.conditionShape} result`,
            0,
          );
        }
      } catch (e) {
        if (!(e instanceof PromQLError)) throw e;
        invalidProp(
          scope,
          `${prop}[${i}].args`,
          use.args,
          `make the query of metric "${metric.name}" in "${t.templateName}" unusable: ${e.message}`,
        );
      }
    }
    return { templateName: t.templateName, clusterScope: t.clusterScope || undefined };
  });
  return { templates, args: merged.size ? [...merged].map(([name, value]) => ({ name, value })) : undefined };
}
