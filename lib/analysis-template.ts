import { ApiObject, Chart, Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import type { AnalysisTemplateSpec, AnalysisTemplateSpecMetrics } from '../imports/argoproj.io';
import { Condition, MetricProvider, ResultShape } from './analysis-metric';
import { argoDuration, Wire } from './argo-wire';
import { checkDnsLabel, checkDnsSubdomain, invalidProp } from './errors';
import { parsePromQL, PromQLError } from './promql';

/** One template argument. An argument without a default must be given a value at every use. */
export interface ArgDeclaration {
  /**
   * Value used when the use site gives none.
   * @default - none: the argument is required
   */
  readonly default?: string;
}

/** A template's arguments by name. */
export type ArgDeclarations = { readonly [name: string]: ArgDeclaration };

/** Names of the arguments without a default. */
export type RequiredArgNames<A> = { [K in keyof A]: A[K] extends { readonly default: string } ? never : K }[keyof A] & string;

/** Values for a template's arguments: the required ones must be present, unknown names are compile errors. */
export type ArgValues<A> =
  { readonly [K in RequiredArgNames<A>]: string } & { readonly [K in Exclude<keyof A & string, RequiredArgNames<A>>]?: string };

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

const ARG_REFERENCE = /\{\{\s*args\.([^}\s]+)\s*\}\}/g;

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
export abstract class AnalysisTemplateBase<A extends ArgDeclarations> extends Construct implements IAnalysisTemplate<A> {
  public readonly templateName: string;
  public readonly args: A;
  public readonly metrics: readonly MetricSummary[];
  /** The template manifest. */
  public readonly manifest: ApiObject;
  /** `AnalysisTemplate` or `ClusterAnalysisTemplate`. */
  public readonly kind: 'AnalysisTemplate' | 'ClusterAnalysisTemplate';

  protected constructor(scope: Construct, id: string, kind: 'AnalysisTemplate' | 'ClusterAnalysisTemplate', props: AnalysisTemplateProps<A>) {
    super(scope, id);
    this.kind = kind;
    this.templateName = props.name ?? id;
    checkDnsSubdomain(this, 'name', this.templateName);
    this.args = props.args ?? ({} as A);
    const declared = Object.keys(this.args);
    for (const name of declared) {
      if (!/^[A-Za-z0-9_][-A-Za-z0-9_.]*$/.test(name)) invalidProp(this, `args.${name}`, name, 'must be an argument name of letters, digits, "_", "-" and "."');
    }
    if (!Array.isArray(props.metrics) || props.metrics.length === 0) invalidProp(this, 'metrics', props.metrics, 'must hold at least one metric');

    const seen = new Set<string>();
    const summaries: MetricSummary[] = [];
    const metrics = props.metrics.map((m, i) => {
      const prop = `metrics[${i}]`;
      checkDnsLabel(this, `${prop}.name`, m.name);
      if (seen.has(m.name)) invalidProp(this, `${prop}.name`, m.name, 'is used by an earlier metric; metric names must be unique in a template');
      seen.add(m.name);
      const { wire, summary } = this.renderMetric(`metrics.${m.name}`, m);
      summaries.push(summary);
      return wire;
    });
    this.metrics = summaries;

    const dryRun = props.metrics.filter(m => m.dryRun).map(m => ({ metricName: m.name }));
    const spec: Wire<AnalysisTemplateSpec> = {
      args: declared.length ? declared.map(name => ({ name, value: this.args[name].default })) : undefined,
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

  private renderMetric(prop: string, m: AnalysisMetric): { wire: Wire<AnalysisTemplateSpecMetrics>; summary: MetricSummary } {
    if (!(m.provider instanceof MetricProvider)) {
      invalidProp(this, `${prop}.provider`, m.provider, 'must be exactly one provider, made with MetricProvider.prometheus(), .web() or .job()');
    }
    const provider = m.provider._render(this, `${prop}.provider`);
    // Every {{args.x}} anywhere in the provider must be declared.
    for (const match of JSON.stringify(provider).matchAll(ARG_REFERENCE)) {
      if (!(match[1] in this.args)) {
        invalidProp(this, `${prop}.provider`, match[0], `refers to an argument the template does not declare (declared: ${Object.keys(this.args).join(', ') || 'none'})`);
      }
    }
    let shape: ResultShape = 'any';
    let deferredQuery: string | undefined;
    const query = m.provider.query;
    if (query !== undefined) {
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
      if (m.condition) invalidProp(this, `${prop}.condition`, m.condition.description, 'must be unset for a job metric: the Job succeeding or failing is the measurement');
    } else if (!m.condition) {
      invalidProp(this, `${prop}.condition`, undefined, 'must be set: without a condition every measurement passes');
    } else {
      if (!(m.condition instanceof Condition)) invalidProp(this, `${prop}.condition`, m.condition, 'must be made with a Condition helper');
      m.condition._check(this, `${prop}.condition`, shape);
    }

    for (const key of ['failureLimit', 'inconclusiveLimit', 'consecutiveErrorLimit'] as const) {
      const v = m[key];
      if (v !== undefined && (!Number.isInteger(v) || v < 0)) invalidProp(this, `${prop}.${key}`, v, 'must be a whole number >= 0');
    }
    if (m.count !== undefined) {
      if (!Number.isInteger(m.count) || m.count < 1) invalidProp(this, `${prop}.count`, m.count, 'must be a whole number >= 1: a count of 0 never measures');
      if (m.count > 1 && m.interval === undefined) invalidProp(this, `${prop}.count`, m.count, 'needs an interval between the measurements');
      const failureLimit = m.failureLimit ?? 0;
      if (m.count <= failureLimit) {
        invalidProp(this, `${prop}.failureLimit`, failureLimit, `must be below count (${m.count}), or the metric can never fail`);
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
        name: m.name,
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
      throw new PromQLError(`returns ${type === 'matrix' ? 'a range vector' : 'a string'}, but Argo's Prometheus provider takes only scalar and instant-vector results`, 0);
    } catch (e) {
      if (!(e instanceof PromQLError)) throw e;
      return invalidProp(this, prop, query, `is not valid PromQL (${this.kind} "${this.templateName}", metric "${prop.split('.')[1]}"): ${e.message}`);
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
export function fillForParse(query: string, args: ArgDeclarations, values: Readonly<Record<string, string>> = {}): string | undefined {
  let unresolved = false;
  const filled = query.replace(ARG_REFERENCE, (whole, name: string, offset: number) => {
    const value = values[name] ?? args[name]?.default;
    if (value !== undefined) return value;
    if (!insideString(query, offset)) unresolved = true;
    return whole;
  });
  return unresolved ? undefined : filled;
}

function insideString(text: string, offset: number): boolean {
  let quote: string | undefined;
  for (let i = 0; i < offset; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'" || c === '`') {
      quote = c;
    }
  }
  return quote !== undefined;
}

/**
 * An `AnalysisTemplate` in the app's namespace. Its type carries the declared arguments,
 * so a use site that misses a required one does not compile.
 *
 * ```ts
 * const errors = new AnalysisTemplate(this, 'error-rate', {
 *   args: { service: {}, window: { default: '5m' } },
 *   metrics: [{ name: 'errors', provider: MetricProvider.prometheus({ address, query }), condition: Condition.scalarBelow(0.01) }],
 * });
 * CanaryStep.analysis(errors, { service: 'shop' }); // `service` is required, `window` optional
 * ```
 */
export class AnalysisTemplate<A extends ArgDeclarations = {}> extends AnalysisTemplateBase<A> {
  /**
   * A template that exists outside this app (applied by someone else), referred to by its
   * declared name. Declare its arguments so use sites are checked the same way.
   */
  public static fromName<A extends ArgDeclarations = {}>(scope: Construct, id: string, props: ExternalAnalysisTemplateProps<A>): IAnalysisTemplate<A> {
    return new ExternalAnalysisTemplate<A>(scope, id, props);
  }

  constructor(scope: Construct, id: string, props: AnalysisTemplateProps<A>) {
    super(scope, id, 'AnalysisTemplate', props);
  }
}

/** A `ClusterAnalysisTemplate`: one template for Rollouts in every namespace. */
export class ClusterAnalysisTemplate<A extends ArgDeclarations = {}> extends AnalysisTemplateBase<A> {
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
export class ExternalAnalysisTemplate<A extends ArgDeclarations = {}> extends Construct implements IAnalysisTemplate<A> {
  public readonly templateName: string;
  public readonly clusterScope: boolean;
  public readonly args: A;

  constructor(scope: Construct, id: string, props: ExternalAnalysisTemplateProps<A>) {
    super(scope, id);
    this.templateName = props.name;
    checkDnsSubdomain(this, 'name', props.name);
    this.clusterScope = props.clusterScope ?? false;
    this.args = props.args ?? ({} as A);
  }
}

/** A template together with the argument values one use gives it. */
export class AnalysisUse {
  /** Runs `template` with these argument values; required arguments are compile-time required. */
  public static of<A extends ArgDeclarations>(template: IAnalysisTemplate<A>, ...args: ArgsParam<A>): AnalysisUse {
    return new AnalysisUse(template, { ...(args[0] ?? {}) } as Record<string, string>);
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
export function renderAnalysisUses(scope: IConstruct, prop: string, uses: readonly AnalysisUse[]): {
  templates: Array<{ templateName: string; clusterScope?: boolean }>;
  args?: Array<{ name: string; value: string }>;
} {
  if (!Array.isArray(uses) || uses.length === 0) invalidProp(scope, prop, uses, 'must run at least one template');
  const merged = new Map<string, string>();
  const names = new Set<string>();
  const templates = uses.map((use, i) => {
    if (!(use instanceof AnalysisUse) || !isAnalysisTemplate(use.template)) {
      invalidProp(scope, `${prop}[${i}]`, use, 'must be an analysis template construct (or AnalysisTemplate.fromName for one declared elsewhere), never a plain name');
    }
    const t = use.template;
    const key = `${t.clusterScope}/${t.templateName}`;
    if (names.has(key)) invalidProp(scope, `${prop}[${i}]`, t.templateName, 'is already run by this analysis');
    names.add(key);
    if (Chart.of(t) !== Chart.of(scope) && !t.clusterScope && Chart.of(t).namespace !== Chart.of(scope).namespace) {
      invalidProp(scope, `${prop}[${i}]`, t, `is in namespace ${Chart.of(t).namespace ?? 'default'} but the Rollout in ${Chart.of(scope).namespace ?? 'default'}; a Rollout finds AnalysisTemplates only in its own namespace (use a ClusterAnalysisTemplate)`);
    }
    for (const [name, value] of Object.entries(use.args)) {
      if (!(name in t.args)) {
        invalidProp(scope, `${prop}[${i}].args.${name}`, value, `is not an argument of ${t.node.path} (declared: ${Object.keys(t.args).join(', ') || 'none'})`);
      }
      if (typeof value !== 'string') invalidProp(scope, `${prop}[${i}].args.${name}`, value, 'must be a string');
      const earlier = merged.get(name);
      // Argo passes one args list to every template of an analysis.
      if (earlier !== undefined && earlier !== value) {
        invalidProp(scope, `${prop}[${i}].args.${name}`, value, `conflicts with ${JSON.stringify(earlier)} given to another template of this analysis: Argo passes one value per name to all of them`);
      }
      merged.set(name, value);
    }
    for (const [name, decl] of Object.entries(t.args)) {
      if (decl.default === undefined && use.args[name] === undefined) {
        invalidProp(scope, `${prop}[${i}].args.${name}`, undefined, `must be given: ${t.node.path} declares it without a default`);
      }
    }
    for (const metric of t.metrics ?? []) {
      if (metric.deferredQuery === undefined) continue;
      const filled = fillForParse(metric.deferredQuery, t.args, use.args)!;
      try {
        const { type } = parsePromQL(filled);
        if (type !== 'scalar' && type !== 'vector') throw new PromQLError(`returns a ${type}, which Argo's Prometheus provider cannot evaluate`, 0);
        if (metric.conditionShape && metric.conditionShape !== 'any' && metric.conditionShape !== type) {
          throw new PromQLError(`returns ${type === 'scalar' ? 'a scalar' : 'an instant vector'}, but its condition is written for a ${metric.conditionShape} result`, 0);
        }
      } catch (e) {
        if (!(e instanceof PromQLError)) throw e;
        invalidProp(scope, `${prop}[${i}].args`, use.args, `make the query of metric "${metric.name}" in "${t.templateName}" unusable: ${e.message}`);
      }
    }
    return { templateName: t.templateName, clusterScope: t.clusterScope || undefined };
  });
  return { templates, args: merged.size ? [...merged].map(([name, value]) => ({ name, value })) : undefined };
}
