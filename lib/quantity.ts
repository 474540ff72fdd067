import { IConstruct } from 'constructs';
import { invalidProp } from './errors';

const SUFFIX_FACTORS: Record<string, number> = {
  '': 1, 'n': 1e-9, 'u': 1e-6, 'm': 1e-3, 'k': 1e3, 'M': 1e6, 'G': 1e9, 'T': 1e12, 'P': 1e15, 'E': 1e18,
  'Ki': 2 ** 10, 'Mi': 2 ** 20, 'Gi': 2 ** 30, 'Ti': 2 ** 40, 'Pi': 2 ** 50, 'Ei': 2 ** 60,
};
const QUANTITY = /^(\d+(?:\.\d+)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/;

/** Parses a Kubernetes quantity ("250m", "64Mi", "0.5") to a number in base units; NaN when malformed. */
export function parseQuantity(text: string): number {
  const match = QUANTITY.exec(text);
  if (!match) return NaN;
  return Number(match[1]) * SUFFIX_FACTORS[match[2] ?? ''];
}

/** A CPU or memory amount. Malformed text is kept and reported by the construct that uses it, with its path. */
export abstract class Quantity {
  /** Value in base units (cores for CPU, bytes for memory); NaN when the text is malformed. */
  public readonly value: number;
  protected constructor(public readonly text: string) {
    this.value = parseQuantity(text);
  }
  public get isValid(): boolean {
    return Number.isFinite(this.value) && this.value > 0;
  }
  public toString(): string {
    return this.text;
  }
}

/** A CPU amount. */
export class Cpu extends Quantity {
  /** Millicores: `Cpu.millis(250)` is `250m`, a quarter of a core. */
  public static millis(amount: number): Cpu {
    return new Cpu(`${amount}m`);
  }
  /** Whole or fractional cores: `Cpu.cores(0.5)` is `500m`. */
  public static cores(amount: number): Cpu {
    return new Cpu(String(amount));
  }
  /** A Kubernetes quantity as written in YAML, e.g. `'4m'` or `'1.5'`. */
  public static of(text: string): Cpu {
    return new Cpu(text);
  }
}

/** A memory amount. */
export class Memory extends Quantity {
  /** `Memory.mebibytes(64)` is `64Mi`. */
  public static mebibytes(amount: number): Memory {
    return new Memory(`${amount}Mi`);
  }
  /** `Memory.gibibytes(1)` is `1Gi`. */
  public static gibibytes(amount: number): Memory {
    return new Memory(`${amount}Gi`);
  }
  /** A Kubernetes quantity as written in YAML, e.g. `'64Mi'` or `'1G'`. */
  public static of(text: string): Memory {
    return new Memory(text);
  }
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

/** Checks every quantity parses and no limit is below its request; returns the Kubernetes `resources` block. */
export function renderResources(scope: IConstruct, prop: string, resources: ContainerResources | undefined) {
  if (!resources) return undefined;
  const requests: Record<string, string> = {};
  const limits: Record<string, string> = {};
  for (const kind of ['cpu', 'memory'] as const) {
    const range = resources[kind];
    if (!range) continue;
    for (const side of ['request', 'limit'] as const) {
      const q = range[side];
      if (q === undefined) continue;
      if (!(q instanceof Quantity) || !q.isValid) {
        const example = kind === 'cpu' ? 'Cpu.millis(250) or Cpu.of("0.5")' : 'Memory.mebibytes(64) or Memory.of("1Gi")';
        invalidProp(scope, `${prop}.${kind}.${side}`, q instanceof Quantity ? q.text : q, `must be a positive Kubernetes quantity, e.g. ${example}`);
      }
      (side === 'request' ? requests : limits)[kind] = q.text;
    }
    if (range.request && range.limit && range.limit.value < range.request.value) {
      invalidProp(scope, `${prop}.${kind}.limit`, range.limit.text, `must be at least the request (${range.request.text})`);
    }
  }
  const out: { requests?: Record<string, any>; limits?: Record<string, any> } = {};
  if (Object.keys(limits).length) out.limits = limits;
  if (Object.keys(requests).length) out.requests = requests;
  return Object.keys(out).length ? out : undefined;
}
