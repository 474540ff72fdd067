import type { SyntaxNode } from '@lezer/common';
import { parser } from '@prometheus-io/lezer-promql';

/** The type a PromQL expression evaluates to. */
export type PromQLType = 'scalar' | 'vector' | 'matrix' | 'string';

/** A query the PromQL grammar or its type rules refuse. */
export class PromQLError extends Error {
  constructor(
    message: string,
    /** Offset in the query where the problem starts. */ public readonly offset: number,
  ) {
    super(message);
    this.name = 'PromQLError';
  }
}

// Strict mode throws on the first syntax error instead of recovering, so a bad query cannot slip through.
const strictParser = parser.configure({ strict: true });

const EXPRESSIONS = new Set([
  'AggregateExpr',
  'BinaryExpr',
  'FunctionCall',
  'MatrixSelector',
  'NumberDurationLiteral',
  'OffsetExpr',
  'ParenExpr',
  'StringLiteral',
  'SubqueryExpr',
  'UnaryExpr',
  'VectorSelector',
  'StepInvariantExpr',
  'AnchoredExpr',
  'SmoothedExpr',
]);
const COMPARISONS = new Set(['Eql', 'Neq', 'Gtr', 'Gte', 'Lss', 'Lte']);
const SET_OPERATORS = new Set(['And', 'Or', 'Unless']);
const OPERATORS = new Set([...COMPARISONS, ...SET_OPERATORS, 'Pow', 'Mul', 'Div', 'Mod', 'Add', 'Sub', 'Atan2']);

const RANGE_FUNCTIONS = [
  'rate',
  'irate',
  'increase',
  'delta',
  'idelta',
  'deriv',
  'changes',
  'resets',
  'predict_linear',
  'absent_over_time',
  'present_over_time',
  'avg_over_time',
  'min_over_time',
  'max_over_time',
  'sum_over_time',
  'count_over_time',
  'quantile_over_time',
  'stddev_over_time',
  'stdvar_over_time',
  'last_over_time',
  'first_over_time',
  'mad_over_time',
  'holt_winters',
  'double_exponential_smoothing',
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

/** Where the tolerant parse of a query that the strict one refused puts its first error node. */
function firstErrorOffset(query: string): number {
  let offset = 0;
  let found = false;
  parser.parse(query).iterate({
    enter: node => {
      if (found) return false;
      if (!node.type.isError) return undefined;
      offset = node.from;
      found = true;
      return false;
    },
  });
  return offset;
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
  } catch {
    const offset = firstErrorOffset(query);
    throw new PromQLError(
      `has a syntax error at offset ${offset} (near ${JSON.stringify(query.slice(offset, offset + 20))})`,
      offset,
    );
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
    if (got !== want)
      throw new PromQLError(
        `${where} expects ${describe(want)} but ${JSON.stringify(text(n))} is ${describe(got)}`,
        n.from,
      );
  };
  switch (node.name) {
    case 'NumberDurationLiteral': {
      // Prometheus parses numbers with Go's strconv.ParseFloat, which refuses values beyond float64.
      const literal = text(node);
      if (/^[0-9.]+(e[+-]?[0-9]+)?$/i.test(literal) && !Number.isFinite(Number(literal))) {
        throw new PromQLError(`has a number out of range: ${literal}`, node.from);
      }
      return 'scalar';
    }
    case 'StringLiteral':
      return 'string';
    case 'VectorSelector':
      return 'vector';
    case 'MatrixSelector':
    case 'SubqueryExpr': {
      // Prometheus refuses an empty range ("duration must be greater than 0").
      const range = node.getChild('DurationExpr') ?? node.getChild('NumberDurationLiteralInDurationContext');
      if (range && /^(0+(\.0*)?(ms|s|m|h|d|w|y)?)+$/.test(text(range)))
        throw new PromQLError(`has an empty range ${text(range)}: a range must be greater than 0`, range.from);
      // promtool refuses a range without a unit ("missing unit character in duration").
      if (range && /^[0-9.e+]+$/i.test(text(range)))
        throw new PromQLError(`has a range without a unit: ${text(range)} (write e.g. 5m)`, range.from);
      return 'matrix';
    }
    case 'ParenExpr':
    case 'UnaryExpr':
    case 'OffsetExpr':
    case 'StepInvariantExpr':
    case 'AnchoredExpr':
    case 'SmoothedExpr':
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
      for (const [side, t] of [
        [left, lt],
        [right, rt],
      ] as const) {
        if (t !== 'scalar' && t !== 'vector')
          throw new PromQLError(
            `operator "${opText}" needs scalars or instant vectors but ${JSON.stringify(text(side))} is ${describe(t)}`,
            side.from,
          );
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

// ---- Argument values in queries

/**
 * Argo fills `{{args.NAME}}` by plain text substitution, so an argument value is part of the
 * query's source. These checks keep a value from changing the query's structure (closing a
 * string, adding `or vector(1)`, commenting out the rest).
 */
export const ARG_PLACEHOLDER = /\{\{\s*args\.([^}\s]+)\s*\}\}/g;

/** One `{{args.NAME}}` in a query and whether it stands inside a string literal. */
export interface ArgPlaceholder {
  readonly name: string;
  readonly from: number;
  readonly to: number;
  readonly inString: boolean;
}

/** Every argument placeholder of `query`, in order. */
export function argPlaceholders(query: string): ArgPlaceholder[] {
  return [...query.matchAll(ARG_PLACEHOLDER)].map(m => ({
    name: m[1],
    from: m.index!,
    to: m.index! + m[0].length,
    inString: insideString(query, m.index!),
  }));
}

function insideString(text: string, offset: number): boolean {
  let quote: string | undefined;
  for (let i = 0; i < offset; i++) {
    const c = text[i];
    if (quote) {
      // Backtick strings are raw: no escapes.
      if (c === '\\' && quote !== '`') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '#') {
      // A comment runs to the end of the line.
      while (i < offset && text[i] !== '\n') i++;
    } else if (c === '"' || c === "'" || c === '`') {
      quote = c;
    }
  }
  return quote !== undefined;
}

// Words that are operators or modifiers: as a lone value they would change what the query does.
const PROMQL_KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'offset',
  'bool',
  'atan2',
  'start',
  'end',
  'step',
  'inf',
  'nan',
  'limitk',
  'limit_ratio',
  'smoothed',
  'anchored',
]);
const NUMBER = /^[0-9]+(\.[0-9]+)?([eE][0-9]+)?$/;
const DURATION = /^([0-9]+(ms|s|m|h|d|w|y))+$/;
const NAME = /^[A-Za-z_:][A-Za-z0-9_:]*$/;

/**
 * Why `value` cannot stand at `placeholder` of the query described by `where`, or undefined when
 * it is safe: inside a string literal a value holds no quote, backslash or control character (so
 * the string cannot be closed or escaped); outside one it is a single number, duration or name
 * that is not a PromQL keyword.
 */
export function argValueProblem(placeholder: ArgPlaceholder, value: string, where: string): string | undefined {
  if (placeholder.inString) {
    // eslint-disable-next-line no-control-regex
    if (/["'`\\\u0000-\u001f\u007f]/.test(value)) {
      return `stands inside a string literal of ${where}, so it must not hold quotes, backslashes, line breaks or other control characters: they would end the string and let the rest of the value rewrite the query`;
    }
    return undefined;
  }
  const token =
    NUMBER.test(value) || DURATION.test(value) || (NAME.test(value) && !PROMQL_KEYWORDS.has(value.toLowerCase()));
  if (!token) {
    return `stands outside any string literal of ${where}, so it must be one number (e.g. 0.05), duration (e.g. 5m) or name (e.g. http_requests_total) that is not a PromQL keyword: anything more could change the query's structure`;
  }
  return undefined;
}

/**
 * The node types of a query's syntax tree, in order: two queries with the same structure (the
 * same expression with other names, numbers or strings in it) have the same signature.
 */
export function promqlStructure(query: string): string[] {
  const cursor = strictParser.parse(query).cursor();
  const names: string[] = [];
  do names.push(cursor.name);
  while (cursor.next());
  return names;
}

/**
 * Fills the placeholders of `query` with `values`, as Argo does; a placeholder without a value
 * becomes `x` inside a string literal and stays as it is outside one.
 */
export function substituteArgs(query: string, values: Readonly<Record<string, string | undefined>>): string {
  return query.replace(ARG_PLACEHOLDER, (whole, name: string, offset: number) => {
    const value = values[name];
    if (value !== undefined) return value;
    return insideString(query, offset) ? 'x' : whole;
  });
}
