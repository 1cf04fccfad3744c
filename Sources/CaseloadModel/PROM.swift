/// Patient-reported outcome measures: the instruments caseload reads and one score.

/// A patient-reported outcome measure caseload knows.
public enum PROMInstrument: String, Sendable, Hashable, CaseIterable {
    /// The patellofemoral subscale of KOOS (Crossley 2018): 0–100, higher is better.
    case koosPF = "koos_pf"
    /// The Anterior Knee Pain Scale (Kujala): 0–100, higher is better.
    case akps

    /// The scores the instrument can give.
    public var range: ClosedRange<Double> { 0...100 }

    /// The instrument's name in words.
    public var label: String {
        switch self {
        case .koosPF: return "KOOS-PF"
        case .akps: return "AKPS"
        }
    }
}

/// One PROM score of one patient.
public struct PROMScore: Sendable, Hashable {
    public var patientID: String
    public var date: CalendarDate
    public var instrument: PROMInstrument
    /// The score, within ``PROMInstrument/range``.
    public var score: Double

    public init(patientID: String, date: CalendarDate, instrument: PROMInstrument, score: Double) {
        self.patientID = patientID
        self.date = date
        self.instrument = instrument
        self.score = score
    }
}

