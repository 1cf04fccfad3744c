import CaseloadAnalytics
import CaseloadModel
import Testing

@Suite struct LevelTests {
    @Test func currentLevelRunAndRegressions() {
        // Levels 1, 1, 2, –, 2, 1, 2, 3, –, 3: one drop (2 → 1); the run at 3 starts on d7.
        let levels: [Int?] = [1, 1, 2, nil, 2, 1, 2, 3, nil, 3]
        let days = levels.enumerated().map { record($0.offset, sessions: 1, level: $0.element) }
        let s = levelSummary(days, asOf: d(12))
        #expect(s == LevelSummary(current: 3, daysAtCurrent: 6, regressions: 1))  // d7…d12
    }

    @Test func daysWithoutALevelDoNotBreakTheRun() {
        let days = [record(0, level: 2), record(1, sessions: 1), record(5, level: 2)]
        #expect(levelSummary(days, asOf: d(5)) == LevelSummary(current: 2, daysAtCurrent: 6, regressions: 0))
    }

    @Test func goingBackALevelStartsANewRun() {
        // 2, 3, then back to 2 on d4: the current run at 2 began on d4, not d0.
        let days = [record(0, level: 2), record(2, level: 3), record(4, level: 2)]
        #expect(levelSummary(days, asOf: d(6)) == LevelSummary(current: 2, daysAtCurrent: 3, regressions: 1))
    }

    @Test func eachDropCounts() {
        let days = [record(0, level: 3), record(1, level: 2), record(2, level: 1), record(3, level: 2)]
        #expect(levelSummary(days, asOf: d(3)).regressions == 2)
    }

    @Test func noLevelLogged() {
        #expect(levelSummary([record(0, sessions: 1)], asOf: d(0)) == LevelSummary(current: nil, daysAtCurrent: nil, regressions: 0))
        #expect(levelSummary([DailyRecord](), asOf: d(0)) == LevelSummary(current: nil, daysAtCurrent: nil, regressions: 0))
    }

    @Test func laterDaysAreIgnored() {
        let days = [record(0, level: 2), record(5, level: 1)]
        #expect(levelSummary(days, asOf: d(3)) == LevelSummary(current: 2, daysAtCurrent: 4, regressions: 0))
    }
}
