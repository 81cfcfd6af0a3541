/// A list inside an item of a listing that anyone may add to — a process's inputs and outputs,
/// the events and commitments that count for an intent, a plan's members and processes — holds
/// at most its first ``most`` ids, and the item says when there are more: an answer's size is
/// bounded by what its reader asked for, not by what strangers published. Figures still count
/// every one.
public enum EmbeddedList {
    public static let most = 100
}
