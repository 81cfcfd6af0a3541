/// Which of JSON's six kinds a value is: what a validating pass reports about the top-level
/// value, when nothing else is built.
public enum JSONKind: Sendable, Equatable {
    case null, bool, number, string, array, object
}
