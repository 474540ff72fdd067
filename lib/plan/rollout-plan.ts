import { clampIntoRange } from '../workloads/hpa-math';
import { percentOf } from '../workloads/replica-split';
import {
  CanaryScaleInForce,
  PodSplit,
  routedCanaryPods,
  settleBasicCanary,
  surgeAndUnavailable,
  IntOrPercentValue,
} from './canary-pods';
import { formatSeconds, goDurationSeconds, metricLeastSeconds, pauseSeconds, slowestSeconds } from './step-time';

/** The action of a canary step, as Argo Rollouts names it. */
export type PlanStepKind =
  'setWeight' | 'pause' | 'analysis' | 'setCanaryScale' | 'setHeaderRoute' | 'setMirrorRoute' | 'experiment';

/** Canary and stable pods at some replica count. */
export interface PlanPods {
  /** Pods of the canary (new) ReplicaSet. */
  readonly canaryPods: number;
  /** Pods of the stable ReplicaSet. */
  readonly stablePods: number;
}

/** One canary step of a {@link RolloutPlan}. */
export interface PlanStep extends PlanPods {
  /** Index of the step in `spec.strategy.canary.steps`. */
  readonly index: number;
  /** Its action. */
  readonly kind: PlanStepKind;
  /** The canary traffic weight in force after the step: the last setWeight so far, 0 before any. */
  readonly weight: number;
  /** Least seconds the step holds: 0 for an instant step, null when it waits for a person or has no end. */
  readonly seconds: number | null;
  /** The step in words, e.g. `setWeight 25`, `pause 5m`, `analysis success-rate`. */
  readonly action: string;
  /** Why `seconds` is null: a pause waiting for promotion, or an analysis or experiment without end. */
  readonly until?: 'promotion' | 'unbounded';
  /** The analysis templates the step runs, if any. */
  readonly analysis?: readonly string[];
  /** Without traffic routing: the most pods (both sides) on the way into the step, surge included. */
  readonly peakPods?: number;
  /** With an autoscaler: the pods when it runs the Rollout at its minReplicas. */
  readonly atMinReplicas?: PlanPods;
  /** With an autoscaler: the pods when it runs the Rollout at its maxReplicas. */
  readonly atMaxReplicas?: PlanPods;
}

/** The HorizontalPodAutoscaler that scales a planned Rollout. */
export interface PlanAutoscaler {
  /** Its metadata.name, when known. */
  readonly name?: string;
  /** Its `spec.minReplicas` (default 1). */
  readonly minReplicas: number;
  /** Its `spec.maxReplicas`. */
  readonly maxReplicas: number;
  /**
   * The replicas the steps are planned at: `spec.replicas` (default 1) brought into
   * `[minReplicas, maxReplicas]`, as the autoscaler does first (0 stays 0: it disables scaling).
   */
  readonly replicas: number;
}

/** What a blue/green Rollout does instead of steps. */
export interface BlueGreenPlan {
  /** Pods of the preview (new) ReplicaSet before promotion. */
  readonly previewPods: number;
  /** Pods of the active ReplicaSet. */
  readonly activePods: number;
  /** Whether promotion happens without a person. */
  readonly autoPromotion: boolean;
  /** Seconds auto-promotion waits after the preview is ready. */
  readonly autoPromotionSeconds: number;
  /** Templates of the analysis before promotion. */
  readonly prePromotionAnalysis: readonly string[];
  /** Least seconds of the analysis before promotion (0 without; null when it never ends). */
  readonly prePromotionSeconds: number | null;
  /** Templates of the analysis after promotion. */
  readonly postPromotionAnalysis: readonly string[];
  /** Least seconds from the preview being ready to the switch; null when a person promotes or analysis never ends. */
  readonly promotionSeconds: number | null;
}

/**
 * What a Rollout does at each canary step: the traffic weight, the canary and stable pods the Argo
 * controller keeps once the step has settled, and the least time the step holds.
 *
 * The first six fields are the `--json` shape of `cdk8s-delivery plan`; the others are extras.
 */
export interface RolloutPlan {
  /** `metadata.name`, or `namespace/name` when the Rollout has a namespace. */
  readonly rollout: string;
  /** `canary` or `blueGreen`, as `spec.strategy` holds it. */
  readonly strategy: 'canary' | 'blueGreen';
  /** `spec.replicas`, default 1. */
  readonly replicas: number;
  /** True when `spec.strategy.canary.trafficRouting` is set. */
  readonly trafficRouting: boolean;
  /** One entry per canary step (none for blue/green). */
  readonly steps: readonly PlanStep[];
  /** The steps' seconds added up; null when any step waits for a person or has no end. */
  readonly minimumSeconds: number | null;
  /** The highest canary share of traffic over the steps, in percent (of pods without traffic routing). */
  readonly peakCanaryPercent?: number;
  /** The autoscaler scaling the Rollout, if any. */
  readonly autoscaler?: PlanAutoscaler;
  /** The blue/green switch, for that strategy. */
  readonly blueGreen?: BlueGreenPlan;
}

/** A Rollout the plan cannot be made for, with the object at fault. */
export class PlanError extends Error {
  constructor(
    /** The object, e.g. `Rollout shop/web` or `AnalysisTemplate shop/errors`. */
    public readonly object: string,
    /** What is wrong. */
    public readonly detail: string,
  ) {
    super(`${object}: ${detail}`);
    this.name = 'PlanError';
  }
}

/** A parsed Kubernetes object. */
export type ManifestObject = Readonly<Record<string, unknown>>;

/** What {@link planRollout} reads besides the Rollout. */
export interface PlanContext {
  /** Finds an AnalysisTemplate (or, with clusterScope, a ClusterAnalysisTemplate) by name. */
  readonly findTemplate: (name: string, clusterScope: boolean) => ManifestObject | undefined;
  /** The autoscaler targeting the Rollout, if any. */
  readonly autoscaler?: Omit<PlanAutoscaler, 'replicas'>;
}

/** The plan of one Rollout manifest. Throws a {@link PlanError} naming the object it cannot plan. */
export function planRollout(rollout: ManifestObject, context: PlanContext): RolloutPlan {
  const meta = record(rollout.metadata) ?? {};
  const name = typeof meta.name === 'string' ? meta.name : '(unnamed)';
  const id = typeof meta.namespace === 'string' && meta.namespace ? `${meta.namespace}/${name}` : name;
  const fail = (detail: string): never => {
    throw new PlanError(`Rollout ${id}`, detail);
  };
  const spec = record(rollout.spec) ?? fail('has no spec');
  const replicas = spec.replicas ?? 1;
  if (!isCount(replicas)) fail(`spec.replicas is ${JSON.stringify(replicas)}, not a whole number >= 0`);
  const strategy = record(spec.strategy) ?? fail('has no spec.strategy');
  const canary = record(strategy.canary);
  const blueGreen = record(strategy.blueGreen);
  if ((canary === undefined) === (blueGreen === undefined))
    fail('spec.strategy must hold exactly one of canary and blueGreen');
  const scaler = context.autoscaler;
  const autoscaler = scaler && {
    ...(scaler.name !== undefined ? { name: scaler.name } : {}),
    minReplicas: scaler.minReplicas,
    maxReplicas: scaler.maxReplicas,
    replicas: clampIntoRange(replicas as number, scaler.minReplicas, scaler.maxReplicas),
  };
  const planned = autoscaler?.replicas ?? (replicas as number);
  const analysis = new AnalysisTimer(context, fail);

  if (blueGreen) {
    return {
      rollout: id,
      strategy: 'blueGreen',
      replicas: replicas as number,
      trafficRouting: false,
      steps: [],
      minimumSeconds: 0,
      ...(autoscaler ? { autoscaler } : {}),
      blueGreen: planBlueGreen(blueGreen, planned, analysis, fail),
    };
  }
  const routed = canary!.trafficRouting !== undefined && canary!.trafficRouting !== null;
  const rawSteps = canary!.steps ?? [];
  if (!Array.isArray(rawSteps)) fail('spec.strategy.canary.steps is not a list');
  const steps = readSteps(rawSteps as unknown[], analysis, fail);
  const podsAt = (r: number) => canaryPods(r, canary!, routed, steps, fail);
  const main = podsAt(planned);
  const atMin = autoscaler && podsAt(autoscaler.minReplicas);
  const atMax = autoscaler && podsAt(autoscaler.maxReplicas);
  const planSteps: PlanStep[] = steps.map((s, i) => ({
    index: i,
    kind: s.kind,
    weight: s.weight,
    canaryPods: main[i].canaryPods,
    stablePods: main[i].stablePods,
    seconds: s.seconds,
    action: s.action,
    ...(s.until ? { until: s.until } : {}),
    ...(s.analysis ? { analysis: s.analysis } : {}),
    ...(main[i].peakPods !== undefined ? { peakPods: main[i].peakPods } : {}),
    ...(atMin ? { atMinReplicas: pods(atMin[i]) } : {}),
    ...(atMax ? { atMaxReplicas: pods(atMax[i]) } : {}),
  }));
  const share = (s: PlanStep) =>
    routed ? s.weight : s.canaryPods + s.stablePods === 0 ? 0 : percentOf(s.canaryPods, s.canaryPods + s.stablePods);
  return {
    rollout: id,
    strategy: 'canary',
    replicas: replicas as number,
    trafficRouting: routed,
    steps: planSteps,
    minimumSeconds: planSteps.some(s => s.seconds === null)
      ? null
      : planSteps.reduce((sum, s) => sum + (s.seconds as number), 0),
    peakCanaryPercent: planSteps.reduce((peak, s) => Math.max(peak, share(s)), 0),
    ...(autoscaler ? { autoscaler } : {}),
  };
}

/** A step read from the manifest, before pods. */
interface ReadStep {
  readonly kind: PlanStepKind;
  readonly weight: number;
  /** The setCanaryScale in force after the step (matchTrafficWeight ends one). */
  readonly scale?: CanaryScaleInForce;
  readonly seconds: number | null;
  readonly until?: 'promotion' | 'unbounded';
  readonly action: string;
  readonly analysis?: readonly string[];
}

const STEP_KINDS: readonly PlanStepKind[] = [
  'setWeight',
  'pause',
  'analysis',
  'setCanaryScale',
  'setHeaderRoute',
  'setMirrorRoute',
  'experiment',
];

function readSteps(raw: readonly unknown[], analysis: AnalysisTimer, fail: (d: string) => never): ReadStep[] {
  let weight = 0;
  let scale: CanaryScaleInForce | undefined;
  return raw.map((entry, i) => {
    const at = `spec.strategy.canary.steps[${i}]`;
    const step = record(entry) ?? fail(`${at} is not an object`);
    const keys = Object.keys(step).filter(k => step[k] !== undefined && step[k] !== null);
    if (keys.length !== 1) fail(`${at} must have exactly one action, has ${keys.length ? keys.join(', ') : 'none'}`);
    const kind = keys[0] as PlanStepKind;
    if (!STEP_KINDS.includes(kind)) fail(`${at} has the action "${keys[0]}", which the plan does not know`);
    const value = step[kind];
    const base = { kind, seconds: 0 as number | null };
    switch (kind) {
      case 'setWeight': {
        if (!isCount(value) || value > 100) fail(`${at}.setWeight is ${JSON.stringify(value)}, not 0..100`);
        weight = value as number;
        return { ...base, weight, scale, action: `setWeight ${weight}` };
      }
      case 'pause': {
        const duration = record(value)?.duration;
        if (duration === undefined || duration === null)
          return { ...base, weight, scale, seconds: null, until: 'promotion' as const, action: 'pause' };
        const seconds = pauseSeconds(duration);
        if (seconds === undefined) fail(`${at}.pause.duration is ${JSON.stringify(duration)}, not a duration`);
        return { ...base, weight, scale, seconds: seconds!, action: `pause ${formatSeconds(seconds!)}` };
      }
      case 'analysis': {
        const a = analysis.run(`${at}.analysis`, record(value) ?? fail(`${at}.analysis is not an object`));
        const until = a.seconds === null ? { until: 'unbounded' as const } : {};
        return {
          ...base,
          weight,
          scale,
          seconds: a.seconds,
          ...until,
          action: `analysis ${a.names.join(', ')}`,
          analysis: a.names,
        };
      }
      case 'setCanaryScale': {
        const s = record(value) ?? fail(`${at}.setCanaryScale is not an object`);
        let action: string;
        if (s.matchTrafficWeight === true) {
          scale = undefined;
          action = 'setCanaryScale matchTrafficWeight';
        } else if (s.replicas !== undefined && s.replicas !== null) {
          if (!isCount(s.replicas)) fail(`${at}.setCanaryScale.replicas is ${JSON.stringify(s.replicas)}`);
          scale = { replicas: s.replicas as number };
          action = `setCanaryScale replicas ${s.replicas}`;
        } else if (s.weight !== undefined && s.weight !== null) {
          if (!isCount(s.weight) || (s.weight as number) > 100)
            fail(`${at}.setCanaryScale.weight is ${JSON.stringify(s.weight)}, not 0..100`);
          scale = { weight: s.weight as number };
          action = `setCanaryScale weight ${s.weight}`;
        } else {
          return fail(`${at}.setCanaryScale sets none of replicas, weight, matchTrafficWeight`);
        }
        return { ...base, weight, scale, action };
      }
      case 'setHeaderRoute':
      case 'setMirrorRoute': {
        const route = record(value)?.name;
        return { ...base, weight, scale, action: `${kind}${typeof route === 'string' ? ` ${route}` : ''}` };
      }
      case 'experiment': {
        const e = analysis.experiment(`${at}.experiment`, record(value) ?? fail(`${at}.experiment is not an object`));
        const until = e.seconds === null ? { until: 'unbounded' as const } : {};
        const time = e.seconds === null ? '' : ` ${formatSeconds(e.seconds)}`;
        return { ...base, weight, scale, seconds: e.seconds, ...until, action: `experiment${time}` };
      }
    }
  });
}

/** Pods at each step for `replicas`, following Argo's arithmetic for the canary's routing. */
function canaryPods(
  replicas: number,
  canary: Readonly<Record<string, unknown>>,
  routed: boolean,
  steps: readonly ReadStep[],
  fail: (d: string) => never,
): Array<PlanPods & { peakPods?: number }> {
  if (routed) {
    const dynamicStableScale = canary.dynamicStableScale === true;
    const minPods = canary.minPodsPerReplicaSet;
    if (minPods !== undefined && minPods !== null && !isCount(minPods))
      fail(`spec.strategy.canary.minPodsPerReplicaSet is ${JSON.stringify(minPods)}`);
    return steps.map(s =>
      routedCanaryPods({
        replicas,
        weight: s.weight,
        scale: s.scale,
        dynamicStableScale,
        minPodsPerReplicaSet: (minPods ?? undefined) as number | undefined,
      }),
    );
  }
  let fences: { surge: number; unavailable: number };
  try {
    fences = surgeAndUnavailable(
      replicas,
      (canary.maxSurge ?? undefined) as IntOrPercentValue | undefined,
      (canary.maxUnavailable ?? undefined) as IntOrPercentValue | undefined,
    );
  } catch (e) {
    return fail(`spec.strategy.canary maxSurge or maxUnavailable: ${(e as Error).message}`);
  }
  // Without a router setCanaryScale is ignored (Argo's UseSetCanaryScale) and the pods follow the weight.
  let now: PodSplit = { canaryPods: 0, stablePods: replicas };
  return steps.map(s => {
    try {
      const settled = settleBasicCanary(replicas, s.weight, fences, now);
      now = settled;
      return { canaryPods: settled.canaryPods, stablePods: settled.stablePods, peakPods: settled.peakPods };
    } catch (e) {
      return fail((e as Error).message);
    }
  });
}

function planBlueGreen(
  bg: Readonly<Record<string, unknown>>,
  replicas: number,
  analysis: AnalysisTimer,
  fail: (d: string) => never,
): BlueGreenPlan {
  const preview = bg.previewReplicaCount ?? replicas;
  if (!isCount(preview)) fail(`spec.strategy.blueGreen.previewReplicaCount is ${JSON.stringify(preview)}`);
  const autoPromotion = bg.autoPromotionEnabled !== false;
  const delay = bg.autoPromotionSeconds ?? 0;
  if (!isCount(delay)) fail(`spec.strategy.blueGreen.autoPromotionSeconds is ${JSON.stringify(delay)}`);
  const pre = record(bg.prePromotionAnalysis);
  const post = record(bg.postPromotionAnalysis);
  const preRun = pre ? analysis.run('spec.strategy.blueGreen.prePromotionAnalysis', pre) : { names: [], seconds: 0 };
  const postNames = post ? analysis.run('spec.strategy.blueGreen.postPromotionAnalysis', post).names : [];
  return {
    previewPods: preview as number,
    activePods: replicas,
    autoPromotion,
    autoPromotionSeconds: delay as number,
    prePromotionAnalysis: preRun.names,
    prePromotionSeconds: preRun.seconds,
    postPromotionAnalysis: postNames,
    promotionSeconds: !autoPromotion || preRun.seconds === null ? null : preRun.seconds + (delay as number),
  };
}

/** Least times of the analysis and experiment steps, from the templates the context finds. */
class AnalysisTimer {
  constructor(
    private readonly context: PlanContext,
    private readonly fail: (d: string) => never,
  ) {}

  /** An analysis step (or blue/green analysis): its templates and the slowest metric's least time. */
  public run(at: string, a: Readonly<Record<string, unknown>>): { names: string[]; seconds: number | null } {
    const refs: Array<Readonly<Record<string, unknown>>> = Array.isArray(a.templates)
      ? (a.templates as unknown[]).map((t, i) => record(t) ?? this.fail(`${at}.templates[${i}] is not an object`))
      : typeof a.templateName === 'string'
        ? [{ templateName: a.templateName, clusterScope: a.clusterScope }]
        : [];
    if (refs.length === 0) this.fail(`${at} names no template`);
    const args = argValues(a.args);
    const names: string[] = [];
    const times: Array<number | null> = [];
    refs.forEach((ref, i) => {
      const templateName = ref.templateName;
      if (typeof templateName !== 'string') return this.fail(`${at}.templates[${i}] has no templateName`);
      names.push(templateName);
      times.push(this.templateSeconds(templateName, ref.clusterScope === true, args));
    });
    return { names, seconds: slowestSeconds(times) };
  }

  /**
   * An experiment step: its `duration`; without one it runs until the analyses marked
   * `requiredForCompletion` end, and without such analyses it has no end of its own.
   */
  public experiment(at: string, e: Readonly<Record<string, unknown>>): { seconds: number | null } {
    if (e.duration !== undefined && e.duration !== null) {
      const seconds = typeof e.duration === 'string' ? goDurationSeconds(e.duration) : undefined;
      if (seconds === undefined) this.fail(`${at}.duration is ${JSON.stringify(e.duration)}, not a Go duration`);
      return { seconds: seconds! };
    }
    const required = (Array.isArray(e.analyses) ? (e.analyses as unknown[]) : [])
      .map(x => record(x))
      .filter((x): x is Readonly<Record<string, unknown>> => x?.requiredForCompletion === true);
    if (required.length === 0) return { seconds: null };
    return {
      seconds: slowestSeconds(
        required.map(r => {
          if (typeof r.templateName !== 'string') return this.fail(`${at}.analyses has an entry without templateName`);
          return this.templateSeconds(r.templateName, r.clusterScope === true, argValues(r.args));
        }),
      ),
    };
  }

  private templateSeconds(name: string, clusterScope: boolean, stepArgs: Map<string, string>): number | null {
    const kind = clusterScope ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate';
    const template = this.context.findTemplate(name, clusterScope);
    if (!template) return this.fail(`runs the ${kind} "${name}", which is not among the objects read`);
    const bad = (detail: string): never => {
      throw new PlanError(`${kind} ${name}`, detail);
    };
    const spec = record(template.spec) ?? bad('has no spec');
    // A step's values override the template's defaults.
    const args = new Map([...argValues(spec.args), ...stepArgs]);
    const metrics = Array.isArray(spec.metrics) ? (spec.metrics as unknown[]) : bad('has no metrics');
    return slowestSeconds(
      metrics.map((raw, i) => {
        const m = record(raw) ?? bad(`spec.metrics[${i}] is not an object`);
        const field = (key: string) => substitute(m[key], args, v => bad(`spec.metrics[${i}].${key}: ${v}`));
        const int = (key: string) => {
          const v = field(key);
          if (v === undefined) return undefined;
          const n = typeof v === 'number' ? v : /^\d+$/.test(v) ? Number(v) : NaN;
          return Number.isInteger(n) && n >= 0 ? n : bad(`spec.metrics[${i}].${key} is ${JSON.stringify(v)}`);
        };
        const duration = (key: string) => {
          const v = field(key);
          if (v === undefined) return undefined;
          const s = typeof v === 'string' ? goDurationSeconds(v) : undefined;
          return s ?? bad(`spec.metrics[${i}].${key} is ${JSON.stringify(v)}, not a Go duration`);
        };
        return metricLeastSeconds({
          count: int('count'),
          intervalSeconds: duration('interval'),
          initialDelaySeconds: duration('initialDelay'),
          consecutiveSuccessLimit: int('consecutiveSuccessLimit'),
        });
      }),
    );
  }
}

/** `{{args.name}}` in a metric field replaced by its value; undefined for an unset field. */
function substitute(
  value: unknown,
  args: ReadonlyMap<string, string>,
  bad: (detail: string) => never,
): string | number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return bad(`${JSON.stringify(value)} is neither a number nor a string`);
  return value.replace(/\{\{\s*args\.([A-Za-z0-9_.-]+)\s*\}\}/g, (_, name: string) => {
    const v = args.get(name);
    return v ?? bad(`uses {{args.${name}}}, which has no value the plan can read`);
  });
}

/** `name -> value` of an args list, for the entries with a literal value. */
function argValues(list: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (!Array.isArray(list)) return out;
  for (const entry of list) {
    const a = record(entry);
    if (a && typeof a.name === 'string' && typeof a.value === 'string') out.set(a.name, a.value);
  }
  return out;
}

function pods(p: PlanPods): PlanPods {
  return { canaryPods: p.canaryPods, stablePods: p.stablePods };
}

/** `x` as an object of fields, or undefined when it is none (a scalar, an array, null). @internal */
export function record(x: unknown): Readonly<Record<string, unknown>> | undefined {
  return typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Record<string, unknown>) : undefined;
}

function isCount(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 2147483647;
}
