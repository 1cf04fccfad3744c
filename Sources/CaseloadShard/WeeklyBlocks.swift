import CaseloadAnalytics
import CaseloadModel

/// The binary form of patients' weekly rows in a shard folder (`weekly.bin`, `weekly-by-id.bin`):
/// one block per patient, the patient's ID then its weeks, every number little-endian and every
/// figure stored bit for bit, so a merge writes exactly the figures the shard computed.
///
/// ```
/// block  := idBytes:UInt32  id:UTF-8[idBytes]  weeks:UInt32  week[weeks]
/// week   := year:Int32  week:Int32  sessionDays:Int64  strengthDays:Int64  mobilityDays:Int64
///           present:UInt64  sessionsPrescribed:Float64  adherencePct:Float64  minutes:Float64
///           painMean:Float64  painMax:Float64  painDuringMedian:Float64           (88 bytes)
/// ```
///
/// `present` has bit 0 set when `adherencePct` is present, bit 1 `painMean`, bit 2 `painMax`, bit 3
/// `painDuringMedian`; an absent figure is stored as 0. Weekly rows are most of a patient's data:
/// decoded from JSON they cost a merge about five times the rest of the patient (measured at 40,000
/// patients: 105 of 166 µs a patient), read from this form next to nothing.
public enum WeeklyBlocks {
    /// Bytes of one week.
    public static let weekBytes = 88

    /// Appends the block of one patient to `out`.
    public static func append(patientID: String, weekly: [WeeklySummary], to out: inout [UInt8]) {
        let id = Array(patientID.utf8)
        appendInteger(UInt32(id.count), to: &out)
        out += id
        appendInteger(UInt32(weekly.count), to: &out)
        for w in weekly {
            appendInteger(Int32(truncatingIfNeeded: w.week.year), to: &out)
            appendInteger(Int32(truncatingIfNeeded: w.week.week), to: &out)
            appendInteger(Int64(w.sessionDays), to: &out)
            appendInteger(Int64(w.strengthDays), to: &out)
            appendInteger(Int64(w.mobilityDays), to: &out)
            var present: UInt64 = 0
            for (bit, value) in [w.adherencePct, w.painMean, w.painMax, w.painDuringMedian].enumerated() where value != nil {
                present |= 1 << UInt64(bit)
            }
            appendInteger(present, to: &out)
            for value in [w.sessionsPrescribed, w.adherencePct ?? 0, w.minutes, w.painMean ?? 0, w.painMax ?? 0,
                          w.painDuringMedian ?? 0]
            {
                appendInteger(value.bitPattern, to: &out)
            }
        }
    }

    private static func appendInteger<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out += $0 }
    }

    /// Why a block could not be read (the caller names the file and its place).
    public struct Malformed: Error, CustomStringConvertible {
        public var description: String
    }

    /// Reads one block from `bytes` starting at `offset`.
    /// - Returns: the patient's ID and weekly rows (none when `skipWeeks`), and the offset after the
    ///   block; `nil` when `bytes` ends before the block does (read more and try again).
    /// - Throws: ``Malformed`` when the block cannot be a block (an ID that is not UTF-8, a week
    ///   number out of range).
    public static func read(_ bytes: UnsafeRawBufferPointer, at offset: Int, skipWeeks: Bool = false) throws
        -> (patientID: String, weekly: [WeeklySummary], end: Int)?
    {
        var at = offset
        func integer<T: FixedWidthInteger>(_: T.Type) -> T {
            let value = bytes.loadUnaligned(fromByteOffset: at, as: T.self)
            at += MemoryLayout<T>.size
            return T(littleEndian: value)
        }
        func figure() -> Double { Double(bitPattern: integer(UInt64.self)) }
        guard bytes.count - at >= 4 else { return nil }
        let idBytes = Int(integer(UInt32.self))
        guard bytes.count - at >= idBytes + 4 else { return nil }
        guard let id = String(validating: UnsafeRawBufferPointer(rebasing: bytes[at..<(at + idBytes)]), as: UTF8.self) else {
            throw Malformed(description: "a patient ID that is not UTF-8")
        }
        at += idBytes
        let weeks = Int(integer(UInt32.self))
        guard bytes.count - at >= weeks * weekBytes else { return nil }
        if skipWeeks { return (id, [], at + weeks * weekBytes) }
        var weekly: [WeeklySummary] = []
        weekly.reserveCapacity(weeks)
        for _ in 0..<weeks {
            let year = Int(integer(Int32.self))
            let week = Int(integer(Int32.self))
            guard (1...53).contains(week) else { throw Malformed(description: "ISO week \(week) of \(year)") }
            let sessionDays = Int(integer(Int64.self))
            let strengthDays = Int(integer(Int64.self))
            let mobilityDays = Int(integer(Int64.self))
            let present = integer(UInt64.self)
            let (prescribed, adherence, minutes) = (figure(), figure(), figure())
            let (painMean, painMax, painDuring) = (figure(), figure(), figure())
            func optional(_ value: Double, bit: UInt64) -> Double? { present & (1 << bit) != 0 ? value : nil }
            weekly.append(
                WeeklySummary(
                    week: ISOWeek(year: year, week: week), sessionDays: sessionDays, sessionsPrescribed: prescribed,
                    adherencePct: optional(adherence, bit: 0), minutes: minutes, painMean: optional(painMean, bit: 1),
                    painMax: optional(painMax, bit: 2), painDuringMedian: optional(painDuring, bit: 3),
                    strengthDays: strengthDays, mobilityDays: mobilityDays))
        }
        return (id, weekly, at)
    }
}
