import Testing

@testable import CaseloadAnalytics

@Suite struct ThresholdCatalogTests {
    /// `camelCase` field label → `snake_case` key (an acronym such as `SD` stays one word),
    /// written out independently of the catalogue.
    func snake(_ label: String) -> String {
        var out = ""
        var previousUpper = false
        for ch in label {
            out += ch.isUppercase && !previousUpper ? "_" + ch.lowercased() : ch.lowercased()
            previousUpper = ch.isUppercase
        }
        return out
    }

    @Test func catalogueListsEveryFieldOnceUnderItsSnakeCaseName() {
        let fields = Mirror(reflecting: Thresholds()).children.compactMap(\.label).map(snake)
        #expect(Thresholds.settings.map(\.key) == fields)
        let auditFields = Mirror(reflecting: AuditThresholds()).children.compactMap(\.label).map(snake)
        #expect(AuditThresholds.settings.map(\.key) == auditFields)
        // The two tables of caseload.toml never share a key.
        #expect(Set(Thresholds.settings.map(\.key)).isDisjoint(with: AuditThresholds.settings.map(\.key)))
    }

    @Test func auditDefaultsAreInsideTheirRangesAndReadBackTheirFields() {
        let defaults = AuditThresholds()
        let mirrored = Mirror(reflecting: defaults).children.map { child -> Double in
            if let v = child.value as? Int { return Double(v) }
            return child.value as? Double ?? .nan
        }
        for (setting, raw) in zip(AuditThresholds.settings, mirrored) {
            #expect(setting.range.contains(setting.value(in: defaults)), "\(setting.key)")
            #expect(setting.value(in: defaults) == raw, "\(setting.key)")
        }
        for setting in AuditThresholds.settings {
            var t = AuditThresholds()
            setting.set(setting.range.upperBound, in: &t)
            #expect(setting.value(in: t) == setting.range.upperBound, "\(setting.key)")
            for other in AuditThresholds.settings where other.key != setting.key {
                #expect(other.value(in: t) == other.value(in: AuditThresholds()), "\(setting.key) changed \(other.key)")
            }
        }
    }

    @Test func everyDefaultIsInsideItsRangeAndReadsBackItsField() {
        let defaults = Thresholds()
        let mirrored = Mirror(reflecting: defaults).children.map { child -> Double in
            if let v = child.value as? Int { return Double(v) }
            return child.value as? Double ?? .nan
        }
        for (setting, raw) in zip(Thresholds.settings, mirrored) {
            #expect(setting.range.contains(setting.value(in: defaults)), "\(setting.key)")
            #expect(setting.value(in: defaults) == raw, "\(setting.key)")
            #expect(!setting.meaning.isEmpty)
        }
    }

    @Test func settingAValueChangesOnlyThatField() {
        for setting in Thresholds.settings {
            var t = Thresholds()
            let newValue = setting.range.upperBound
            setting.set(newValue, in: &t)
            #expect(setting.value(in: t) == newValue, "\(setting.key)")
            for other in Thresholds.settings where other.key != setting.key {
                #expect(other.value(in: t) == other.value(in: Thresholds()), "\(setting.key) changed \(other.key)")
            }
        }
    }
}
