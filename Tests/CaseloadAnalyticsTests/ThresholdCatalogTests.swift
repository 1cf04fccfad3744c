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
