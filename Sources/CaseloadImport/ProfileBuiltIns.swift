/// The built-in profiles: the workout apps patients already use (`--profile strong`, `hevy`,
/// `fitnotes`).
///
/// These apps log workouts, one row per set, not knee pain: read through them a file gives session
/// days, minutes, exercises, loads and reps, and no pain. Every layout is a workout layout
/// (``WorkoutRules``): a workout is a session (its start date-time is the session ID), a duration
/// the app writes for the whole workout counts once per workout, rows that repeat a workout already
/// read are duplicates by their stable fields (never by set order), and the patient is the file's
/// name without its extension unless `--patient` names it. Each app's layouts are told apart by
/// their headers (docs/FORMATS.md, "Built-in profiles", lists them and the exports they were
/// checked on).
extension MappingProfile {
    /// The built-in profiles' names.
    public static let builtInNames = ["strong", "hevy", "fitnotes"]

    /// The built-in profile called `name` (any case), or `nil`.
    public static func builtIn(named name: String) -> MappingProfile? {
        switch name.trimmingSpaces.lowercased() {
        case "strong": strong
        case "hevy": hevy
        case "fitnotes": fitnotes
        default: nil
        }
    }

    /// A workout layout of a built-in profile.
    private static func workoutLayout(
        _ name: String, _ columns: KeyValuePairs<String, String>, optional: [String] = [], excluded: [String] = [],
        values: [String: [String: String]] = [:], load: LoadUnit = .kg, duration: DurationUnit = .min,
        dateFormat: String? = nil, rules: WorkoutRules = WorkoutRules()
    ) -> ProfileLayout {
        // The date formats below are valid (ProfileBuiltInTests reads each).
        var layout = ProfileLayout(
            name: name, columns: columns.map { ColumnMapping(canonical: $0.key, header: $0.value) }, values: values,
            loadUnit: load, durationUnit: duration, dateFormat: dateFormat.flatMap { try? ProfileDateFormat($0) })
        layout.workout = rules
        layout.optionalHeaders = Set(optional.map(fold))
        layout.excludedHeaders = Set(excluded.map(fold))
        layout.patientFromStem = true
        return layout
    }

    /// Strong sets without a time carry `0` seconds: no time, not a zero-minute set.
    private static let untimed: [String: [String: String]] = ["duration_min": ["0": "", "0.0": ""]]

    /// Strong (iOS/Android). Four header layouts are known (corpus `real-exports/strong-*`):
    ///
    /// 1. 2019, `;`: `Date;Workout Name;Exercise Name;Set Order;Weight;Weight Unit;Reps;RPE;Distance;
    ///    Distance Unit;Seconds;Notes;Workout Notes`; the unit per row (`kg`, `lbs`, empty); `Seconds`
    ///    a set's time (0 when untimed); no workout duration.
    /// 2. 2019, `,`: `Date,Workout Name,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,
    ///    Workout Notes,RPE`; weights in kg (lb entries converted: `6.80388555` = 15 lb).
    /// 3. "Workout #", `;`, every field quoted: `Workout #;Date;Workout Name;Duration (sec);Exercise
    ///    Name;Set Order;Weight (kg);Reps;RPE;Distance (meters);Seconds;Notes;Workout Notes` (2019 and
    ///    September 2025); `Duration (sec)` the workout's.
    /// 4. October 2025, `,`: `Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,
    ///    Seconds,RPE` (some exports add `Notes,Workout Notes`); `Duration` the workout's as `35m`,
    ///    `1h 15m`; no unit anywhere (read as kg); dates `2024-11-28 17:36:08` or, on some iOS
    ///    locales, `2025-01-30 12:34:56\u{202F}pm`.
    public static let strong = MappingProfile(
        name: "strong", source: builtInSource,
        layouts: [
            workoutLayout(
                "2019, ';' with Weight Unit",
                ["date": "Date", "exercise": "Exercise Name", "load_kg": "Weight", "reps": "Reps",
                 "duration_min": "Seconds", "notes": "Notes"],
                optional: ["Notes"], excluded: ["Duration", "Duration (sec)"], values: untimed, duration: .s,
                rules: WorkoutRules(loadUnitHeader: "Weight Unit")),
            workoutLayout(
                "2019, ',' weights in kg",
                ["date": "Date", "exercise": "Exercise Name", "load_kg": "Weight", "reps": "Reps",
                 "duration_min": "Seconds", "notes": "Notes"],
                optional: ["Notes"], excluded: ["Weight Unit", "Duration", "Duration (sec)"], values: untimed,
                duration: .s),
            workoutLayout(
                "Workout #, Duration (sec), Weight (kg)",
                ["date": "Date", "exercise": "Exercise Name", "load_kg": "Weight (kg)", "reps": "Reps",
                 "duration_min": "Duration (sec)", "notes": "Notes"],
                optional: ["Notes"], duration: .s, rules: WorkoutRules(durationPerWorkout: true)),
            workoutLayout(
                "2025, Duration like 1h 15m",
                ["date": "Date", "exercise": "Exercise Name", "load_kg": "Weight", "reps": "Reps",
                 "duration_min": "Duration", "notes": "Notes"],
                optional: ["Notes"], excluded: ["Weight Unit"], duration: .hm, dateFormat: "%Y-%m-%d %I:%M:%S %p",
                rules: WorkoutRules(durationPerWorkout: true)),
        ])

    /// Hevy: `title,start_time,end_time,description,exercise_title,superset_id,exercise_notes,
    /// set_index,set_type,weight_kg,reps,distance_km,duration_seconds,rpe` (corpus `real-exports/hevy-2025`),
    /// dates `15 Sep 2025, 07:48`, newest workout first. Imperial accounts write `weight_lbs` and
    /// `distance_miles`. The workout lasts from `start_time` to `end_time`.
    public static let hevy = MappingProfile(
        name: "hevy", source: builtInSource,
        layouts: [
            workoutLayout(
                "weight_kg",
                ["date": "start_time", "exercise": "exercise_title", "load_kg": "weight_kg", "reps": "reps",
                 "notes": "exercise_notes"],
                optional: ["exercise_notes"], dateFormat: "%d %b %Y, %H:%M",
                rules: WorkoutRules(durationPerWorkout: true, endHeader: "end_time")),
            workoutLayout(
                "weight_lbs",
                ["date": "start_time", "exercise": "exercise_title", "load_kg": "weight_lbs", "reps": "reps",
                 "notes": "exercise_notes"],
                optional: ["exercise_notes"], load: .lb, dateFormat: "%d %b %Y, %H:%M",
                rules: WorkoutRules(durationPerWorkout: true, endHeader: "end_time")),
        ])

    /// FitNotes (Android) "Spreadsheet export", two header versions (corpus
    /// `real-exports/fitnotes-2023-layout-drift`): `Date,Exercise,Category,Weight (kgs),Reps,Distance,
    /// Distance Unit,Time,Comment` (March 2023) and `Date,Exercise,Category,Weight,Weight Unit,Reps,
    /// Distance,Distance Unit,Time,Comment` (November 2023). Dates only (one session a day); `Time` a
    /// set's duration `0:25:00`.
    public static let fitnotes = MappingProfile(
        name: "fitnotes", source: builtInSource,
        layouts: [
            workoutLayout(
                "Weight (kgs)",
                ["date": "Date", "exercise": "Exercise", "load_kg": "Weight (kgs)", "reps": "Reps",
                 "duration_min": "Time", "notes": "Comment"],
                optional: ["Comment"], duration: .hm),
            workoutLayout(
                "Weight with Weight Unit",
                ["date": "Date", "exercise": "Exercise", "load_kg": "Weight", "reps": "Reps",
                 "duration_min": "Time", "notes": "Comment"],
                optional: ["Comment"], duration: .hm, rules: WorkoutRules(loadUnitHeader: "Weight Unit")),
        ])
}
