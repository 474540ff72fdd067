import { Cpu, Memory, ScalingMetric, StableDeployment } from '../lib';
import { newChart } from './support/synth';

// The `@ts-expect-error` lines are the compile-time half of the test: `tsc --noEmit` (part of
// `npm test`) fails if any of them compiles, that is if a Memory can stand for a Cpu or back.
const cpu: Cpu = Cpu.millis(100);
const memory: Memory = Memory.mebibytes(64);

describe('Cpu and Memory are distinct types', () => {
  test('neither compiles where the other is meant', () => {
    // @ts-expect-error a Memory is not a Cpu
    const asCpu: Cpu = memory;
    // @ts-expect-error a Cpu is not a Memory
    const asMemory: Memory = cpu;
    // @ts-expect-error a memory amount as a CPU request
    const resources: StableResources = { cpu: { request: Memory.mebibytes(64) } };
    // @ts-expect-error a CPU amount as a memory limit
    const limits: StableResources = { memory: { limit: Cpu.cores(1) } };
    // @ts-expect-error a memory amount as a CPU average value
    ScalingMetric.cpuAverageValue(Memory.mebibytes(64));
    // @ts-expect-error a CPU amount as a memory average value
    ScalingMetric.memoryAverageValue(Cpu.millis(100));
    expect([asCpu, asMemory, resources, limits]).toHaveLength(4);
  });

  test('a JavaScript caller passing a Memory as a CPU request is refused at run time', () => {
    const build = () =>
      new StableDeployment(newChart(), 'web', {
        app: 'web',
        image: 'web:1.0',
        resources: { cpu: { request: Memory.mebibytes(64) as unknown as Cpu } },
      });
    expect(build).toThrow(
      'test/web: \'resources.cpu.request\' is "Memory 64Mi": must be a Cpu amount, e.g. Cpu.millis(250) or Cpu.of("0.5")',
    );
  });

  test.each([
    [
      'NaN millicores',
      () => Cpu.millis(NaN),
      'resources.cpu.request',
      'NaN',
      'must be a finite number >= 0 (given to Cpu.millis), e.g. Cpu.millis(250) or Cpu.of("0.5")',
    ],
    [
      'Infinity cores',
      () => Cpu.cores(Infinity),
      'resources.cpu.request',
      'Infinity',
      'must be a finite number >= 0 (given to Cpu.cores), e.g. Cpu.millis(250) or Cpu.of("0.5")',
    ],
    [
      'negative millicores',
      () => Cpu.millis(-5),
      'resources.cpu.request',
      '-5',
      'must be a finite number >= 0 (given to Cpu.millis), e.g. Cpu.millis(250) or Cpu.of("0.5")',
    ],
    [
      'zero cores',
      () => Cpu.cores(0),
      'resources.cpu.request',
      '"0"',
      'must be a positive Kubernetes quantity, e.g. Cpu.millis(250) or Cpu.of("0.5")',
    ],
    [
      'a string of millicores',
      () => Cpu.millis('250' as unknown as number),
      'resources.cpu.request',
      '"250"',
      'must be a finite number >= 0 (given to Cpu.millis), e.g. Cpu.millis(250) or Cpu.of("0.5")',
    ],
    [
      'NaN mebibytes',
      () => Memory.mebibytes(NaN),
      'resources.memory.request',
      'NaN',
      'must be a finite number >= 0 (given to Memory.mebibytes), e.g. Memory.mebibytes(64) or Memory.of("1Gi")',
    ],
    [
      'negative gibibytes',
      () => Memory.gibibytes(-1),
      'resources.memory.request',
      '-1',
      'must be a finite number >= 0 (given to Memory.gibibytes), e.g. Memory.mebibytes(64) or Memory.of("1Gi")',
    ],
    [
      'a number given as text',
      () => Memory.of(64 as unknown as string),
      'resources.memory.request',
      '64',
      'must be a string (given to Memory.of), e.g. Memory.mebibytes(64) or Memory.of("1Gi")',
    ],
    [
      'millibytes',
      () => Memory.of('100m'),
      'resources.memory.request',
      '"100m"',
      'must be a whole number of bytes ("m" means milli, not mega: write "Mi" or "M")',
    ],
    [
      'beyond int64 bytes',
      () => Memory.gibibytes(1e10),
      'resources.memory.request',
      '"10000000000Gi"',
      'must be at most 9223372036854775807 bytes (int64)',
    ],
  ])('%s is refused where it is used, with the prop', (_, amount, prop, value, expected) => {
    const quantity = amount();
    const resources =
      quantity instanceof Cpu ? { cpu: { request: quantity } } : { memory: { request: quantity as Memory } };
    expect(() => new StableDeployment(newChart(), 'web', { app: 'web', image: 'web:1.0', resources })).toThrow(
      `test/web: '${prop}' is ${value}: ${expected}`,
    );
  });

  test('amounts render in plain notation, so large and small numbers stay valid quantities', () => {
    expect(Cpu.millis(1e21).text).toBe('1000000000000000000000m');
    expect(Cpu.cores(1e-7).text).toBe('0.0000001');
    expect(Cpu.millis(-0).text).toBe('0m');
    expect(Memory.mebibytes(0.5).value).toBe(524288);
  });
});

type StableResources = NonNullable<ConstructorParameters<typeof StableDeployment>[2]['resources']>;
