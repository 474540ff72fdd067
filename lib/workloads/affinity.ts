import { IConstruct } from 'constructs';
import type { IAffinity } from 'kubernetes-models/v1/Affinity';
import {
  checkDnsLabel,
  checkEnum,
  checkInt,
  checkLabelKey,
  checkLabelValue,
  checkStringArray,
  INT32_MAX,
  invalidProp,
} from '../core/errors';
import { checkPlainData, checkProps, PropShape } from '../core/props';

// The shapes of a pod's affinity, as the API server takes it; arrays are checked item by item below.
const REQUIREMENT: PropShape = { key: 'string!', operator: 'string!', values: 'array' };
const LABEL_SELECTOR: PropShape = { matchLabels: 'map', matchExpressions: 'array' };
const NODE_TERM: PropShape = { matchExpressions: 'array', matchFields: 'array' };
const POD_TERM: PropShape = {
  labelSelector: LABEL_SELECTOR,
  namespaceSelector: LABEL_SELECTOR,
  namespaces: 'array',
  topologyKey: 'string!',
  matchLabelKeys: 'array',
  mismatchLabelKeys: 'array',
};
const POD_AFFINITY: PropShape = {
  requiredDuringSchedulingIgnoredDuringExecution: 'array',
  preferredDuringSchedulingIgnoredDuringExecution: 'array',
};
const AFFINITY: PropShape = {
  nodeAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: 'array!' },
    preferredDuringSchedulingIgnoredDuringExecution: 'array',
  },
  podAffinity: POD_AFFINITY,
  podAntiAffinity: POD_AFFINITY,
};
const NODE_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'] as const;
const LABEL_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;

/**
 * Checks a pod's affinity (node affinity, pod affinity and anti-affinity) field by field, as the API server
 * would, and returns a copy. Unknown fields are refused with a did-you-mean.
 * @internal
 */
export function renderAffinity(scope: IConstruct, prop: string, value: unknown): IAffinity | undefined {
  if (value === undefined) return undefined;
  checkPlainData(scope, prop, value);
  checkProps(scope, value, AFFINITY, `${prop}.`);
  const a = value as IAffinity;
  const node = a.nodeAffinity;
  if (node) {
    const at = `${prop}.nodeAffinity`;
    const required = node.requiredDuringSchedulingIgnoredDuringExecution;
    if (required) {
      const terms = `${at}.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms`;
      each(scope, terms, required.nodeSelectorTerms, (t, p) => checkNodeTerm(scope, p, t), true);
    }
    each(
      scope,
      `${at}.preferredDuringSchedulingIgnoredDuringExecution`,
      node.preferredDuringSchedulingIgnoredDuringExecution,
      (t, p) => {
        checkProps(scope, t, { weight: 'number!', preference: 'object!' }, `${p}.`);
        checkInt(scope, `${p}.weight`, (t as { weight: unknown }).weight, 1, 100);
        checkNodeTerm(scope, `${p}.preference`, (t as { preference: unknown }).preference);
      },
    );
  }
  for (const kind of ['podAffinity', 'podAntiAffinity'] as const) {
    const pod = a[kind];
    if (!pod) continue;
    const at = `${prop}.${kind}`;
    each(
      scope,
      `${at}.requiredDuringSchedulingIgnoredDuringExecution`,
      pod.requiredDuringSchedulingIgnoredDuringExecution,
      (t, p) => checkPodTerm(scope, p, t),
    );
    each(
      scope,
      `${at}.preferredDuringSchedulingIgnoredDuringExecution`,
      pod.preferredDuringSchedulingIgnoredDuringExecution,
      (t, p) => {
        checkProps(scope, t, { weight: 'number!', podAffinityTerm: 'object!' }, `${p}.`);
        checkInt(scope, `${p}.weight`, (t as { weight: unknown }).weight, 1, 100);
        checkPodTerm(scope, `${p}.podAffinityTerm`, (t as { podAffinityTerm: unknown }).podAffinityTerm);
      },
    );
  }
  return JSON.parse(JSON.stringify(value)) as IAffinity;
}

function each(
  scope: IConstruct,
  prop: string,
  list: unknown,
  check: (item: unknown, at: string) => void,
  nonEmpty = false,
): void {
  if (list === undefined) return;
  if (!Array.isArray(list)) invalidProp(scope, prop, list, 'must be an array');
  if (nonEmpty && list.length === 0) invalidProp(scope, prop, list, 'must hold at least one item');
  list.forEach((item, i) => check(item, `${prop}[${i}]`));
}

function checkNodeTerm(scope: IConstruct, prop: string, term: unknown): void {
  checkProps(scope, term, NODE_TERM, `${prop}.`);
  const t = term as { matchExpressions?: unknown; matchFields?: unknown };
  each(scope, `${prop}.matchExpressions`, t.matchExpressions, (r, p) => checkRequirement(scope, p, r, NODE_OPERATORS));
  each(scope, `${prop}.matchFields`, t.matchFields, (r, p) => {
    checkRequirement(scope, p, r, ['In', 'NotIn'], true);
  });
}

function checkPodTerm(scope: IConstruct, prop: string, term: unknown): void {
  checkProps(scope, term, POD_TERM, `${prop}.`);
  const t = term as Record<string, unknown>;
  checkLabelKey(scope, `${prop}.topologyKey`, t.topologyKey);
  for (const selector of ['labelSelector', 'namespaceSelector'] as const) {
    const s = t[selector] as { matchLabels?: Record<string, unknown>; matchExpressions?: unknown } | undefined;
    if (!s) continue;
    for (const [k, v] of Object.entries(s.matchLabels ?? {})) {
      checkLabelKey(scope, `${prop}.${selector}.matchLabels.${k}`, k);
      checkLabelValue(scope, `${prop}.${selector}.matchLabels.${k}`, v);
    }
    each(scope, `${prop}.${selector}.matchExpressions`, s.matchExpressions, (r, p) =>
      checkRequirement(scope, p, r, LABEL_OPERATORS),
    );
  }
  if (t.namespaces !== undefined) {
    checkStringArray(scope, `${prop}.namespaces`, t.namespaces);
    t.namespaces.forEach((n, i) => checkDnsLabel(scope, `${prop}.namespaces[${i}]`, n));
  }
  for (const keys of ['matchLabelKeys', 'mismatchLabelKeys'] as const) {
    if (t[keys] === undefined) continue;
    checkStringArray(scope, `${prop}.${keys}`, t[keys]);
    (t[keys] as string[]).forEach((k, i) => checkLabelKey(scope, `${prop}.${keys}[${i}]`, k));
  }
}

/** A selector requirement: a label key (or `metadata.name` for a field), an operator and the values it needs. */
function checkRequirement(
  scope: IConstruct,
  prop: string,
  requirement: unknown,
  operators: readonly string[],
  field = false,
): void {
  checkProps(scope, requirement, REQUIREMENT, `${prop}.`);
  const r = requirement as { key: string; operator: string; values?: unknown };
  if (field) {
    if (r.key !== 'metadata.name')
      invalidProp(scope, `${prop}.key`, r.key, 'must be "metadata.name" (the only node field)');
  } else {
    checkLabelKey(scope, `${prop}.key`, r.key);
  }
  checkEnum(scope, `${prop}.operator`, r.operator, operators);
  const values = r.values ?? [];
  checkStringArray(scope, `${prop}.values`, values);
  if (r.operator === 'In' || r.operator === 'NotIn') {
    if (values.length === 0)
      invalidProp(scope, `${prop}.values`, values, `must hold at least one value with ${r.operator}`);
    values.forEach((v, i) => checkLabelValue(scope, `${prop}.values[${i}]`, v));
  } else if (r.operator === 'Gt' || r.operator === 'Lt') {
    if (values.length !== 1 || !/^-?\d+$/.test(values[0]) || Math.abs(Number(values[0])) > INT32_MAX)
      invalidProp(scope, `${prop}.values`, values, `must hold exactly one whole number with ${r.operator}`);
  } else if (values.length > 0) {
    invalidProp(scope, `${prop}.values`, values, `must be left out with ${r.operator}`);
  }
}
