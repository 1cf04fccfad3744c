/// A small, fast, seedable pseudo-random generator (SplitMix64, Steele, Lea & Flood 2014).
///
/// The generator's output is a pure function of its seed on every platform and Swift
/// version: bounded integers and doubles are derived here rather than through the
/// standard library's `random(in:using:)`, whose algorithm is an implementation detail.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The generator's state; advanced by the golden-ratio increment on every draw.
    public private(set) var state: UInt64

    /// Creates a generator whose stream is fixed by `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    /// Creates a generator for one element of a family of independent streams, e.g. one per patient.
    ///
    /// - Parameters:
    ///   - seed: The family's seed (the caseload's seed).
    ///   - stream: The member's number.
    ///   - salt: Distinguishes independent uses within a member (identity, logs, …).
    public init(seed: UInt64, stream: UInt64, salt: UInt64 = 0) {
        var mixer = SplitMix64(seed: seed ^ 0x5EED_CA5E_10AD_0000)
        let a = mixer.next()
        state = SplitMix64.mix(a &+ SplitMix64.mix(stream &* 0x9E37_79B9_7F4A_7C15 &+ salt))
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(state)
    }

    /// A uniform integer in `0..<bound` (`bound` > 0); the modulo bias is below 2⁻⁴⁰ for the bounds used here.
    public mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        return Int(next() % UInt64(bound))
    }

    /// A uniform integer in `range`.
    public mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    /// A uniform double in `[0, 1)` with 53 random bits.
    public mutating func unit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// `true` with probability `p`.
    public mutating func chance(_ p: Double) -> Bool {
        unit() < p
    }

    /// One element of a non-empty array, uniformly.
    public mutating func pick<T>(_ items: [T]) -> T {
        precondition(!items.isEmpty, "cannot pick from an empty array")
        return items[below(items.count)]
    }

    /// The SplitMix64 finaliser (a bijective 64-bit mix).
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
