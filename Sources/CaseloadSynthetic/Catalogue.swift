import CaseloadModel

/// Names and texts the generator draws from: clinicians, patients, exercises and notes.
enum Catalogue {
    /// Clinician names (round-robin; beyond the list, `Clinician N`).
    static let clinicians = [
        "Maya Lindqvist", "Tomás Okafor", "Priya Raman", "Jonas Weber", "Aiko Tanaka",
        "Sam O'Connor", "Lena Fischer", "Kwame Mensah",
    ]

    static let firstNames = [
        "Ava", "Liam", "Noor", "Mateo", "Chloé", "Ethan", "Zoë", "Kai", "Isla", "Omar", "Freya", "Lucas",
        "Mei", "Daniel", "Sofia", "Arjun", "Hannah", "Leo", "Amara", "Jakub", "Elif", "Finn", "Yara", "Ben",
    ]
    static let lastNames = [
        "Brooks", "Nakamura", "García", "Okonkwo", "Schmidt", "Dubois", "Kowalski", "Haddad", "Johansson",
        "Murphy", "Rossi", "Chen", "Patel", "Silva", "Novak", "Andersen", "O'Brien", "Yilmaz", "Kim", "Walsh",
    ]

    /// The clinician for a round-robin slot.
    static func clinician(_ slot: Int) -> String {
        slot < clinicians.count ? clinicians[slot] : "Clinician \(slot + 1)"
    }

    /// Everyday notes, including the awkward ones a CSV writer must quote or keep as text.
    static let notes = [
        "felt good today",
        "easy, no pain 👍",
        "stairs at work hurt a bit, knee \"clicky\"",
        "did it after the run, legs tired",
        "=same as yesterday",
        "-1 set on clamshells, ran out of time",
        "+ added 10 s to the wall sit",
        "Wall sit: 3 x 30 s\nfelt the burn",
        "knee OK; a bit stiff in the morning",
        "🏃‍♀️ short jog before, then exercises",
        "forgot the band, used bodyweight",
        "sore, but better than last week, I think",
        "@home — quick version",
        "line one\r\nline two",
        "\"good\" session",
    ]
    static let flareNote = "bad day, knee flared after a long walk"
    static let nightPainNote = "woke up twice, knee throbbing"
    static let swellingNote = "knee puffy after session, iced 15 min"
    static let readinessFailNote = "knee bend hurt, went down a level"
    static let longSessionNote = "did extra rounds, took ~50 min"
    static let highPainNote = "exercises hurt (7/10) but kept going"
}

/// One exercise as prescribed at a level: what a log row records before symptoms are added.
struct Prescribed {
    var name: String
    var category: ExerciseCategory
    var sets: Int?
    var reps: Int?
    var loadKg: Double?
    /// Relative share of the session's minutes.
    var weight: Double
}

/// The exercises of each kind of session, by programme level (1–5).
enum ExerciseLibrary {
    /// Strength exercises available at `level`, in programme order.
    static func strength(level: Int) -> [Prescribed] {
        var list: [Prescribed] = [
            Prescribed(
                name: "Glute bridge", category: .strength, sets: level >= 3 ? 3 : 2, reps: min(15, 10 + 2 * (level - 1)),
                loadKg: level >= 5 ? 6 : (level >= 4 ? 4 : nil), weight: 1.0),
            Prescribed(
                name: "Clamshell", category: .strength, sets: level >= 2 ? 3 : 2, reps: 12 + level, loadKg: nil,
                weight: 0.9),
            Prescribed(
                name: "Straight-leg raise", category: .strength, sets: 3, reps: 10,
                loadKg: level >= 2 ? 0.5 * Double(level - 1) : nil, weight: 1.0),
        ]
        if level >= 2 {
            list.append(
                Prescribed(name: "Isometric wall sit", category: .strength, sets: 1, reps: 3 + level, loadKg: nil, weight: 0.9))
        }
        if level >= 3 {
            list.append(
                Prescribed(
                    name: "Slow eccentric step-down", category: .strength, sets: level >= 4 ? 3 : 2, reps: 8,
                    loadKg: level >= 5 ? 2.5 : nil, weight: 1.1))
        }
        return list
    }

    static let quadSets = Prescribed(name: "Quad sets", category: .activation, sets: 2, reps: 10, loadKg: nil, weight: 0.6)
    static let massage = Prescribed(name: "Quad massage", category: .massage, sets: nil, reps: nil, loadKg: nil, weight: 0.6)
    static let foamRoll = Prescribed(name: "Foam roll quads", category: .massage, sets: nil, reps: nil, loadKg: nil, weight: 0.7)

    static let mobility: [Prescribed] = [
        Prescribed(name: "Calf stretch", category: .mobility, sets: 3, reps: nil, loadKg: nil, weight: 0.8),
        Prescribed(name: "Quad stretch", category: .mobility, sets: 3, reps: nil, loadKg: nil, weight: 0.8),
        Prescribed(name: "Hip flexor release", category: .mobility, sets: 2, reps: nil, loadKg: nil, weight: 0.9),
        Prescribed(name: "Patellar mobilisation", category: .mobility, sets: 2, reps: 10, loadKg: nil, weight: 0.8),
    ]
}
