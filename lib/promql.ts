import type { SyntaxNode } from '@lezer/common';
import { parser } from '@prometheus-io/lezer-promql';

/** The type a PromQL expression evaluates to. */
export type PromQLType = 'scalar' | 'vector' | 'matrix' | 'string';

/** A query the PromQL grammar or its type rules refuse. */
export class PromQLError extends Error {
  constructor(message: string, /** Offset in the query where the problem starts. */ public readonly offset: number) {
    super(message);
    this.name = 'PromQLError';
  }
}

// Strict mode throws on the first syntax error instead of recovering, so a bad query cannot slip through.
const strictParser = parser.configure({ strict: true });

const EXPRESSIONS = new Set([
  'AggregateExpr', 'BinaryExpr', 'FunctionCall', 'MatrixSelector', 'NumberDurationLiteral', 'OffsetExpr', 'ParenExpr',
  'StringLiteral', 'SubqueryExpr', 'UnaryExpr', 'VectorSelector', 'StepInvariantExpr', 'AnchoredExpr', 'SmoothedExpr',
]);
const COMPARISONS = new Set(['Eql', 'Neq', 'Gtr', 'Gte', 'Lss', 'Lte']);
const SET_OPERATORS = new Set(['And', 'Or', 'Unless']);
const OPERATORS = new Set([...COMPARISONS, ...SET_OPERATORS, 'Pow', 'Mul', 'Div', 'Mod', 'Add', 'Sub', 'Atan2']);

const RANGE_FUNCTIONS = [
  'rate', 'irate', 'increase', 'delta', 'idelta', 'deriv', 'changes', 'resets', 'predict_linear', 'absent_over_time',
  'present_over_time', 'avg_over_time', 'min_over_time', 'max_over_time', 'sum_over_time', 'count_over_time',
  'quantile_over_time', 'stddev_over_time', 'stdvar_over_time', 'last_over_time', 'first_over_time', 'mad_over_time',
  'holt_winters', 'double_exponential_smoothing',
];

/** Return type of a function and the type of each argument we check (undefined: not checked). */
function functionSignature(name: string): { returns: PromQLType; args: ReadonlyArray<PromQLType | undefined> } {
  if (name === 'scalar') return { returns: 'scalar', args: ['vector'] };
  if (name === 'time' || name === 'pi') return { returns: 'scalar', args: [] };
  if (name === 'vector') return { returns: 'vector', args: ['scalar'] };
  if (name === 'histogram_quantile') return { returns: 'vector', args: ['scalar', 'vector'] };
  if (name === 'quantile_over_time') return { returns: 'vector', args: ['scalar', 'matrix'] };
  if (RANGE_FUNCTIONS.includes(name)) return { returns: 'vector', args: ['matrix'] };
  return { returns: 'vector', args: [] };
}

/**
 * Parses a PromQL query with Prometheus' own grammar (`@prometheus-io/lezer-promql`, strict)
 * and works out the type of its result, checking the type rules a grammar cannot: scalar
 * comparisons need `bool`, aggregations and set operators take instant vectors, range
 * functions take range vectors. Throws {@link PromQLError}.
 */
export function parsePromQL(query: string): { readonly type: PromQLType } {
  if (query.trim() === '') throw new PromQLError('is empty', 0);
  let tree;
  try {
    tree = strictParser.parse(query);
  } catch (e) {
    const offset = Number(/(\d+)/.exec((e as Error).message)?.[1] ?? 0);
    throw new PromQLError(`has a syntax error at offset ${offset} (near ${JSON.stringify(query.slice(offset, offset + 20))})`, offset);
  }
  const top = expressionChildren(tree.topNode);
  if (top.length !== 1) throw new PromQLError('must be a single expression', 0);
  return { type: typeOf(top[0], query) };
}

function expressionChildren(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) {
    if (EXPRESSIONS.has(child.name)) out.push(child);
  }
  return out;
}

function typeOf(node: SyntaxNode, query: string): PromQLType {
  const text = (n: SyntaxNode) => query.slice(n.from, n.to);
  const expect = (n: SyntaxNode, want: PromQLType, where: string) => {
    const got = typeOf(n, query);
    if (got !== want) throw new PromQLError(`${where} expects ${describe(want)} but ${JSON.stringify(text(n))} is ${describe(got)}`, n.from);
  };
  switch (node.name) {
    case 'NumberDurationLiteral': return 'scalar';
    case 'StringLiteral': return 'string';
    case 'VectorSelector': return 'vector';
    case 'MatrixSelector': case 'SubqueryExpr': return 'matrix';
    case 'ParenExpr': case 'UnaryExpr': case 'OffsetExpr': case 'StepInvariantExpr': case 'AnchoredExpr': case 'SmoothedExpr':
      return typeOf(expressionChildren(node)[0], query);
    case 'FunctionCall': {
      const name = text(node.getChild('FunctionIdentifier')!);
      const args = expressionChildren(node.getChild('FunctionCallBody')!);
      const signature = functionSignature(name);
      signature.args.forEach((want, i) => {
        if (want && args[i]) expect(args[i], want, `${name}() argument ${i + 1}`);
      });
      return signature.returns;
    }
    case 'AggregateExpr': {
      const op = text(node.getChild('AggregateOp')!);
      const args = expressionChildren(node.getChild('FunctionCallBody')!);
      expect(args[args.length - 1], 'vector', `${op}()`);
      return 'vector';
    }
    case 'BinaryExpr': {
      const [left, right] = expressionChildren(node);
      let op = '';
      for (let c = node.firstChild; c; c = c.nextSibling) if (OPERATORS.has(c.name)) op = c.name;
      const lt = typeOf(left, query);
      const rt = typeOf(right, query);
      const opText = query.slice(left.to, right.from).trim();
      for (const [side, t] of [[left, lt], [right, rt]] as const) {
        if (t !== 'scalar' && t !== 'vector') throw new PromQLError(`operator "${opText}" needs scalars or instant vectors but ${JSON.stringify(text(side))} is ${describe(t)}`, side.from);
      }
      if (SET_OPERATORS.has(op) && (lt !== 'vector' || rt !== 'vector')) {
        throw new PromQLError(`set operator "${opText}" needs instant vectors on both sides`, node.from);
      }
      if (COMPARISONS.has(op) && lt === 'scalar' && rt === 'scalar' && !node.getChild('BoolModifier')) {
        throw new PromQLError(`comparison "${opText}" between two scalars needs the bool modifier`, node.from);
      }
      return lt === 'scalar' && rt === 'scalar' ? 'scalar' : 'vector';
    }
    default:
      throw new PromQLError(`has an expression of unknown kind ${node.name}`, node.from);
  }
}

function describe(type: PromQLType): string {
  return { scalar: 'a scalar', vector: 'an instant vector', matrix: 'a range vector', string: 'a string' }[type];
}
