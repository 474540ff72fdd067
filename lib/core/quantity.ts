import { IConstruct } from 'constructs';
import type { IResourceRequirements } from 'kubernetes-models/v1/ResourceRequirements';
import { invalidProp } from './errors';
import { checkProps, PropShape } from './props';

const SUFFIX_FACTORS: Record<string, number> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const QUANTITY = /^(\d+(?:\.\d+)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/;

/** Parses a Kubernetes quantity ("250m", "64Mi", "0.5") to a number in base units; NaN when malformed. */
export function parseQuantity(text: string): number {
  const match = QUANTITY.exec(text);
  if (!match) return NaN;
  return Number(match[1]) * SUFFIX_FACTORS[match[2] ?? ''];
}

/** The largest value of a Kubernetes quantity in base units that still fits an int64 (bytes, or millicores for CPU). */
const INT64_MAX = 2 ** 63 - 1;

/**
 * A CPU or memory amount. A bad amount (malformed text, NaN, a negative number, a string where a
 * number goes) is kept and reported by the construct that uses it, with its path and prop.
 */
export abstract class Quantity {
  /** Which resource this amounts to; a CPU amount is never a memory amount. */
  public abstract readonly resource: 'cpu' | 'memory';
  /** Value in base units (cores for CPU, bytes for memory); NaN when the text is malformed. */
  public readonly value: number;
  /** The quantity as written in YAML, e.g. `250m` or `64Mi`. */
  public readonly text: string;
  /** Why the amount given to a factory cannot be a quantity, if it cannot. */
  private readonly badAmount?: { readonly given: unknown; readonly factory: string };

  protected constructor(amount: unknown, suffix: string, factory: string) {
    const fromNumber = suffix !== '' || factory !== 'of';
    const ok = fromNumber
      ? typeof amount === 'number' && Number.isFinite(amount) && amount >= 0
      : typeof amount === 'string';
    // Numbers render without exponent notation (1e21 would not parse), and never as "-0".
    this.text = !ok
      ? String(typeof amount === 'object' ? '' : amount) + suffix
      : typeof amount === 'number'
        ? `${plainNumber(amount)}${suffix}`
        : String(amount);
    this.badAmount = ok ? undefined : { given: amount, factory };
    this.value = ok ? parseQuantity(this.text) : NaN;
  }

  /** True for a positive, well-formed amount that Kubernetes can hold. */
  public get isValid(): boolean {
    return this.problem === undefined;
  }

  /**
   * What is wrong with this amount, if anything; constructs report it with the prop it was given for.
   * @internal
   */
  public get problem(): { readonly value: unknown; readonly expected: string } | undefined {
    const example =
      this instanceof Memory ? 'Memory.mebibytes(64) or Memory.of("1Gi")' : 'Cpu.millis(250) or Cpu.of("0.5")';
    if (this.badAmount) {
      const { given, factory } = this.badAmount;
      const what = factory === 'of' ? 'a string' : 'a finite number >= 0';
      return {
        value: given,
        expected: `must be ${what} (given to ${this.constructor.name}.${factory}), e.g. ${example}`,
      };
    }
    if (!(this.value > 0))
      return { value: this.text, expected: `must be a positive Kubernetes quantity, e.g. ${example}` };
    const baseUnits = this instanceof Memory ? this.value : this.value * 1000;
    if (baseUnits > INT64_MAX) {
      return {
        value: this.text,
        expected: `must be at most 9223372036854775807 ${this instanceof Memory ? 'bytes' : 'millicores'} (int64)`,
      };
    }
    if (this instanceof Memory && !Number.isInteger(this.value)) {
      return {
        value: this.text,
        expected: 'must be a whole number of bytes ("m" means milli, not mega: write "Mi" or "M")',
      };
    }
    return undefined;
  }

  public toString(): string {
    return this.text;
  }
}

/** `n` in plain decimal notation, as a quantity takes it (`1e21` -> `1000000000000000000000`). */
function plainNumber(n: number): string {
  if (Object.is(n, -0)) return '0';
  const text = String(n);
  if (!/e/i.test(text)) return text;
  return n >= 1 ? BigInt(Math.round(n)).toString() : n.toFixed(20).replace(/0+$/, '');
}

/** A CPU amount. Not interchangeable with {@link Memory}, at compile time or at run time. */
export class Cpu extends Quantity {
  /** Millicores: `Cpu.millis(250)` is `250m`, a quarter of a core. */
  public static millis(amount: number): Cpu {
    return new Cpu(amount, 'm', 'millis');
  }
  /** Whole or fractional cores: `Cpu.cores(0.5)` is `0.5`, 500 millicores. */
  public static cores(amount: number): Cpu {
    return new Cpu(amount, '', 'cores');
  }
  /** A Kubernetes quantity as written in YAML, e.g. `'4m'` or `'1.5'`. */
  public static of(text: string): Cpu {
    return new Cpu(text, '', 'of');
  }
  // A literal type of its own makes Cpu and Memory distinct types (TypeScript compares classes by shape).
  public readonly resource = 'cpu';
}

/** A memory amount. Not interchangeable with {@link Cpu}, at compile time or at run time. */
export class Memory extends Quantity {
  /** `Memory.mebibytes(64)` is `64Mi`. */
  public static mebibytes(amount: number): Memory {
    return new Memory(amount, 'Mi', 'mebibytes');
  }
  /** `Memory.gibibytes(1)` is `1Gi`. */
  public static gibibytes(amount: number): Memory {
    return new Memory(amount, 'Gi', 'gibibytes');
  }
  /** A Kubernetes quantity as written in YAML, e.g. `'64Mi'` or `'1G'`. */
  public static of(text: string): Memory {
    return new Memory(text, '', 'of');
  }
  public readonly resource = 'memory';
}

/**
 * Checks a quantity given for `prop`: the right kind (a Memory where a CPU amount goes is
 * refused) and a valid amount. Returns its YAML text.
 */
export function checkQuantity(scope: IConstruct, prop: string, value: unknown, kind: 'cpu' | 'memory'): string {
  const type = kind === 'cpu' ? Cpu : Memory;
  if (!(value instanceof type)) {
    const example = kind === 'cpu' ? 'Cpu.millis(250) or Cpu.of("0.5")' : 'Memory.mebibytes(64) or Memory.of("1Gi")';
    invalidProp(
      scope,
      prop,
      value instanceof Quantity ? `${value.constructor.name} ${value.text}` : value,
      `must be a ${type.name} amount, e.g. ${example}`,
    );
  }
  const problem = value.problem;
  if (problem) invalidProp(scope, prop, problem.value, problem.expected);
  return value.text;
}

/** Request and limit of one resource. */
export interface ResourceRange<T extends Quantity> {
  /**
   * What the scheduler reserves; utilization-based autoscaling divides usage by it.
   * @default - no request
   */
  readonly request?: T;
  /**
   * The most the container may use.
   * @default - no limit
   */
  readonly limit?: T;
}

/** CPU and memory of a container. */
export interface ContainerResources {
  /** @default - no CPU request or limit */
  readonly cpu?: ResourceRange<Cpu>;
  /** @default - no memory request or limit */
  readonly memory?: ResourceRange<Memory>;
}

/**
 * Checks every quantity parses and no limit is below its request; returns the Kubernetes `resources` block.
 * @internal
 */
export function renderResources(
  scope: IConstruct,
  prop: string,
  resources: ContainerResources | undefined,
): IResourceRequirements | undefined {
  if (resources === undefined) return undefined;
  checkProps(scope, resources, RESOURCES_SHAPE, `${prop}.`);
  const requests: Record<string, string> = {};
  const limits: Record<string, string> = {};
  for (const kind of ['cpu', 'memory'] as const) {
    const range = resources[kind];
    if (!range) continue;
    for (const side of ['request', 'limit'] as const) {
      const q = range[side];
      if (q === undefined) continue;
      (side === 'request' ? requests : limits)[kind] = checkQuantity(scope, `${prop}.${kind}.${side}`, q, kind);
    }
    if (range.request && range.limit && range.limit.value < range.request.value) {
      invalidProp(
        scope,
        `${prop}.${kind}.limit`,
        range.limit.text,
        `must be at least the request (${range.request.text})`,
      );
    }
  }
  const out: IResourceRequirements = {};
  if (Object.keys(limits).length) out.limits = limits;
  if (Object.keys(requests).length) out.requests = requests;
  return Object.keys(out).length ? out : undefined;
}

/** @internal The runtime shape of {@link ContainerResources}, for `checkProps`. */
export const RESOURCES_SHAPE: PropShape = {
  cpu: { request: 'any', limit: 'any' },
  memory: { request: 'any', limit: 'any' },
};
