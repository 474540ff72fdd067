import {
  basicCanaryReconcile,
  routedCanaryPods,
  scaledValue,
  settleBasicCanary,
  surgeAndUnavailable,
} from '../lib/plan/canary-pods';
import { formatSeconds, goDurationSeconds, metricLeastSeconds, pauseSeconds } from '../lib/plan/step-time';
import { argoCanarySplit } from '../lib/rollouts/rollout';

const start = (replicas: number) => ({ canaryPods: 0, stablePods: replicas });

describe('basic canary (no traffic routing): Argo CalculateReplicaCountsForBasicCanary', () => {
  test.each([
    // Rows of Argo's TestCalculateReplicaCountsForCanary (utils/replicaset/canary_test.go) without traffic routing,
    // older ReplicaSets or unavailable pods: [replicas, weight, maxSurge, maxUnavailable, canary now, stable now,
    // canary asked for, stable asked for].
    [10, 20, 2, 0, 0, 10, 2, 10], // use max surge int to scale up canary
    [10, 20, '20%', 0, 0, 10, 2, 10], // use max surge percentage to scale up canary
    [10, 20, '20%', 0, 2, 10, 2, 8], // scale down extra stable replicas
    [10, 30, 2, 0, 0, 10, 2, 10], // do not go past max surge
    [10, 20, 0, 2, 0, 10, 0, 8], // use max unavailable int to scale down stableRS
    [10, 20, 0, '20%', 0, 10, 0, 8], // ... percentage
    [10, 30, 0, 2, 0, 10, 0, 8], // do not go past max unavailable
    [10, 50, 2, 1, 0, 10, 2, 9], // use max surge and max unavailable
    [10, 0, 1, 1, 1, 10, 0, 10], // scale canaryRS to zero on setWeight of 0%
    [10, 100, 1, 1, 10, 1, 10, 0], // scale stable to zero on setWeight of 100%
    [1, 20, 1, 0, 0, 1, 1, 1], // do not scale canaryRS down to zero on non-zero weight
    [1, 90, 1, 0, 0, 1, 1, 1], // ... on non-100 weight
    [1, 49, 0, 1, 0, 1, 0, 1], // scale canaryRS to zero on <50 weight without surge
    [1, 51, 0, 1, 0, 1, 0, 0], // scale stableRS down to zero on >=50 weight without surge
    [1, 51, 0, 1, 0, 0, 1, 0], // scale canaryRS to one on >=50 weight without surge and stable replicas
    [10, 5, 0, 1, 0, 10, 0, 9], // do not round past maxSurge with uneven setWeight divisor
    [10, 5, 0, 1, 0, 9, 1, 9], // ... (part 2)
    [10, 10, '0%', '0%', 0, 10, 0, 9], // use maxUnavailable of 1 when both percentages give 0 pods
    [3, 99, 0, 2, 0, 3, 0, 1], // scale down to maxUnavailable without exceeding maxSurge
    [3, 99, 0, 2, 0, 1, 2, 1], // ... (part 2)
  ] as const)(
    '%i replicas at %i%% (maxSurge %s, maxUnavailable %s) from %i + %i: asks for %i canary, %i stable',
    (replicas, weight, maxSurge, maxUnavailable, canaryNow, stableNow, canary, stable) => {
      const fences = surgeAndUnavailable(replicas, maxSurge, maxUnavailable);
      expect(basicCanaryReconcile(replicas, weight, fences, { canaryPods: canaryNow, stablePods: stableNow })).toEqual({
        canaryPods: canary,
        stablePods: stable,
      });
    },
  );

  test.each([
    // [replicas, weight, maxSurge, maxUnavailable, canary, stable, peak pods], each reconcile worked out by hand.
    // 25% of 4 with the 25% defaults (surge 1, unavailable 1): one reconcile adds the canary and drops a stable pod.
    [4, 25, '25%', '25%', 1, 3, 4],
    // No unavailability allowed: surge a canary, drop a stable, surge again, drop again: 5 pods at the peak.
    [4, 50, 1, 0, 2, 2, 5],
    // No surge: drop a stable pod first, then add a canary, twice; never above 4.
    [4, 50, 0, 1, 2, 2, 4],
    // 20% of 5 is exact; 30% of 4 is 1 canary beside 3 stable (25%), the nearest whole-pod share.
    [5, 20, '25%', '25%', 1, 4, 5],
    [4, 30, '25%', '25%', 1, 3, 4],
    // 1.5 pods of 3 at 50%: with surge Argo runs 2 + 2 (exactly 50%), one pod above the replicas.
    [3, 50, '25%', '25%', 2, 2, 4],
    // A weight above 0 always gets a canary pod when one can be spared.
    [10, 1, '10%', 0, 1, 10, 11],
    // 100% of 10 (surge 3, unavailable 2): 3 + 8, 5 + 5, 8 + 3, 10 + 0.
    [10, 100, '25%', '25%', 10, 0, 11],
  ] as const)(
    '%i replicas at %i%% (maxSurge %s, maxUnavailable %s) settles on %i canary + %i stable, at most %i pods',
    (replicas, weight, maxSurge, maxUnavailable, canary, stable, peak) => {
      const fences = surgeAndUnavailable(replicas, maxSurge, maxUnavailable);
      expect(settleBasicCanary(replicas, weight, fences, start(replicas))).toEqual({
        canaryPods: canary,
        stablePods: stable,
        peakPods: peak,
        fallback: false,
      });
    },
  );

  test("every step settles on Argo's whole-pod approximation, for 1..15 replicas, every weight, and several fences", () => {
    const fences: Array<[number | string, number | string]> = [
      ['25%', '25%'],
      [1, 0],
      [0, 1],
      [2, 1],
      ['50%', '10%'],
      [0, '50%'],
    ];
    const wrong: string[] = [];
    for (let replicas = 1; replicas <= 15; replicas++) {
      for (const [maxSurge, maxUnavailable] of fences) {
        const f = surgeAndUnavailable(replicas, maxSurge, maxUnavailable);
        // Steps in order, each from where the last one settled, up to 100% and back down (an abort-like path).
        let now = start(replicas);
        for (const weight of [...Array(101).keys(), 60, 10, 0]) {
          const settled = settleBasicCanary(replicas, weight, f, now);
          const argo = argoCanarySplit(replicas, weight, f.surge);
          if (settled.canaryPods !== argo.canary || settled.stablePods !== argo.stable)
            wrong.push(`${replicas}/${weight}/${maxSurge}/${maxUnavailable}: ${JSON.stringify(settled)}`);
          // Never above replicas + surge, never fewer available pods than replicas - unavailable on the way.
          if (settled.peakPods > replicas + f.surge) wrong.push(`${replicas}/${weight}: peak ${settled.peakPods}`);
          now = settled;
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  /**
   * Argo Rollouts' CalculateReplicaCountsForBasicCanary (utils/replicaset/canary.go) statement by statement, with
   * its helpers, for a new and a stable ReplicaSet whose pods are all available and no older ReplicaSets; written
   * independently of lib/plan/canary-pods.ts. The desired counts come from the approximation that
   * test/rollout.test.ts checks against Argo's.
   */
  function argoBasicReference(
    specReplicas: number,
    weight: number,
    maxSurge: number,
    maxUnavailable: number,
    newRS: { spec: number; available: number },
    stableRS: { spec: number; available: number },
  ): [number, number] {
    const { canary: desiredNew, stable: desiredStable } = argoCanarySplit(specReplicas, weight, maxSurge);
    let newCount = newRS.spec;
    let stableCount = stableRS.spec;
    const maxAllowed = specReplicas + maxSurge;
    let scaleUpCount = maxAllowed - (newRS.spec + stableRS.spec);
    if (stableRS.spec < desiredStable && scaleUpCount > 0) {
      if (stableRS.spec + scaleUpCount < desiredStable) {
        stableCount = stableRS.spec + scaleUpCount;
        scaleUpCount = 0;
      } else {
        stableCount = desiredStable;
        scaleUpCount -= desiredStable - stableRS.spec;
      }
    }
    if (newRS.spec < desiredNew && scaleUpCount > 0) {
      newCount = newRS.spec + scaleUpCount < desiredNew ? newRS.spec + scaleUpCount : desiredNew;
    }
    const minAvailable = specReplicas - maxUnavailable;
    const isIncreasing = desiredNew >= newRS.spec;
    const forScaleDown = (rs: { spec: number; available: number }, ignoreAvailability: boolean) =>
      rs.spec < rs.available ? rs.spec : ignoreAvailability ? rs.spec : rs.available;
    const replicasToScaleDown = forScaleDown(newRS, !isIncreasing) + forScaleDown(stableRS, isIncreasing);
    if (replicasToScaleDown <= minAvailable) return [newCount, stableCount];
    const scaleDownCount = replicasToScaleDown - minAvailable;
    const drainTo = (rs: { spec: number }, desired: number, current: number) =>
      rs.spec > desired ? Math.max(desired, rs.spec - scaleDownCount) : current;
    const adjust = (
      drain: { available: number },
      adjustRS: { available: number },
      drainCount: number,
      adjustCount: number,
    ): [number, number] => {
      let over = Math.max(0, adjustCount + drainCount - maxAllowed);
      let totalAvailable = Math.min(drain.available, drainCount);
      adjustCount -= over;
      totalAvailable += Math.min(adjustRS.available, adjustCount);
      const extraAvailable = Math.max(0, adjustRS.available - adjustCount);
      const needed = Math.max(0, minAvailable - totalAvailable);
      adjustCount += Math.min(extraAvailable, needed);
      over = Math.max(0, adjustCount + drainCount - maxAllowed);
      drainCount -= over;
      return [drainCount, adjustCount];
    };
    if (!isIncreasing) {
      newCount = drainTo(newRS, desiredNew, newCount);
      [newCount, stableCount] = adjust(newRS, stableRS, newCount, stableCount);
    } else {
      stableCount = drainTo(stableRS, desiredStable, stableCount);
      [stableCount, newCount] = adjust(stableRS, newRS, stableCount, newCount);
    }
    return [newCount, stableCount];
  }

  test('one reconcile is exactly the reference for every state of 1..12 replicas, weights and fences', () => {
    const differences: string[] = [];
    for (let replicas = 1; replicas <= 12; replicas++) {
      for (const [surge, unavailable] of [
        [0, 1],
        [1, 0],
        [1, 1],
        [2, 3],
        [3, 0],
      ]) {
        for (let weight = 0; weight <= 100; weight += 5) {
          // Every state, including more pods than replicas + surge (an autoscaler scaled the Rollout down mid-step).
          for (let canary = 0; canary <= replicas + surge + 2; canary++) {
            for (let stable = 0; stable <= replicas + surge + 2; stable++) {
              const ours = basicCanaryReconcile(
                replicas,
                weight,
                { surge, unavailable },
                { canaryPods: canary, stablePods: stable },
              );
              const argo = argoBasicReference(
                replicas,
                weight,
                surge,
                unavailable,
                { spec: canary, available: canary },
                { spec: stable, available: stable },
              );
              if (ours.canaryPods !== argo[0] || ours.stablePods !== argo[1])
                differences.push(
                  `${replicas}/${weight}/${surge}/${unavailable} from ${canary}+${stable}: ${JSON.stringify(ours)} vs ${argo}`,
                );
            }
          }
        }
      }
    }
    expect(differences).toEqual([]);
  });

  test("maxSurge rounds up and maxUnavailable down; both 0 after rounding makes maxUnavailable 1 (Argo's fenceposts)", () => {
    expect(surgeAndUnavailable(4)).toEqual({ surge: 1, unavailable: 1 });
    expect(surgeAndUnavailable(5)).toEqual({ surge: 2, unavailable: 1 });
    expect(surgeAndUnavailable(3, 0, '10%')).toEqual({ surge: 0, unavailable: 1 });
    expect(surgeAndUnavailable(2, 0, 5)).toEqual({ surge: 0, unavailable: 2 });
    expect(scaledValue('33%', 10, true)).toBe(4);
    expect(scaledValue('33%', 10, false)).toBe(3);
    expect(() => scaledValue('1.5', 10, true)).toThrow(/neither a whole number nor a percentage/);
    expect(() => scaledValue(-1, 10, true)).toThrow(/not a whole number of pods/);
  });

  test("Argo's tie fallback is reported: 95% of 10 without surge runs no canary pod", () => {
    const f = surgeAndUnavailable(10, 0, 1);
    expect(settleBasicCanary(10, 95, f, start(10))).toEqual({
      canaryPods: 0,
      stablePods: 10,
      peakPods: 10,
      fallback: true,
    });
  });
});

describe('traffic-routed canary: Argo CalculateReplicaCountsForTrafficRoutedCanary', () => {
  test.each([
    // [replicas, weight, canary]: ceil(replicas * weight / 100); the stable keeps all its pods.
    [10, 0, 0],
    [10, 5, 1],
    [10, 33, 4],
    [10, 50, 5],
    [10, 100, 10],
    [3, 10, 1],
    [1, 1, 1],
  ])('%i replicas at %i%%: %i canary pods, stable keeps all', (replicas, weight, canary) => {
    expect(routedCanaryPods({ replicas, weight, dynamicStableScale: false })).toEqual({
      canaryPods: canary,
      stablePods: replicas,
    });
  });

  test('dynamicStableScale: the stable keeps ceil(replicas * (100 - weight) / 100)', () => {
    const at = (weight: number) => routedCanaryPods({ replicas: 10, weight, dynamicStableScale: true });
    expect(at(5)).toEqual({ canaryPods: 1, stablePods: 10 });
    expect(at(33)).toEqual({ canaryPods: 4, stablePods: 7 });
    expect(at(75)).toEqual({ canaryPods: 8, stablePods: 3 });
    expect(at(100)).toEqual({ canaryPods: 10, stablePods: 0 });
  });

  test('setCanaryScale overrides the canary size: replicas exactly, or a weight of its own', () => {
    const scaled = (scale: { replicas: number } | { weight: number }, dynamicStableScale = false) =>
      routedCanaryPods({ replicas: 10, weight: 10, scale, dynamicStableScale });
    expect(scaled({ replicas: 3 })).toEqual({ canaryPods: 3, stablePods: 10 });
    expect(scaled({ replicas: 0 })).toEqual({ canaryPods: 0, stablePods: 10 });
    expect(scaled({ weight: 40 })).toEqual({ canaryPods: 4, stablePods: 10 });
    // With dynamicStableScale the stable keeps what the larger of the traffic and the sizing weight leave it:
    // traffic 10% leaves 9, a canary sized for 40% would leave 6; replicas sizing leaves the stable whole.
    expect(scaled({ weight: 40 }, true)).toEqual({ canaryPods: 4, stablePods: 9 });
    expect(scaled({ replicas: 3 }, true)).toEqual({ canaryPods: 3, stablePods: 10 });
  });

  test('minPodsPerReplicaSet raises a non-zero count; a setCanaryScale replica count only with dynamicStableScale', () => {
    const min2 = (weight: number, extra: object = {}) =>
      routedCanaryPods({ replicas: 10, weight, dynamicStableScale: false, minPodsPerReplicaSet: 2, ...extra });
    expect(min2(5)).toEqual({ canaryPods: 2, stablePods: 10 });
    expect(min2(0)).toEqual({ canaryPods: 0, stablePods: 10 });
    expect(min2(5, { scale: { replicas: 1 } })).toEqual({ canaryPods: 1, stablePods: 10 });
    expect(min2(5, { scale: { replicas: 1 }, dynamicStableScale: true })).toEqual({ canaryPods: 2, stablePods: 10 });
    expect(min2(95, { dynamicStableScale: true })).toEqual({ canaryPods: 10, stablePods: 2 });
    expect(min2(100, { dynamicStableScale: true })).toEqual({ canaryPods: 10, stablePods: 0 });
  });
});

describe('least time of a step', () => {
  test('Go durations as Argo parses them; pauses take integers and digit strings as seconds', () => {
    expect(goDurationSeconds('90s')).toBe(90);
    expect(goDurationSeconds('1h30m')).toBe(5400);
    expect(goDurationSeconds('1.5h')).toBe(5400);
    expect(goDurationSeconds('250ms')).toBe(0.25);
    expect(goDurationSeconds('2m0s')).toBe(120);
    expect(goDurationSeconds('0')).toBe(0);
    expect(goDurationSeconds('10')).toBeUndefined();
    expect(goDurationSeconds('5 m')).toBeUndefined();
    expect(goDurationSeconds('-1s')).toBeUndefined();
    expect(pauseSeconds(30)).toBe(30);
    expect(pauseSeconds('30')).toBe(30);
    expect(pauseSeconds('1m')).toBe(60);
    expect(pauseSeconds(1.5)).toBeUndefined();
  });

  test('a metric: initialDelay + interval * (count - 1); once without count and interval; no end with interval only', () => {
    expect(metricLeastSeconds({ count: 5, intervalSeconds: 60, initialDelaySeconds: 30 })).toBe(270);
    expect(metricLeastSeconds({ count: 1, intervalSeconds: 60 })).toBe(0);
    expect(metricLeastSeconds({})).toBe(0);
    expect(metricLeastSeconds({ initialDelaySeconds: 120 })).toBe(120);
    expect(metricLeastSeconds({ intervalSeconds: 60 })).toBeNull();
    // consecutiveSuccessLimit (Argo 1.8+) ends the metric after that many successes, even without a count.
    expect(metricLeastSeconds({ intervalSeconds: 60, consecutiveSuccessLimit: 3 })).toBe(120);
    expect(metricLeastSeconds({ count: 10, intervalSeconds: 60, consecutiveSuccessLimit: 3 })).toBe(120);
    expect(metricLeastSeconds({ count: 2, intervalSeconds: 60, consecutiveSuccessLimit: 3 })).toBe(60);
    expect(metricLeastSeconds({ intervalSeconds: 60, consecutiveSuccessLimit: 0 })).toBeNull();
  });

  test('durations in words', () => {
    expect(formatSeconds(0)).toBe('0s');
    expect(formatSeconds(90)).toBe('1m 30s');
    expect(formatSeconds(3600)).toBe('1h');
    expect(formatSeconds(3725)).toBe('1h 2m 5s');
    expect(formatSeconds(0.25)).toBe('0.25s');
  });
});
