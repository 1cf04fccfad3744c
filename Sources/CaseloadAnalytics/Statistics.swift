import Foundation

// Small, dependency-free statistics used by the analytics. Each function is checked
// against an independent implementation (scipy, pymannkendall, ruptures) by
// `scripts/crosscheck-stats.py`, whose output is the test fixture `stats-reference.json`.

/// The median of `values`: the middle value, or the mean of the two middle values.
///
/// - Parameter values: any order; NaN is not expected.
/// - Returns: `nil` for an empty array.
/// - Complexity: O(n) expected (selection, not a sort): the analytics take medians of
///   hundreds of pairwise slopes per patient.
public func median(_ values: [Double]) -> Double? {
    var work = values
    return medianReordering(&work)
}

/// ``median(_:)`` of `values`, found in place: `values` is left reordered. For the analytics'
/// scratch arrays (slopes, a flare's look-back), so no copy is made.
func medianReordering(_ values: inout [Double]) -> Double? {
    guard !values.isEmpty else { return nil }
    return values.withUnsafeMutableBufferPointer { a in
        let mid = a.count / 2
        select(mid, in: a)
        if a.count % 2 == 1 { return a[mid] }
        // After selection everything before `mid` is ≤ a[mid]: the other middle value is their maximum.
        var lower = a[0]
        for i in 1..<mid where a[i] > lower { lower = a[i] }
        return (lower + a[mid]) / 2
    }
}

/// Rearranges `a` so that `a[k]` holds the value a sort would put there, everything before it
/// is ≤ it and everything after it ≥ it (Hoare's selection, median-of-three pivots).
private func select(_ k: Int, in a: UnsafeMutableBufferPointer<Double>) {
    var low = 0, high = a.count - 1
    while high > low {
        if high - low < 16 {
            // Insertion sort for short ranges.
            for i in (low + 1)...high {
                let v = a[i]
                var j = i - 1
                while j >= low && a[j] > v {
                    a[j + 1] = a[j]
                    j -= 1
                }
                a[j + 1] = v
            }
            return
        }
        let m = low + (high - low) / 2
        if a[m] < a[low] { a.swapAt(m, low) }
        if a[high] < a[low] { a.swapAt(high, low) }
        if a[high] < a[m] { a.swapAt(high, m) }
        let pivot = a[m]
        var i = low, j = high
        while i <= j {
            while a[i] < pivot { i += 1 }
            while a[j] > pivot { j -= 1 }
            if i <= j {
                a.swapAt(i, j)
                i += 1
                j -= 1
            }
        }
        if k <= j { high = j } else if k >= i { low = i } else { return }
    }
}

/// The arithmetic mean of `values`, `nil` when empty.
public func mean(_ values: [Double]) -> Double? {
    guard !values.isEmpty else { return nil }
    return values.reduce(0, +) / Double(values.count)
}

/// Trailing rolling mean over the values that are present.
///
/// Element `i` of the result is the mean of the non-`nil` values among
/// `values[max(0, i − window + 1)...i]`, or `nil` when that span has none.
/// Used for the 7-day rolling mean of daily pain (one element per calendar day,
/// `nil` on days without a pain score).
///
/// - Parameters:
///   - values: one element per step; `nil` where no value was recorded.
///   - window: span length in steps, ≥ 1.
/// - Returns: an array as long as `values`.
/// - Complexity: O(n · window).
public func rollingMean(_ values: [Double?], window: Int) -> [Double?] {
    precondition(window >= 1, "window must be at least 1")
    // Summed in the same order as `mean` would, without building an array per element.
    return values.indices.map { i in
        var sum = 0.0, count = 0
        for case let v? in values[max(0, i - window + 1)...i] {
            sum += v
            count += 1
        }
        return count == 0 ? nil : sum / Double(count)
    }
}

/// Theil–Sen slope: the median of the pairwise slopes `(yj − yi) / (xj − xi)` over all
/// pairs with `xj > xi`.
///
/// Matches `scipy.stats.theilslopes(y, x).slope` (pairs with equal x are skipped).
/// Robust to outliers (breakdown point 29%). Units: units of y per unit of x (the
/// analytics use pain points per day, then multiply by 7).
///
/// - Parameter points: observations in any order.
/// - Returns: `nil` when no two points have different x (fewer than two points, or all x equal).
/// - Complexity: O(n²) expected (the median of the n(n−1)/2 slopes is selected, not sorted).
public func theilSenSlope(_ points: [(x: Double, y: Double)]) -> Double? {
    var slopes: [Double] = []
    slopes.reserveCapacity(points.count * max(0, points.count - 1) / 2)
    for i in points.indices {
        for j in points.indices where points[j].x > points[i].x {
            slopes.append((points[j].y - points[i].y) / (points[j].x - points[i].x))
        }
    }
    return medianReordering(&slopes)
}

/// The result of a Mann–Kendall trend test.
public struct MannKendallResult: Sendable, Hashable {
    /// Kendall's S: Σ sign(yj − yi) over i < j.
    public var s: Double
    /// Variance of S under the null hypothesis, with the tie correction.
    public var variance: Double
    /// Normal score with the continuity correction: (S − 1)/√Var for S > 0, (S + 1)/√Var for S < 0, 0 for S = 0.
    public var z: Double
    /// Two-sided p-value, 2·(1 − Φ(|z|)), in [0, 1].
    public var p: Double

    public init(s: Double, variance: Double, z: Double, p: Double) {
        self.s = s
        self.variance = variance
        self.z = z
        self.p = p
    }
}

/// Mann–Kendall trend test (no serial-correlation correction), as
/// `pymannkendall.original_test`.
///
/// - S = Σ_{i<j} sign(y_j − y_i)
/// - Var(S) = [n(n−1)(2n+5) − Σ_t t(t−1)(2t+5)] / 18, the sum over groups of tied values
/// - z = (S − 1)/√Var(S) if S > 0, (S + 1)/√Var(S) if S < 0, else 0
/// - p = 2·(1 − Φ(|z|)) (two-sided)
///
/// Values are taken in the given order (time order); their spacing does not matter.
///
/// - Parameter y: the series in time order.
/// - Returns: for fewer than two values, or when all values are tied (Var = 0),
///   S = 0, z = 0 and p = 1: no evidence of a trend.
/// - Complexity: O(n²).
public func mannKendall(_ y: [Double]) -> MannKendallResult {
    let n = y.count
    var s = 0.0
    for i in 0..<max(0, n - 1) {
        for j in (i + 1)..<n {
            if y[j] > y[i] { s += 1 } else if y[j] < y[i] { s -= 1 }
        }
    }
    var ties: [Double: Int] = [:]
    for v in y { ties[v, default: 0] += 1 }
    let nd = Double(n)
    var variance = nd * (nd - 1) * (2 * nd + 5)
    for t in ties.values where t > 1 {
        let td = Double(t)
        variance -= td * (td - 1) * (2 * td + 5)
    }
    variance /= 18
    let z: Double
    if s > 0, variance > 0 {
        z = (s - 1) / variance.squareRoot()
    } else if s < 0, variance > 0 {
        z = (s + 1) / variance.squareRoot()
    } else {
        z = 0
    }
    let p = min(1, max(0, 2 * (1 - standardNormalCDF(abs(z)))))
    return MannKendallResult(s: s, variance: variance, z: z, p: p)
}

/// Φ(z), the standard normal cumulative distribution function, via `erfc`.
public func standardNormalCDF(_ z: Double) -> Double {
    0.5 * erfc(-z / 2.0.squareRoot())
}

/// Optimal change points of a mean-shift model by PELT (Killick, Fearnhead & Eckley 2012).
///
/// Minimises Σ_segments [cost(segment) + penalty] with the L2 cost
/// cost(a..<b) = Σ (y_i − mean(y[a..<b]))², every segment at least `minSegment` long.
/// Follows `ruptures.Pelt(model="l2", min_size=minSegment, jump=1).fit(y).predict(pen=penalty)`:
/// the result lists the end index (exclusive) of every segment in ascending order, so the
/// last element is always `y.count`; `[y.count]` means no change point. A segment starts at
/// index 0 or at the previous element of the result.
///
/// Partitions are compared with prefix sums; when two are tied within 1e-9 (integer pain
/// scores make exact ties common), they are re-scored exactly as ruptures does (numpy's
/// pairwise summation, Python's left-to-right sum of segment costs) and the first minimum
/// in order of the last change point is kept, so ties break the same way as in ruptures.
///
/// - Parameters:
///   - y: the series, in order.
///   - penalty: cost of adding a segment, ≥ 0, in squared units of y.
///   - minSegment: shortest segment, ≥ 1.
/// - Returns: segment ends; `[y.count]` when `y` is shorter than `2 × minSegment` (no split
///   possible), `[]` for an empty series.
/// - Complexity: O(n²) worst case, close to O(n) when pruning is effective.
public func pelt(_ y: [Double], penalty: Double, minSegment: Int) -> [Int] {
    precondition(minSegment >= 1, "minSegment must be at least 1")
    precondition(penalty >= 0, "penalty must not be negative")
    let n = y.count
    guard n > 0 else { return [] }
    guard n >= 2 * minSegment else { return [n] }

    // Prefix sums of the centred series (centring keeps S2 − S1²/m well conditioned).
    let centre = y.reduce(0, +) / Double(n)
    var s1 = [Double](repeating: 0, count: n + 1)
    var s2 = [Double](repeating: 0, count: n + 1)
    for i in 0..<n {
        let v = y[i] - centre
        s1[i + 1] = s1[i] + v
        s2[i + 1] = s2[i] + v * v
    }
    func fastCost(_ a: Int, _ b: Int) -> Double {
        let m = Double(b - a)
        let sum = s1[b] - s1[a]
        return max(0, (s2[b] - s2[a]) - sum * sum / m)
    }
    // ruptures CostL2.error: numpy var(axis=0) × length, summed pairwise as numpy does.
    func exactCost(_ a: Int, _ b: Int, _ squares: inout [Double]) -> Double {
        let m = Double(b - a)
        let mu = numpyPairwiseSum(y[a..<b]) / m
        squares.removeAll(keepingCapacity: true)
        for v in y[a..<b] { squares.append((v - mu) * (v - mu)) }
        return numpyPairwiseSum(squares[...]) / m * m
    }

    let tolerance = 1e-9
    // fast[t], exact[t]: minimal penalised cost of y[0..<t] (exact: as ruptures sums it);
    // last[t]: start of its last segment.
    var fast = [Double?](repeating: nil, count: n + 1)
    var exact = [Double](repeating: 0, count: n + 1)
    var last = [Int](repeating: 0, count: n + 1)
    fast[0] = 0
    var admissible: [Int] = []
    var ends = Array(stride(from: minSegment, to: n, by: 1))
    ends.append(n)
    var candidates: [(t: Int, value: Double)] = []  // reused for every end
    var squares: [Double] = []
    for end in ends {
        admissible.append(end - minSegment)
        candidates.removeAll(keepingCapacity: true)
        for t in admissible {
            guard let previous = fast[t] else { continue }
            candidates.append((t, previous + fastCost(t, end) + penalty))
        }
        guard var minimum = candidates.first?.value else { continue }
        for candidate in candidates where candidate.value < minimum { minimum = candidate.value }
        let nearTie = minimum + tolerance * max(1, abs(minimum))
        var chosen: (t: Int, fast: Double, exact: Double)?
        for candidate in candidates where candidate.value <= nearTie {
            let value = exact[candidate.t] + (exactCost(candidate.t, end, &squares) + penalty)
            if chosen.map({ value < $0.exact }) ?? true {
                chosen = (candidate.t, candidate.value, value)
            }
        }
        guard let best = chosen else { continue }
        fast[end] = best.fast
        exact[end] = best.exact
        last[end] = best.t
        let bound = best.fast + penalty + tolerance * max(1, abs(best.fast))
        admissible.removeAll(keepingCapacity: true)
        for candidate in candidates where candidate.value <= bound { admissible.append(candidate.t) }
    }

    var result: [Int] = []
    var end = n
    while end > 0 {
        result.append(end)
        end = last[end]
    }
    return result.reversed()
}

/// Sum in numpy's order (pairwise summation with 8 accumulators, blocks of 128), so that
/// costs compare bit for bit with numpy's.
func numpyPairwiseSum(_ a: ArraySlice<Double>) -> Double {
    let n = a.count
    let base = a.startIndex
    if n < 8 {
        var result = 0.0
        for v in a { result += v }
        return result
    } else if n <= 128 {
        var r = Array(a[base..<(base + 8)])
        var i = 8
        while i < n - n % 8 {
            for j in 0..<8 { r[j] += a[base + i + j] }
            i += 8
        }
        var result = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
        while i < n {
            result += a[base + i]
            i += 1
        }
        return result
    } else {
        var half = n / 2
        half -= half % 8
        return numpyPairwiseSum(a[base..<(base + half)]) + numpyPairwiseSum(a[(base + half)...])
    }
}
