import ArgumentParser
import CaseloadExport

/// Who gets a patient sheet: the values of `review --patient-sheets` and of `[report]`
/// `patient_sheets` in `caseload.toml`.
enum PatientSheetsChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, all
    case followUp = "follow-up"

    /// The workbook policy the choice stands for.
    var policy: PatientSheetPolicy {
        switch self {
        case .auto: return .standard
        case .all: return .all
        case .followUp: return .followUpOnly
        }
    }
}
