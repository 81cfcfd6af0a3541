/// A list inside an item of a listing that anyone may add to — a process's inputs and outputs,
/// the events and commitments that count for an intent, a plan's members and processes — holds
/// at most its first ``most`` ids, and the item says when there are more: an answer's size is
/// bounded by what its reader asked for, not by what strangers published. Figures still count
/// every one.
public enum EmbeddedList {
    public static let most = 100

    /// The most rows of one page (an API answer, or what a command reads at once) whose rows
    /// hold lists of lists: a plan (its members, and its processes with their planned inputs
    /// and outputs, up to 100 + 100 × 200 progresses) and a plan's process (up to 200). The
    /// bounds of nested lists multiply, so these pages are kept small: a page of 1,000 plans
    /// could ask for 20 million.
    public static let nestedPage = 10
}
