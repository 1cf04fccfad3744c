/// The function that assigns a patient to a shard of a sharded run (`caseload plan`/`shard`).
///
/// Every row of one patient must land in the same shard, because duplicates are looked for within
/// a patient; and the assignment must not depend on the machine, the process or the Swift version
/// (Swift's `Hasher` is seeded per process, so it cannot be used). This is FNV-1a (64-bit) over the
/// ID's UTF-8 bytes, finished with the SplitMix64 mixer so that IDs differing only in their last
/// digits spread evenly, then reduced modulo the shard count.
///
/// A row without a patient ID belongs to shard 0 (``shard(of:count:)`` with `nil`).
public enum ShardFunction {
    /// The function's name as recorded in plans and shard summaries; a merge refuses shards made
    /// with another function. Change it whenever the function's results change.
    public static let name = "fnv1a64-splitmix64-mod/1"

    /// The shard, in `0..<count`, of the patient with ID `patientID` (a pseudonym when the run is
    /// pseudonymised); shard 0 for `nil`.
    /// - Precondition: `count >= 1`.
    public static func shard(of patientID: String?, count: Int) -> Int {
        precondition(count >= 1, "a run has at least one shard")
        guard let patientID else { return 0 }
        return Int(hash(patientID) % UInt64(count))
    }

    /// The 64-bit hash behind ``shard(of:count:)``: FNV-1a over the UTF-8 bytes, then SplitMix64's finaliser.
    public static func hash(_ text: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01b3
        }
        h = (h ^ (h >> 30)) &* 0xbf58_476d_1ce4_e5b9
        h = (h ^ (h >> 27)) &* 0x94d0_49bb_1331_11eb
        return h ^ (h >> 31)
    }
}
