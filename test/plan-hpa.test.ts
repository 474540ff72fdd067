import { desiredReplicas } from '../lib';

// Each expectation below is worked out by hand from the rule it names (lib/workloads/hpa-math.ts).
const base = { currentMetric: 80, targetMetric: 80, minReplicas: 1, maxReplicas: 100 };

describe('desiredReplicas: the HPA controller rule by rule', () => {
  test('tolerance: the boundary keeps the count, compared exactly (88 and 72 for a target of 80 at 0.1)', () => {
    // 88/80 is 1.1 exactly: within 1 + 0.1, so 10 pods stay 10 (float64 |1 - 1.1| is 0.10000000000000009 > 0.1).
    expect(desiredReplicas({ ...base, currentReplicas: 10, currentMetric: 88 })).toBe(10);
    expect(desiredReplicas({ ...base, currentReplicas: 10, currentMetric: 72 })).toBe(10);
    // Just outside: ceil(10 * 88.1 / 80) = ceil(11.0125) = 12; ceil(10 * 71.9 / 80) = ceil(8.9875) = 9.
    expect(desiredReplicas({ ...base, currentReplicas: 10, currentMetric: 88.1 })).toBe(12);
    expect(desiredReplicas({ ...base, currentReplicas: 10, currentMetric: 71.9 })).toBe(9);
    // 0.3 tolerance: 130/100 is within, 131/100 is not: ceil(4 * 1.31) = 6.
    expect(
      desiredReplicas({ ...base, currentReplicas: 4, currentMetric: 130, targetMetric: 100, tolerance: 0.3 }),
    ).toBe(4);
    expect(
      desiredReplicas({ ...base, currentReplicas: 4, currentMetric: 131, targetMetric: 100, tolerance: 0.3 }),
    ).toBe(6);
  });

  test('tolerance per direction (behavior.scaleUp/scaleDown.tolerance, Kubernetes 1.33+)', () => {
    const behavior = { scaleUp: { tolerance: 0.02 }, scaleDown: { tolerance: 0.2 } };
    // 83/80 = 1.0375 is above 1 + 0.02: ceil(10 * 1.0375) = 11. 68/80 = 0.85 is within 1 - 0.2: stays 10.
    expect(desiredReplicas({ ...base, currentReplicas: 10, currentMetric: 83, behavior })).toBe(11);
    expect(desiredReplicas({ ...base, currentReplicas: 10, currentMetric: 68, behavior })).toBe(10);
    // 0.8 exactly is the lower boundary: still within.
    expect(desiredReplicas({ ...base, currentReplicas: 10, currentMetric: 64, behavior })).toBe(10);
  });

  test('a current count of 0 disables scaling', () => {
    expect(desiredReplicas({ ...base, currentReplicas: 0, currentMetric: 800 })).toBe(0);
  });

  test('a count outside [min, max] is brought into range first, whatever the metric says', () => {
    // 12 pods above a max of 8 go to 8 even at no load; 1 pod below a min of 3 goes to 3 even at 10x load.
    expect(desiredReplicas({ ...base, currentReplicas: 12, maxReplicas: 8, currentMetric: 0 })).toBe(8);
    expect(desiredReplicas({ ...base, currentReplicas: 1, minReplicas: 3, currentMetric: 800 })).toBe(3);
  });

  test('without behavior a scale-up is capped at max(2 * current, 4) per step', () => {
    // 10x load wants ceil(1 * 10) = 10 and ceil(5 * 10) = 50: capped at 4 and at 10.
    expect(desiredReplicas({ ...base, currentReplicas: 1, currentMetric: 800 })).toBe(4);
    expect(desiredReplicas({ ...base, currentReplicas: 5, currentMetric: 800 })).toBe(10);
    // The cap never exceeds maxReplicas: 5 pods at 10x with a max of 7 go to 7.
    expect(desiredReplicas({ ...base, currentReplicas: 5, currentMetric: 800, maxReplicas: 7 })).toBe(7);
  });

  test('without behavior a scale-down takes the highest recommendation of the last 300 s', () => {
    // Half load wants ceil(10 * 0.5) = 5; 9 was recommended 200 s ago, so 9; 400 s ago is outside the window.
    const input = { ...base, currentReplicas: 10, currentMetric: 40 };
    expect(desiredReplicas(input)).toBe(5);
    expect(desiredReplicas({ ...input, recentRecommendations: [{ secondsAgo: 200, replicas: 9 }] })).toBe(9);
    expect(desiredReplicas({ ...input, recentRecommendations: [{ secondsAgo: 400, replicas: 9 }] })).toBe(5);
    // The controller flag changes the window.
    expect(
      desiredReplicas({
        ...input,
        downscaleStabilizationSeconds: 60,
        recentRecommendations: [{ secondsAgo: 200, replicas: 9 }],
      }),
    ).toBe(5);
  });

  test('with behavior, its default scale-up is 100% or 4 pods per 15 s, whichever is more', () => {
    const behavior = { scaleDown: { selectPolicy: 'Max' as const } };
    // 1 pod at 10x: 1 + 4 = 5 beats 2 x 1 = 2. 10 pods at 10x: 2 x 10 = 20 beats 10 + 4 = 14.
    expect(desiredReplicas({ ...base, currentReplicas: 1, currentMetric: 800, behavior })).toBe(5);
    expect(desiredReplicas({ ...base, currentReplicas: 10, currentMetric: 800, behavior })).toBe(20);
    // 6 pods added 10 s ago count against the 15 s period, which started at 4 pods: both policies allow 8, fewer
    // than the 10 it has, so it stays at 10 until the period has passed.
    expect(
      desiredReplicas({
        ...base,
        currentReplicas: 10,
        currentMetric: 800,
        behavior,
        recentScaleEvents: [{ secondsAgo: 10, change: 6 }],
      }),
    ).toBe(10);
  });

  test('with behavior, policies and selectPolicy limit each direction', () => {
    const onePodAMinute = { policies: [{ type: 'Pods' as const, value: 1, periodSeconds: 60 }] };
    // Down by at most 1 pod a minute, with the default 300 s stabilization: half load wants 5, gets 9.
    expect(
      desiredReplicas({ ...base, currentReplicas: 10, currentMetric: 40, behavior: { scaleDown: onePodAMinute } }),
    ).toBe(9);
    // A pod removed 30 s ago uses up the minute: no further scale-down now.
    expect(
      desiredReplicas({
        ...base,
        currentReplicas: 9,
        currentMetric: 40,
        behavior: { scaleDown: onePodAMinute },
        recentScaleEvents: [{ secondsAgo: 30, change: -1 }],
      }),
    ).toBe(9);
    // Percent down truncates: 50% of 9 leaves 4.5 -> 4; load 10% wants 1.
    const halfDown = { policies: [{ type: 'Percent' as const, value: 50, periodSeconds: 60 }] };
    expect(desiredReplicas({ ...base, currentReplicas: 9, currentMetric: 8, behavior: { scaleDown: halfDown } })).toBe(
      4,
    );
    // Min picks the smaller change: 10% up of 10 is 11 against 10 + 4 = 14.
    const cautious = {
      selectPolicy: 'Min' as const,
      policies: [
        { type: 'Percent' as const, value: 10, periodSeconds: 60 },
        { type: 'Pods' as const, value: 4, periodSeconds: 60 },
      ],
    };
    expect(desiredReplicas({ ...base, currentReplicas: 10, currentMetric: 800, behavior: { scaleUp: cautious } })).toBe(
      11,
    );
    // Percent up rounds up: 10% of 3 is 3.3 -> 4.
    expect(
      desiredReplicas({
        ...base,
        currentReplicas: 3,
        currentMetric: 800,
        behavior: { scaleUp: { policies: [cautious.policies[0]] } },
      }),
    ).toBe(4);
    // Disabled stops the direction.
    expect(
      desiredReplicas({
        ...base,
        currentReplicas: 10,
        currentMetric: 800,
        behavior: { scaleUp: { selectPolicy: 'Disabled' } },
      }),
    ).toBe(10);
  });

  test('with behavior, a scale-up stabilization window keeps the lowest recent recommendation', () => {
    const behavior = { scaleUp: { stabilizationWindowSeconds: 60 } };
    // 2x load wants 20; 12 was recommended 30 s ago: the safest (lowest) recent recommendation wins.
    expect(
      desiredReplicas({
        ...base,
        currentReplicas: 10,
        currentMetric: 160,
        behavior,
        recentRecommendations: [{ secondsAgo: 30, replicas: 12 }],
      }),
    ).toBe(12);
  });

  test('bad inputs are refused', () => {
    expect(() => desiredReplicas({ ...base, currentReplicas: 1, targetMetric: 0 })).toThrow(RangeError);
    expect(() => desiredReplicas({ ...base, currentReplicas: 1.5 })).toThrow(/whole number/);
    expect(() => desiredReplicas({ ...base, currentReplicas: 1, minReplicas: 5, maxReplicas: 2 })).toThrow(/exceed/);
    expect(() => desiredReplicas({ ...base, currentReplicas: 1, tolerance: -0.1 })).toThrow(/tolerance/);
  });
});
