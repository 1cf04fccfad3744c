import Testing

@testable import CaseloadExport

@Suite struct CaseloadsTests {
    @Test(arguments: [
        ("Dr. Zoë O'Brien", "dr-zoe-o-brien"),
        ("../../etc/passwd", "etc-passwd"),
        ("CON", "con-caseload"),
        ("nul", "nul-caseload"),
        ("", "caseload"),
        ("   ", "caseload"),
        ("..", "caseload"),
        ("李医生", "caseload"),
        ("Unassigned", "unassigned"),
        ("A  B__C", "a-b-c"),
    ])
    func slugIsASafeFolderName(name: String, expected: String) {
        var taken: Set<String> = []
        let slug = Caseloads.slug(for: name, taken: &taken)
        #expect(slug == expected)
        #expect(slug.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" })
        #expect(!slug.contains("/") && !slug.hasPrefix("."))
    }

    @Test func slugsAreUniqueWithinARun() {
        var taken: Set<String> = []
        let slugs = ["Dr Lee", "dr lee", "DR-LEE", "Dr. Lee"].map { Caseloads.slug(for: $0, taken: &taken) }
        #expect(slugs == ["dr-lee", "dr-lee-2", "dr-lee-3", "dr-lee-4"])
    }

    @Test(arguments: [(nil, "Unassigned"), ("", "Unassigned"), ("  Dr Ng ", "Dr Ng")] as [(String?, String)])
    func clinicianNames(raw: String?, expected: String) {
        #expect(Caseloads.clinicianName(raw) == expected)
    }
}
