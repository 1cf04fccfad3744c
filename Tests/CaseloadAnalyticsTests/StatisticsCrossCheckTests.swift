import CaseloadAnalytics
import Foundation
import Testing

/// Agreement with independent implementations: scipy `theilslopes`, pymannkendall
/// `original_test` and ruptures `Pelt(model="l2", min_size=7, jump=1)`, whose values
/// `scripts/crosscheck-stats.py` wrote to `Fixtures/stats-reference.json`.
@Suite struct StatisticsCrossCheckTests {
    struct MannKendallReference: Codable {
        var s: Double
        var variance: Double
        var z: Double
        var p: Double
    }

    struct PeltReference: Codable {
        var penalty: Double
        var minSegment: Int
        var ends: [Int]
    }

    struct Case: Codable {
        var name: String
        var x: [Double]
        var y: [Double]
        var theilSenSlope: Double?
        var mannKendall: MannKendallReference
        var pelt: [PeltReference]
    }

    struct Reference: Codable {
        var seed: Int
        var cases: [Case]
    }

    static func load() throws -> Reference {
        let url = try #require(Bundle.module.url(forResource: "stats-reference", withExtension: "json", subdirectory: "Fixtures"))
        return try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    }

    /// The values this implementation computes for every case, in the fixture's shape.
    static func computed(_ reference: Reference) -> [Case] {
        reference.cases.map { c in
            let mk = mannKendall(c.y)
            return Case(
                name: c.name, x: c.x, y: c.y,
                theilSenSlope: theilSenSlope(zip(c.x, c.y).map { (x: $0, y: $1) }),
                mannKendall: MannKendallReference(s: mk.s, variance: mk.variance, z: mk.z, p: mk.p),
                pelt: c.pelt.map { p in
                    PeltReference(penalty: p.penalty, minSegment: p.minSegment,
                                  ends: pelt(c.y, penalty: p.penalty, minSegment: p.minSegment))
                })
        }
    }

    @Test func fixtureHasEnoughVariedCases() throws {
        let reference = try Self.load()
        #expect(reference.cases.count >= 200)
        #expect(reference.cases.contains { $0.name.contains("ties") })
        #expect(reference.cases.contains { $0.name.contains("step") })
        #expect(reference.cases.contains { $0.name.contains("gappy") })
        // Some references must find change points, or the PELT comparison proves little.
        #expect(reference.cases.flatMap(\.pelt).filter { $0.ends.count > 1 }.count >= 50)
    }

    @Test func agreesWithScipyPymannkendallAndRuptures() throws {
        let reference = try Self.load()
        let mine = Self.computed(reference)
        var disagreements = 0
        for (ref, got) in zip(reference.cases, mine) {
            let slopeOK = abs((got.theilSenSlope ?? .nan) - (ref.theilSenSlope ?? .nan)) <= 1e-9
            #expect(slopeOK, "Theil–Sen \(ref.name): \(String(describing: got.theilSenSlope)) vs \(String(describing: ref.theilSenSlope))")
            let r = ref.mannKendall, g = got.mannKendall
            #expect(abs(g.s - r.s) <= 1e-9, "S \(ref.name)")
            #expect(abs(g.variance - r.variance) <= 1e-9, "Var(S) \(ref.name)")
            #expect(abs(g.z - r.z) <= 1e-6, "z \(ref.name)")
            #expect(abs(g.p - r.p) <= 1e-6, "p \(ref.name): \(g.p) vs \(r.p)")
            for (p, q) in zip(ref.pelt, got.pelt) {
                #expect(p.ends == q.ends, "PELT \(ref.name) pen \(p.penalty)")
                if p.ends != q.ends { disagreements += 1 }
            }
            if !slopeOK { disagreements += 1 }
        }
        #expect(disagreements == 0)
        if let path = ProcessInfo.processInfo.environment["CASELOAD_CROSSCHECK_DUMP"] {
            struct Dump: Codable { var cases: [Case] }
            try JSONEncoder().encode(Dump(cases: mine)).write(to: URL(fileURLWithPath: path))
        }
    }
}
